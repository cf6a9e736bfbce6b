// Refresh tokens: PersistedGrant rows of type `refresh_token`, keyed by SHA-256 of the
// handle, each bound to its client and to an Authorization (the family). Deleting the
// Authorization removes every token of the family at once (cascade).
//
// Rotation is lock-free and safe across processes: the successor row is inserted first,
// then the presented token is consumed by ONE conditional UPDATE (`consumedTime IS NULL`)
// whose count must be 1. Whoever loses that race deletes its own candidate and follows the
// grace path, which finds the winner's successor (it existed before the consume did).
import { now } from '../clock'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { hashHandle } from '../tokens/handles'
import { insertGrant } from './grants'

export interface RefreshTokenRecord {
  clientId: string
  subjectId: string
  /** The sign-in session the grant started in (sid claim); the token is not tied to it. */
  sessionId?: string
  /** The family. */
  authorizationId: string
  /** Scopes granted to the family; a refresh may ask for fewer, never more (RFC 6749 §6). */
  scopes: string[]
  /** OIDC auth_time of the original sign-in, epoch seconds. */
  authTime?: number
  amr?: string[]
  /** User claims put into access tokens, as at issue time (see updateAccessTokenClaimsOnRefresh). */
  claims: Record<string, unknown>
  /** When the family's first refresh token was issued: the anchor of the absolute lifetime. */
  originalCreationTime: Date
  expiration: Date | null
}

export interface StoredRefreshToken extends RefreshTokenRecord {
  creationTime: Date
  consumedTime: Date | null
  /** Sealed handle of the token that replaced this one (lib/tokens/refresh-token.ts). */
  successor?: string
}

interface RefreshTokenData {
  scopes: string[]
  authTime?: number
  amr?: string[]
  claims: Record<string, unknown>
  originalCreationTime: string
  successor?: string
}

const TYPE = 'refresh_token'

export async function storeRefreshToken(handle: string, token: RefreshTokenRecord, database: Db = defaultDb()): Promise<void> {
  const owner = { clientId: token.clientId, subjectId: token.subjectId, authorizationId: token.authorizationId, ...(token.sessionId && { sessionId: token.sessionId }) }
  await insertGrant(database, TYPE, handle, owner, token.expiration, toData(token))
}

/**
 * The refresh token behind a handle in whatever state it is (consumed, expired): the grant
 * decides what each state means; introspection and revocation need the owner either way.
 */
export async function findRefreshToken(handle: string, database: Db = defaultDb()): Promise<StoredRefreshToken | null> {
  const row = await database.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })
  if (!row || row.type !== TYPE || !row.subjectId || !row.authorizationId) return null
  const data = row.data as unknown as RefreshTokenData
  const token: StoredRefreshToken = {
    clientId: row.clientId,
    subjectId: row.subjectId,
    authorizationId: row.authorizationId,
    scopes: data.scopes,
    claims: data.claims ?? {},
    originalCreationTime: new Date(data.originalCreationTime),
    expiration: row.expiration,
    creationTime: row.creationTime,
    consumedTime: row.consumedTime,
  }
  if (row.sessionId) token.sessionId = row.sessionId
  if (data.authTime !== undefined) token.authTime = data.authTime
  if (data.amr) token.amr = data.amr
  if (data.successor) token.successor = data.successor
  return token
}

/**
 * Consumes a one-time token, recording its sealed successor. One conditional UPDATE:
 * true for exactly one caller, however many present the token at the same moment.
 */
export async function consumeRefreshTokenOnce(handle: string, token: StoredRefreshToken, sealedSuccessor: string, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.persistedGrant.updateMany({
    where: { key: hashHandle(handle), type: TYPE, consumedTime: null },
    data: { consumedTime: now(), data: toData({ ...token, successor: sealedSuccessor }) },
  })
  return count === 1
}

/** Moves a live (unconsumed) token's expiration (sliding ReUse tokens); false when it is gone or consumed. */
export async function extendRefreshToken(handle: string, expiration: Date | null, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.persistedGrant.updateMany({
    where: { key: hashHandle(handle), type: TYPE, consumedTime: null },
    data: { expiration },
  })
  return count === 1
}

/** Removes one refresh token row (a rotation candidate that lost the race). */
export async function deleteRefreshToken(handle: string, database: Db = defaultDb()): Promise<void> {
  await database.persistedGrant.deleteMany({ where: { key: hashHandle(handle), type: TYPE } })
}

function toData(token: Omit<RefreshTokenRecord, 'clientId' | 'subjectId' | 'authorizationId' | 'expiration'> & { successor?: string }): Prisma.InputJsonObject {
  const data: RefreshTokenData = {
    scopes: token.scopes,
    claims: token.claims,
    originalCreationTime: token.originalCreationTime.toISOString(),
  }
  if (token.authTime !== undefined) data.authTime = token.authTime
  if (token.amr) data.amr = token.amr
  if (token.successor) data.successor = token.successor
  return data as unknown as Prisma.InputJsonObject
}
