// RFC 6749 §6 (+ OpenID Connect Core §12): a refresh token for new tokens, without the user.
// The token must be the client's, live, its user still enabled and its family not revoked;
// a `scope` may narrow the new access token, never widen it (§6: "MUST NOT include any scope
// not originally granted"). Rotation, reuse detection and the grace period live in
// lib/tokens/refresh-token.ts (README "Refresh token rotation").
//
// Not tied to the sign-in session: offline_access means "while I am not there" (OIDC Core
// §11), so ending the browser session does not end the refresh token (Duende's default too).
// Revoking the app on the account page, revocation, reuse, or disabling the user does.
import type { ApiResourceConfig, ClientConfig, UserAccount } from '../../../../config/model'
import { audit } from '../../../../audit'
import { isFamilyGone, touchAuthorization } from '../../../../stores/authorizations'
import { loadResourceCatalog, peekResourceCatalog } from '../../../../stores/resources'
import { accessTokenSigningAlgorithm, issueAccessToken } from '../../../../tokens/access-token'
import { issueIdToken } from '../../../../tokens/id-token'
import { renewRefreshToken, resolveRefreshToken, type UsableRefreshToken } from '../../../../tokens/refresh-token'
import { apiUserClaims } from '../../../../tokens/user-claims'
import { invalidGrant, invalidRequest, invalidScope } from '../../../errors'
import { parseScope } from '../../../shared/scope'
import { grantUserScopes, OPENID } from '../../../shared/user-scopes'
import type { GrantHandler, TokenResponse } from './types'

export interface RefreshTokenRequest {
  client: ClientConfig
  usable: UsableRefreshToken
  user: UserAccount
  /** The scopes of the new access token (the token's, or the narrower `scope` asked for). */
  scopes: string[]
  resources: ApiResourceConfig[]
  /** User claims for the new access token. */
  accessTokenClaims: Record<string, unknown>
  /** User claims the successor refresh token keeps (for the family's full scopes). */
  storedClaims: Record<string, unknown>
}

/** Longer than any handle we issue (43 characters): not worth a database look-up. */
const MAX_HANDLE_LENGTH = 512

export const refreshTokenGrant: GrantHandler<RefreshTokenRequest> = {
  async validate(params, client) {
    const handle = params.get('refresh_token')
    if (handle === undefined) throw invalidRequest('missing parameter refresh_token')
    if (handle.length > MAX_HANDLE_LENGTH) throw invalidGrant('refresh token too long to be one of ours')
    const requested = parseScope(params.get('scope'))

    const usable = await resolveRefreshToken(handle, client)
    const { token } = usable
    // Duende: a client that lost allowOfflineAccess can no longer use its refresh tokens.
    if (!client.allowOfflineAccess) throw invalidGrant(`client ${client.clientId} no longer allows offline access`)
    // Read with the token, in the same statement (users are never cached: disabling one counts at once).
    const user = usable.user
    if (!user?.enabled) throw invalidGrant(`user ${token.subjectId} is gone or disabled`)

    const widened = requested?.filter((s) => !token.scopes.includes(s)) ?? []
    if (widened.length) throw invalidScope(`refresh asked for scopes not originally granted: ${widened.join(' ')}`)
    // The configuration may have changed since the grant: the scopes are checked again.
    const catalog = peekResourceCatalog() ?? (await loadResourceCatalog())
    const granted = grantUserScopes(requested ?? token.scopes, client, catalog)
    accessTokenSigningAlgorithm(granted.resources)

    const apiScopes = granted.apiScopes.flatMap((name) => catalog.apiScopeByName(name) ?? [])
    let storedClaims = token.claims
    let accessTokenClaims: Record<string, unknown>
    if (client.updateAccessTokenClaimsOnRefresh) {
      const allApiScopes = token.scopes.flatMap((name) => catalog.apiScopeByName(name) ?? [])
      storedClaims = apiUserClaims(user, allApiScopes, catalog.resourcesForScopes(token.scopes))
      accessTokenClaims = apiUserClaims(user, apiScopes, granted.resources)
    } else {
      // The claims as at sign-in, narrowed to what the (possibly fewer) APIs ask for.
      const wanted = new Set([...apiScopes.flatMap((s) => s.userClaims), ...granted.resources.flatMap((r) => r.userClaims)])
      accessTokenClaims = Object.fromEntries(Object.entries(token.claims).filter(([type]) => wanted.has(type)))
    }
    return { client, usable, user, scopes: granted.scopes, resources: granted.resources, accessTokenClaims, storedClaims }
  },

  async generate(request) {
    try {
      return await refreshTokens(request)
    } catch (error) {
      // Revoked (revocation endpoint, account page, a replay) while the new tokens were being
      // stored: the refresh must not outlive the revocation.
      if (isFamilyGone(error)) throw invalidGrant('family revoked while the refresh was in progress')
      throw error
    }
  },
}

/** The new tokens of a validated refresh. */
async function refreshTokens({ client, usable, user, scopes, resources, accessTokenClaims, storedClaims }: RefreshTokenRequest): Promise<TokenResponse> {
  const renewed = await renewRefreshToken(usable, client, storedClaims)
  const { token } = renewed
  await touchAuthorization(token.authorizationId, undefined, usable.familyLastUsedAt)
  const authTime = token.authTime ?? Math.floor(token.originalCreationTime.getTime() / 1000)

  const accessToken = await issueAccessToken({
    client,
    scopes,
    audiences: resources,
    subject: token.subjectId,
    claims: accessTokenClaims,
    authorizationId: token.authorizationId,
    ...(token.sessionId && { sessionId: token.sessionId }),
    authTime,
  })
  const response: TokenResponse = {
    access_token: accessToken.token,
    token_type: accessToken.tokenType,
    expires_in: accessToken.expiresIn,
    scope: scopes.join(' '),
    refresh_token: renewed.handle,
  }
  // OpenID Connect Core §12.2: a new identity token for the same sign-in (same sub and
  // auth_time, no nonce), as Duende and node-oidc-provider send.
  if (scopes.includes(OPENID)) {
    response.id_token = await issueIdToken({
      client,
      subject: token.subjectId,
      authTime,
      ...(token.amr && { amr: token.amr }),
      ...(token.sessionId && { sessionId: token.sessionId }),
      accessToken: accessToken.token,
      scopes,
      user,
      identityResources: client.alwaysIncludeUserClaimsInIdToken ? (await loadResourceCatalog()).identityResources : undefined,
    })
  }
  audit('token.refreshed', {
    outcome: 'success',
    client_id: client.clientId,
    grant_type: 'refresh_token',
    sub: token.subjectId,
    authorization_id: token.authorizationId,
    scope: scopes.join(' '),
    reason: renewed.handle !== usable.handle ? `rotated (${usable.state})` : `kept (${usable.state})`,
  })
  return response
}
