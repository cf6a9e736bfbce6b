// What a revocation does (RFC 7009 §2.1, §2.2):
// - a refresh token of the calling client: its whole family goes (every refresh and reference
//   token of the Authorization: §2.1 "SHOULD also invalidate all access tokens based on the
//   same authorization grant"), whatever state the token is in;
// - a reference access token of the calling client: that token only (Duende does the same);
// - another client's token, or an unknown one: nothing, and still 200 (§2.2: "invalid tokens
//   do not cause an error response"; telling the caller would leak that the token exists);
// - a JWT: self-contained access tokens cannot be revoked here, so `unsupported_token_type`
//   (§2.2.1: "the client tried to revoke an access token on a server not supporting this
//   feature"), as node-oidc-provider answers; the client learns the token lives until `exp`.
import { decodeProtectedHeader } from 'jose'
import { audit } from '../../../audit'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { revokeAuthorization } from '../../../stores/authorizations'
import { revokeReferenceToken } from '../../../stores/grants'
import { findRefreshToken } from '../../../stores/refresh-tokens'
import { unsupportedTokenType } from '../../errors'
import type { ValidatedRevocationRequest } from './validate'

/** A token whose first part decodes as a JOSE header (node-oidc-provider's test); handles have no dots. */
function isJwt(token: string): boolean {
  try {
    return token.split('.').length === 3 && typeof decodeProtectedHeader(token).alg === 'string'
  } catch {
    return false
  }
}

export type RevocationOutcome = 'family_revoked' | 'access_token_revoked' | 'not_found' | 'not_owner'

export async function revokeToken(request: ValidatedRevocationRequest, database?: Db): Promise<RevocationOutcome> {
  const { client, token } = request
  if (isJwt(token)) throw unsupportedTokenType('JWT access tokens cannot be revoked; they expire')
  if (token.length > 8192) return 'not_found'

  let family: { sub?: string; authorizationId: string } | undefined
  const revokeRefresh = async (): Promise<RevocationOutcome> => {
    const stored = await findRefreshToken(token, database)
    if (!stored) return 'not_found'
    if (stored.clientId !== client.clientId) return 'not_owner'
    await revokeAuthorization(stored.authorizationId, database)
    family = { sub: stored.subjectId, authorizationId: stored.authorizationId }
    return 'family_revoked'
  }
  const revokeAccess = async (): Promise<RevocationOutcome> => ((await revokeReferenceToken(token, client.clientId, database)) ? 'access_token_revoked' : 'not_found')

  const order = request.hint === 'access_token' ? [revokeAccess, revokeRefresh] : [revokeRefresh, revokeAccess]
  let outcome: RevocationOutcome = 'not_found'
  for (const attempt of order) {
    outcome = await attempt()
    if (outcome !== 'not_found') break
  }
  if (outcome === 'not_owner') log.warn({ clientId: client.clientId }, "revocation of another client's refresh token ignored")
  else if (outcome === 'not_found') log.info({ clientId: client.clientId, outcome }, 'revocation')
  else audit('grant.revoked', { outcome: 'success', client_id: client.clientId, sub: family?.sub, authorization_id: family?.authorizationId, reason: outcome })
  return outcome
}
