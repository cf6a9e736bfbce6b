// RFC 6749 §4.1.3 (+ RFC 7636 §4.5–4.6, OpenID Connect Core §3.1.3): exchange a code for
// tokens. The code is consumed first, atomically and exactly once (Duende removes it on read,
// too); only then are its bindings checked, so a code presented with a wrong verifier,
// redirect_uri or client is spent and its family dropped. A second presentation of a
// consumed code is a replay: invalid_grant, and every token issued from it is revoked by
// deleting its Authorization (RFC 6749 §4.1.2 "SHOULD revoke"; RFC 9700 §4.5).
import type { ApiResourceConfig, ClientConfig, UserAccount } from '../../../../config/model'
import { audit } from '../../../../audit'
import { isFamilyGone, revokeAuthorization } from '../../../../stores/authorizations'
import { consumeCodeOnce, type StoredAuthorizationCode } from '../../../../stores/codes'
import { loadResourceCatalog } from '../../../../stores/resources'
import { findUserBySubject } from '../../../../stores/users'
import { accessTokenSigningAlgorithm, issueAccessToken } from '../../../../tokens/access-token'
import { issueIdToken } from '../../../../tokens/id-token'
import { issueRefreshToken, shouldIssueRefreshToken } from '../../../../tokens/refresh-token'
import { apiUserClaims } from '../../../../tokens/user-claims'
import { invalidGrant, invalidRequest } from '../../../errors'
import { PKCE_VALUE, verifierMatches } from '../../../shared/pkce'
import { validateUserScopes, OPENID } from '../../../shared/user-scopes'
import type { GrantHandler, TokenResponse } from './types'

export interface AuthorizationCodeRequest {
  client: ClientConfig
  code: StoredAuthorizationCode
  user: UserAccount
  /** The APIs (audiences) behind the granted API scopes. */
  resources: ApiResourceConfig[]
  /** User claims the APIs asked for (also what a refresh token keeps for later access tokens). */
  accessTokenClaims: Record<string, unknown>
}

/** Longer than any code we issue (43 characters): not worth a database look-up. */
const MAX_CODE_LENGTH = 512

export const authorizationCodeGrant: GrantHandler<AuthorizationCodeRequest> = {
  async validate(params, client) {
    const handle = params.get('code')
    if (handle === undefined) throw invalidRequest('missing parameter code')
    // Required because our authorization endpoint always requires it (RFC 6749 §4.1.3).
    const redirectUri = params.get('redirect_uri')
    if (redirectUri === undefined) throw invalidRequest('missing parameter redirect_uri')
    const verifier = params.get('code_verifier')
    if (verifier !== undefined && !PKCE_VALUE.test(verifier)) throw invalidRequest('code_verifier is not 43-128 characters of [A-Za-z0-9-._~]')
    if (handle.length > MAX_CODE_LENGTH) throw invalidGrant('code too long to be one of ours')

    const consumption = await consumeCodeOnce(handle)
    if (consumption.outcome === 'invalid') throw invalidGrant('unknown, expired or revoked code')
    if (consumption.outcome === 'replayed') {
      // Only the client the code was issued to can trigger the revocation (node-oidc-provider
      // checks the client before the replay, too): another client's guess changes nothing.
      if (consumption.clientId === client.clientId && consumption.authorizationId) {
        await revokeAuthorization(consumption.authorizationId)
        audit('code.replayed', { outcome: 'failure', client_id: client.clientId, authorization_id: consumption.authorizationId, reason: 'code presented again: its family was revoked' })
      }
      throw invalidGrant('code already used')
    }

    const code = consumption.code
    try {
      checkBindings(code, client, redirectUri, verifier)
      const user = await findUserBySubject(code.subjectId)
      if (!user || !user.enabled) throw invalidGrant(`user ${code.subjectId} is gone or disabled`)
      // The configuration may have changed since the code was issued: check the scopes again.
      const granted = await validateUserScopes(code.scopes, client)
      accessTokenSigningAlgorithm(granted.resources)
      const catalog = await loadResourceCatalog()
      const apiScopes = granted.apiScopes.flatMap((name) => catalog.apiScopeByName(name) ?? [])
      return { client, code, user, resources: granted.resources, accessTokenClaims: apiUserClaims(user, apiScopes, granted.resources) }
    } catch (error) {
      // The code is spent and nothing was issued from it: drop the empty family.
      await revokeAuthorization(code.authorizationId)
      throw error
    }
  },

  async generate(request) {
    try {
      return await issueForCode(request)
    } catch (error) {
      // A concurrent replay of this code revoked the family while its tokens were being
      // stored (RFC 6749 §4.1.2): nothing of it may live, so this exchange fails too.
      if (isFamilyGone(error)) throw invalidGrant('the code was replayed during its exchange; its family was revoked')
      throw error
    }
  },
}

