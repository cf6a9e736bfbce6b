// Which of a user's stored claims a token carries: those named by the userClaims of the
// granted identity resources (identity token, when the client asks for them there) or of the
// granted API scopes and their API resources (access token), as Duende's DefaultClaimsService.
// `sub` and the protocol claims are never taken from the user's stored claims.
import type { ApiResourceConfig, ApiScopeConfig, IdentityResourceConfig, UserAccount } from '../config/model'

const PROTOCOL_CLAIMS = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'amr', 'acr', 'azp', 'sid', 'at_hash', 'c_hash', 'client_id', 'scope', 'cnf'])

export function pickClaims(user: UserAccount, claimTypes: Iterable<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const type of claimTypes) {
    if (PROTOCOL_CLAIMS.has(type)) continue
    const value = user.claims[type]
    if (value !== undefined && value !== null) claims[type] = value
  }
  return claims
}

/** The user claims of the granted identity scopes (OpenID Connect Core §5.4). */
export function identityUserClaims(user: UserAccount, scopes: readonly string[], identityResources: readonly IdentityResourceConfig[]): Record<string, unknown> {
  const granted = new Set(scopes)
  return pickClaims(user, new Set(identityResources.filter((r) => r.enabled && granted.has(r.name)).flatMap((r) => r.userClaims)))
}

/** The user claims the APIs asked for through their scopes and resources. */
export function apiUserClaims(user: UserAccount, apiScopes: readonly ApiScopeConfig[], resources: readonly ApiResourceConfig[]): Record<string, unknown> {
  return pickClaims(user, new Set([...apiScopes.flatMap((s) => s.userClaims), ...resources.flatMap((r) => r.userClaims)]))
}
