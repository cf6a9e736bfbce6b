// RFC 6749 §4.1.3 (+ RFC 7636 §4.5–4.6, OpenID Connect Core §3.1.3): exchange a code for
// tokens, exactly once, also when many requests present the same code at the same moment.
//
// 1. validate: the code is READ (with its user, one statement), not consumed. A code used
//    before is a replay: invalid_grant, and when its own client presents it, every token
//    issued from it is revoked by deleting its Authorization (RFC 6749 §4.1.2 "SHOULD revoke
//    all tokens previously issued based on that authorization code"; RFC 9700 §4.5). Another
//    client's presentation changes nothing (it proves nothing about the family).
//    A live code presented with a wrong client, redirect_uri or verifier (or whose user or
//    scopes no longer pass) is spent and its family dropped at once. Duende does the same in
//    effect (TokenRequestValidator removes the code from the store as soon as it is read,
//    before checking client, redirect_uri and PKCE); node-oidc-provider refuses a client
//    mismatch, a bad verifier or redirect_uri without consuming the code. We take Duende's
//    stricter rule: a failed attempt may be an attacker holding a stolen code.
// 2. generate: every token is built (signed, handles drawn), then ONE transaction consumes
//    the code if still unconsumed (count must be 1) and stores the refresh and reference
//    tokens (lib/stores/codes.ts redeemCodeOnce). Exactly one of N concurrent exchanges
//    commits; the others find the code consumed — only after the winner committed, with its
//    tokens — and, as replays, revoke the family, the winner's new tokens included. The
//    winner's answer is then a 200 whose stored tokens are already revoked, which is what
//    §4.1.2 asks for. Nothing is half-written on any failure: the code is spent only
//    together with its tokens.
import type { ApiResourceConfig, ClientConfig, UserAccount } from '../../../../config/model'
import { audit } from '../../../../audit'
import { isFamilyGone, revokeAuthorization } from '../../../../stores/authorizations'
import { findCode, redeemCodeOnce, type StoredAuthorizationCode } from '../../../../stores/codes'
import { referenceTokenRow, type NewGrantRow } from '../../../../stores/grants'
import { refreshTokenRow } from '../../../../stores/refresh-tokens'
import { loadResourceCatalog, peekResourceCatalog } from '../../../../stores/resources'
import { accessTokenSigningAlgorithm, prepareAccessToken } from '../../../../tokens/access-token'
import { issueIdToken } from '../../../../tokens/id-token'
import { newRefreshToken, shouldIssueRefreshToken } from '../../../../tokens/refresh-token'
import { apiUserClaims } from '../../../../tokens/user-claims'
import { invalidGrant, invalidRequest } from '../../../errors'
import { PKCE_VALUE, verifierMatches } from '../../../shared/pkce'
import { grantUserScopes, OPENID } from '../../../shared/user-scopes'
import type { GrantHandler, TokenResponse } from './types'

export interface AuthorizationCodeRequest {
  client: ClientConfig
  /** The code as presented (redeemed in generate). */
  handle: string
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

    const found = await findCode(handle)
    if (found.outcome === 'invalid') throw invalidGrant('unknown, expired or revoked code')
    if (found.outcome === 'replayed') {
      // Only the client the code was issued to can trigger the revocation (node-oidc-provider
      // checks the client before the replay, too): another client's guess changes nothing.
      if (found.clientId === client.clientId && found.authorizationId) await revokeAfterReplay(client, found.authorizationId)
      throw invalidGrant('code already used')
    }

    const { code, user } = found
    try {
      checkBindings(code, client, redirectUri, verifier)
      if (!user || !user.enabled) throw invalidGrant(`user ${code.subjectId} is gone or disabled`)
      // The configuration may have changed since the code was issued: check the scopes again.
      const catalog = peekResourceCatalog() ?? (await loadResourceCatalog())
      const granted = grantUserScopes(code.scopes, client, catalog)
      accessTokenSigningAlgorithm(granted.resources)
      const apiScopes = granted.apiScopes.flatMap((name) => catalog.apiScopeByName(name) ?? [])
      return { client, handle, code, user, resources: granted.resources, accessTokenClaims: apiUserClaims(user, apiScopes, granted.resources) }
    } catch (error) {
      // Spent: a failed attempt drops the family, and the code with it (nothing was issued from it).
      await revokeAuthorization(code.authorizationId)
      throw error
    }
  },

  async generate(request) {
    const { client, handle, code } = request
    const issued = await buildTokens(request)
    let redeemed: boolean
    try {
      redeemed = await redeemCodeOnce(handle, issued.grants)
    } catch (error) {
      // The family was revoked (a replay, the account page) between the read and the redemption.
      if (isFamilyGone(error)) throw invalidGrant('the family of the code was revoked during its exchange')
      throw error
    }
    if (!redeemed) {
      // Consumed by a concurrent exchange (or revoked) since it was read: this is the replay.
      await revokeAfterReplay(client, code.authorizationId)
      throw invalidGrant('code already used')
    }
    audit('token.issued', { outcome: 'success', client_id: client.clientId, grant_type: 'authorization_code', sub: code.subjectId, sid: code.sessionId, authorization_id: code.authorizationId, scope: code.scopes.join(' ') })
    return issued.response
  },
}

async function revokeAfterReplay(client: ClientConfig, authorizationId: string): Promise<void> {
  await revokeAuthorization(authorizationId)
  audit('code.replayed', { outcome: 'failure', client_id: client.clientId, authorization_id: authorizationId, reason: 'code presented again: its family was revoked' })
}

/** The tokens of a checked code, built but not stored: the response, and the grants to store with the redemption. */
async function buildTokens({ client, code, user, resources, accessTokenClaims }: AuthorizationCodeRequest): Promise<{ response: TokenResponse; grants: NewGrantRow[] }> {
  const grants: NewGrantRow[] = []
  const accessToken = await prepareAccessToken({
    client,
    scopes: code.scopes,
    audiences: resources,
    subject: code.subjectId,
    claims: accessTokenClaims,
    authorizationId: code.authorizationId,
    sessionId: code.sessionId,
    authTime: code.authTime,
  })
  if (accessToken.reference) grants.push(referenceTokenRow(accessToken.reference.handle, accessToken.reference.record))
  const response: TokenResponse = {
    access_token: accessToken.issued.token,
    token_type: accessToken.issued.tokenType,
    expires_in: accessToken.issued.expiresIn,
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
      accessToken: accessToken.issued.token,
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
    const refresh = newRefreshToken({
      client,
      subjectId: code.subjectId,
      sessionId: code.sessionId,
      authorizationId: code.authorizationId,
      scopes: code.scopes,
      authTime: code.authTime,
      amr: code.amr,
      claims: accessTokenClaims,
    })
    grants.push(refreshTokenRow(refresh.handle, refresh.record))
    response.refresh_token = refresh.handle
  }
  // ─────────────────────────────────────────────────────────────────────────────────────
  return { response, grants }
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