/** The tokens of a consumed, checked code. */
async function issueForCode({ client, code, user, resources, accessTokenClaims }: AuthorizationCodeRequest): Promise<TokenResponse> {
  const accessToken = await issueAccessToken({
    client,
    scopes: code.scopes,
    audiences: resources,
    subject: code.subjectId,
    claims: accessTokenClaims,
    authorizationId: code.authorizationId,
    sessionId: code.sessionId,
    authTime: code.authTime,
  })
  const response: TokenResponse = {
    access_token: accessToken.token,
    token_type: accessToken.tokenType,
    expires_in: accessToken.expiresIn,
    scope: code.scopes.join(' '),
  }

  if (code.scopes.includes(OPENID)) {
    response.id_token = await issueIdToken({
      client,
      subject: code.subjectId,
      authTime: code.authTime,
      nonce: code.nonce,
      amr: code.amr,
      sessionId: code.sessionId,
      accessToken: accessToken.token,
      scopes: code.scopes,
      user,
      identityResources: client.alwaysIncludeUserClaimsInIdToken ? (await loadResourceCatalog()).identityResources : undefined,
    })
  }

  // ── REFRESH TOKEN ────────────────────────────────────────────────────────────────────
  // offline_access granted (only to clients with allowOfflineAccess, see
  // shared/user-scopes.ts) and the refresh_token grant allowed: the family's first refresh
  // token, keeping what later access tokens need (lib/tokens/refresh-token.ts).
  if (shouldIssueRefreshToken(client, code.scopes)) {
    response.refresh_token = await issueRefreshToken({
      client,
      subjectId: code.subjectId,
      sessionId: code.sessionId,
      authorizationId: code.authorizationId,
      scopes: code.scopes,
      authTime: code.authTime,
      amr: code.amr,
      claims: accessTokenClaims,
    })
  }
  // ─────────────────────────────────────────────────────────────────────────────────────

  audit('token.issued', { outcome: 'success', client_id: client.clientId, grant_type: 'authorization_code', sub: code.subjectId, sid: code.sessionId, authorization_id: code.authorizationId, scope: code.scopes.join(' ') })
  return response
}

/** What the code was bound to at the authorization endpoint must match this request. */
function checkBindings(code: StoredAuthorizationCode, client: ClientConfig, redirectUri: string, verifier: string | undefined): void {
  if (code.clientId !== client.clientId) throw invalidGrant(`code issued to ${code.clientId}, presented by ${client.clientId}`)
  // RFC 6749 §4.1.3: "identical" — a plain string comparison.
  if (code.redirectUri !== redirectUri) throw invalidGrant('redirect_uri differs from the authorization request')
  if (code.codeChallenge !== undefined) {
    if (verifier === undefined) throw invalidGrant('code_verifier missing (RFC 7636 §4.5)')
    if (!verifierMatches(verifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain')) throw invalidGrant('code_verifier does not match the code_challenge')
    return
  }
  // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
  if (verifier !== undefined) throw invalidGrant('code_verifier sent for a code issued without code_challenge')
  // A public client's only proof of possession is PKCE.
  if (!client.requireClientSecret) throw invalidGrant(`public client ${client.clientId} exchanged a code issued without PKCE`)
}
