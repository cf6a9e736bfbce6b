// Refresh tokens (RFC 6749 §6, §10.4; RFC 9700 §4.14): lifetimes (Duende's Absolute / Sliding),
// issue, rotation with reuse detection, and the grace path that keeps real clients working.
// The design is explained in README.md, "Refresh token rotation".
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto'
import { audit } from '../audit'
import { now, nowMs } from '../clock'
import { loadSettings } from '../config/env'
import type { ClientConfig, UserAccount } from '../config/model'
import type { Db } from '../db/client'
import { invalidGrant } from '../oidc/errors'
import { OFFLINE_ACCESS } from '../oidc/shared/user-scopes'
import { isFamilyGone, revokeAuthorization } from '../stores/authorizations'
import {
  consumeRefreshTokenOnce,
  deleteRefreshToken,
  extendRefreshToken,
  findRefreshToken,
  findRefreshTokenInUse,
  storeRefreshToken,
  type RefreshTokenRecord,
  type StoredRefreshToken,
} from '../stores/refresh-tokens'
import { newHandle, randomBuffer } from './handles'

type LifetimePolicy = Pick<ClientConfig, 'refreshTokenExpiration' | 'absoluteRefreshTokenLifetime' | 'slidingRefreshTokenLifetime'>

/**
 * Expiration of a refresh token issued (or extended) at `at` within a grant first issued at
 * `originalCreation`. Duende's DefaultRefreshTokenService semantics:
 * - Absolute: `originalCreation + absoluteRefreshTokenLifetime`, whatever the rotation;
 * - Sliding: `at + slidingRefreshTokenLifetime`, never past the absolute cap;
 * - an absolute lifetime of 0 means "no cap" (Sliding) / "never expires" (Absolute).
 */
export function refreshTokenExpiration(policy: LifetimePolicy, originalCreation: Date, at: Date): Date | null {
  const cap = policy.absoluteRefreshTokenLifetime > 0 ? originalCreation.getTime() + policy.absoluteRefreshTokenLifetime * 1000 : null
  if (policy.refreshTokenExpiration === 'Absolute') return cap === null ? null : new Date(cap)
  const sliding = at.getTime() + policy.slidingRefreshTokenLifetime * 1000
  return new Date(cap === null ? sliding : Math.min(sliding, cap))
}

// ---------------------------------------------------------------- successor seal
//
// When a one-time refresh token is consumed, its row keeps the successor's handle, sealed
// with a key derived from the *consumed token's own handle* (HKDF-SHA256, AES-256-GCM).
// Only whoever presents the consumed token can open it, and the database never holds the
// handle (only its SHA-256), so a copy of the database still yields no usable token.

const INFO = 'refresh-token-successor'

function keyFor(handle: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(handle, 'utf8'), new Uint8Array(0), INFO, 32))
}

