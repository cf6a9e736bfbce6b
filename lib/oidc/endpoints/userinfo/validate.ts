// Userinfo request validation (OpenID Connect Core 1.0 §5.3): the bearer token must be one of
// ours and live, carry `openid`, and name a user who exists and is enabled. Duende's
// UserInfoRequestValidator does the same checks in this order.
import type { JWTPayload } from 'jose'
import type { UserAccount } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { findClient } from '../../../stores/clients'
import { findReferenceTokenWithUser } from '../../../stores/grants'
import { findUserBySubject } from '../../../stores/users'
import { ACCESS_TOKEN_TYP } from '../../../tokens/access-token'
import { verifyOwnJwt, type JwtDeps } from '../../../tokens/jwt'
import { insufficientScope, invalidToken } from '../../errors'

export interface UserInfoDeps {
  db?: Db
  /** Key manager and issuer for JWT access tokens (defaults to the process's own). */
  jwt?: JwtDeps
}

export interface ValidatedUserInfoRequest {
  user: UserAccount
  clientId: string
  /** The scopes the access token was granted. */
  scopes: string[]
}

/** A compact JWS has three base64url parts; reference handles are one base64url string. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/

export async function validateUserInfoRequest(token: string, deps: UserInfoDeps = {}): Promise<ValidatedUserInfoRequest> {
  const { claims, user: storedWithToken } = await accessTokenClaims(token, deps)

  // RFC 6750 §3.1: a valid token without the right scope is insufficient_scope (403), not
  // invalid_token — the client may fix it by asking for `openid`. A client_credentials token
  // lands here: it can never carry `openid` (no user), so it is refused before its `sub`
  // (which is the client_id, RFC 9068 §2.2) could be mistaken for a user.
  const scopes = scopeList(claims.scope)
  if (!scopes.includes('openid')) throw insufficientScope('access token lacks the openid scope')

  const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined
  if (typeof claims.sub !== 'string' || !claims.sub || !clientId) throw invalidToken('access token without sub or client_id')

  // Duende's TokenValidator: tokens of a deleted or disabled client stop working at once.
  const client = await findClient(clientId, deps.db)
  if (!client?.enabled) throw invalidToken(`client ${clientId} is unknown or disabled`)

  // A reference token's user came with it (one statement); a JWT's is read now.
  const user = storedWithToken !== undefined && storedWithToken?.subjectId === claims.sub ? storedWithToken : await findUserBySubject(claims.sub, deps.db)
  if (!user?.enabled) throw invalidToken(`user ${claims.sub} is unknown or disabled`)

  return { user, clientId, scopes }
}

/**
 * The claims of a JWT access token (signature, issuer, typ at+jwt, expiry checked) or of a
 * reference token (looked up in the store on every call, so revocation takes effect at once).
 */
async function accessTokenClaims(token: string, deps: UserInfoDeps): Promise<{ claims: Record<string, unknown>; user?: UserAccount | null }> {
  if (COMPACT_JWS.test(token)) {
    let payload: JWTPayload
    try {
      payload = await verifyOwnJwt(token, { typ: ACCESS_TOKEN_TYP }, deps.jwt)
    } catch (error) {
      log.info({ reason: (error as { reason?: string }).reason, detail: (error as Error).message }, 'userinfo: JWT access token refused')
      throw invalidToken('JWT access token failed verification')
    }
    return { claims: payload }
  }
  const stored = await findReferenceTokenWithUser(token, deps.db)
  if (!stored) throw invalidToken('unknown, expired or revoked reference token')
  return { claims: stored.token.claims, user: stored.user }
}

/** RFC 9068 §2.2.3 makes `scope` a space-delimited string; an array (Duende's default) is accepted too. */
function scopeList(scope: unknown): string[] {
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean)
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string')
  return []
}
