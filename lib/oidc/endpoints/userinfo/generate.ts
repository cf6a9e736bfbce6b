// The userinfo response (OpenID Connect Core 1.0 §5.3.2): `sub` always, and the user's claims
// that the granted identity scopes stand for (§5.4: profile, email, address, phone), read from
// the identity resources' userClaims so an operator's own identity resources work too.
import type { IdentityResourceConfig } from '../../../config/model'
import type { ValidatedUserInfoRequest } from './validate'

export function generateUserInfoResponse(request: ValidatedUserInfoRequest, identityResources: readonly IdentityResourceConfig[]): Record<string, unknown> {
  const granted = new Set(request.scopes)
  const claimTypes = new Set(identityResources.filter((r) => r.enabled && granted.has(r.name)).flatMap((r) => r.userClaims))

  const response: Record<string, unknown> = {}
  for (const type of claimTypes) {
    const value = request.user.claims[type]
    if (value !== undefined && value !== null) response[type] = value
  }
  // §5.3.2: "The sub Claim MUST always be returned", and it is the token's subject, never a stored claim.
  response.sub = request.user.subjectId
  return response
}