export function sealSuccessor(presentedHandle: string, successorHandle: string): string {
  const iv = randomBuffer(12)
  const cipher = createCipheriv('aes-256-gcm', keyFor(presentedHandle), iv)
  const body = Buffer.concat([cipher.update(successorHandle, 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** The successor's handle, or null when the seal was not made with this handle or was altered. */
export function openSuccessor(presentedHandle: string, sealed: string): string | null {
  try {
    const raw = Buffer.from(sealed, 'base64url')
    if (raw.length < 12 + 16 + 1) return null
    const decipher = createDecipheriv('aes-256-gcm', keyFor(presentedHandle), raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

// ---------------------------------------------------------------- issue, resolve, renew

export interface NewRefreshToken {
  client: ClientConfig
  subjectId: string
  sessionId?: string
  /** The family (Authorization row) the token belongs to. */
  authorizationId: string
  /** Every scope granted, offline_access included. */
  scopes: string[]
  authTime?: number
  amr?: string[]
  /** The user claims put into the access token issued alongside (kept for later refreshes). */
  claims: Record<string, unknown>
}

export interface RefreshTokenOptions {
  database?: Db
  /** Seconds a consumed one-time token may still be presented (default: the server setting). */
  gracePeriodSeconds?: number
}

/**
 * Duende: a refresh token needs `AllowOfflineAccess` on the client and the `offline_access`
 * scope granted (OIDC Core §11). It is only useful when the client may also use the grant.
 */
export function shouldIssueRefreshToken(client: ClientConfig, grantedScopes: readonly string[]): boolean {
  return client.allowOfflineAccess && grantedScopes.includes(OFFLINE_ACCESS) && client.allowedGrantTypes.includes('refresh_token')
}

/**
 * The first refresh token of a family (from the code exchange), not yet stored: the code
 * exchange stores it in the transaction that consumes the code (lib/stores/codes.ts).
 */
export function newRefreshToken(input: NewRefreshToken): { handle: string; record: RefreshTokenRecord } {
  const at = now()
  const record = familyRecord({ ...input, clientId: input.client.clientId, originalCreationTime: at }, input.claims, refreshTokenExpiration(input.client, at, at))
  return { handle: newHandle(), record }
}

/** Issues (and stores) the first refresh token of a family; returns its handle. */
export async function issueRefreshToken(input: NewRefreshToken, options: RefreshTokenOptions = {}): Promise<string> {
  const { handle, record } = newRefreshToken(input)
  await storeRefreshToken(handle, record, options.database)
  return handle
}

/** What every refresh token of a family carries: the family's, with this token's claims and expiration. */
function familyRecord(
  family: Pick<RefreshTokenRecord, 'clientId' | 'subjectId' | 'sessionId' | 'authorizationId' | 'scopes' | 'authTime' | 'amr' | 'originalCreationTime'>,
  claims: Record<string, unknown>,
  expiration: Date | null,
): RefreshTokenRecord {
  const record: RefreshTokenRecord = {
    clientId: family.clientId,
    subjectId: family.subjectId,
    authorizationId: family.authorizationId,
    scopes: family.scopes,
    claims,
    originalCreationTime: family.originalCreationTime,
    expiration,
  }
  if (family.sessionId) record.sessionId = family.sessionId
  if (family.authTime !== undefined) record.authTime = family.authTime
  if (family.amr) record.amr = family.amr
  return record
}

/** A presented refresh token that may be used: its own (live) record, or the live successor that answers for it. */
export interface UsableRefreshToken {
  /** 'active': the presented token is live. 'grace': it was used moments ago; its successor answers. */
  state: 'active' | 'grace'
  /** The handle of the token in `token` (the presented one, or the successor). */
  handle: string
  token: StoredRefreshToken
  /** The family's user, read with the token (null when the account is gone). */
  user: UserAccount | null
  /** When the family was last used, read with the token (null: the family is gone). */
  familyLastUsedAt: Date | null
}

/**
 * Finds the presented token and decides what it may do. Fails with invalid_grant when it is
 * unknown, another client's, expired, or its family is gone. A one-time token presented
 * again after its first use is replay (RFC 9700 §4.14.2): the whole family is revoked —
 * unless it comes within the grace period, when the successor its first use produced answers.
 */
export async function resolveRefreshToken(handle: string, client: ClientConfig, options: RefreshTokenOptions = {}): Promise<UsableRefreshToken> {
  // The token, its user and its family's last use in one statement.
  const found = await findRefreshTokenInUse(handle, options.database)
  if (!found) throw invalidGrant('unknown refresh token')
  const { token, user, familyLastUsedAt } = found
  // RFC 6749 §6: the token must have been issued to the authenticated client. No side effect:
  // another client presenting it proves nothing about the family.
  if (token.clientId !== client.clientId) throw invalidGrant(`refresh token of client ${token.clientId} presented by ${client.clientId}`)

  if (token.consumedTime) {
    const grace = (options.gracePeriodSeconds ?? loadSettings().refreshTokenReuseGracePeriod) * 1000
    const sinceFirstUse = nowMs() - token.consumedTime.getTime()
    if (grace > 0 && sinceFirstUse <= grace) {
      const successor = await liveSuccessor(handle, token, options.database)
      if (successor) return { state: 'grace', ...successor, user, familyLastUsedAt }
    }
    await revokeAuthorization(token.authorizationId, options.database)
    audit('refresh_token.reused', {
      outcome: 'failure',
      client_id: client.clientId,
      sub: token.subjectId,
      authorization_id: token.authorizationId,
      reason: `presented again ${Math.round(sinceFirstUse / 1000)} s after its first use: family revoked`,
    })
    throw invalidGrant('refresh token reused outside the grace period; family revoked')
  }
  if (isExpired(token)) throw invalidGrant('refresh token expired')
  return { state: 'active', handle, token, user, familyLastUsedAt }
}

/**
 * Uses a resolved token as the client's policy says and returns the refresh token to hand
 * back (with the record behind it):
 * - OneTimeOnly: a successor is stored first, then the presented token is consumed by one
 *   conditional update that records the sealed successor. Losing that race (a concurrent use
 *   consumed it first) deletes the candidate and follows the grace path to the winner's
 *   successor, so simultaneous uses never fork the family;
 * - ReUse: the same token, its expiration moved on when Sliding.
 * A 'grace' token is answered by the successor as it stands (it is already the newest).
 */
export async function renewRefreshToken(
  usable: UsableRefreshToken,
  client: ClientConfig,
  claims: Record<string, unknown>,
  options: RefreshTokenOptions = {},
): Promise<{ handle: string; token: StoredRefreshToken }> {
  const { token, handle } = usable
  if (usable.state === 'grace') return { handle, token }
  const at = now()
  const expiration = refreshTokenExpiration(client, token.originalCreationTime, at)

  if (client.refreshTokenUsage === 'ReUse') {
    if (client.refreshTokenExpiration === 'Sliding' && !(await extendRefreshToken(handle, expiration, options.database))) {
      throw invalidGrant('refresh token was revoked or consumed while in use')
    }
    return { handle, token: { ...token, expiration } }
  }

  const candidate = newHandle()
  const successor = familyRecord(token, claims, expiration)
  try {
    await storeRefreshToken(candidate, successor, options.database)
  } catch (error) {
    // The family row was deleted (revoked) since the token was read.
    if (isFamilyGone(error)) throw invalidGrant('family revoked while the token was in use')
    throw error
  }
  if (await consumeRefreshTokenOnce(handle, token, sealSuccessor(handle, candidate), options.database)) {
    return { handle: candidate, token: { ...successor, creationTime: at, consumedTime: null } }
  }
  await deleteRefreshToken(candidate, options.database)
  const winner = await resolveRefreshToken(handle, client, options)
  if (winner.state !== 'grace') throw invalidGrant('refresh token changed state while in use')
  return { handle: winner.handle, token: winner.token }
}

/** How many rotations a grace-period answer may follow (tabs that kept refreshing meanwhile). */
const MAX_SUCCESSOR_HOPS = 8

/** The newest live token of the chain the consumed token started, or null when the chain is broken. */
async function liveSuccessor(handle: string, token: StoredRefreshToken, database: Db | undefined): Promise<{ handle: string; token: StoredRefreshToken } | null> {
  let current = { handle, token }
  for (let hop = 0; hop < MAX_SUCCESSOR_HOPS; hop++) {
    if (!current.token.successor) return null
    const nextHandle = openSuccessor(current.handle, current.token.successor)
    if (!nextHandle) return null
    const next = await findRefreshToken(nextHandle, database)
    if (!next || next.authorizationId !== token.authorizationId || next.clientId !== token.clientId) return null
    if (!next.consumedTime) return isExpired(next) ? null : { handle: nextHandle, token: next }
    current = { handle: nextHandle, token: next }
  }
  return null
}

function isExpired(token: StoredRefreshToken): boolean {
  return token.expiration !== null && token.expiration.getTime() <= nowMs()
}
