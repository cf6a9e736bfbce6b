// Refresh tokens: PersistedGrant rows of type `refresh_token`, keyed by SHA-256 of the
// handle, each bound to its client and to an Authorization (the family). Deleting the
// Authorization removes every token of the family at once (cascade).
//
// Rotation is lock-free and safe across processes: the successor row is inserted first,
// then the presented token is consumed by ONE conditional UPDATE (`consumedTime IS NULL`)
// whose count must be 1. Whoever loses that race deletes its own candidate and follows the
// grace path, which finds the winner's successor (it existed before the consume did).
import { now } from '../clock'
import type { UserAccount } from '../config/model'
import { db as defaultDb, Prisma, statementsOf, type Db } from '../db/client'
import { hashHandle } from '../tokens/handles'
import { findGrant, GRANT_COLUMNS, grantRow, insertGrant, toStoredGrant, type GrantRowValues, type NewGrantRow, type StoredGrant } from './grants'
import { JOINED_USER_COLUMNS, joinedUser, type JoinedUserColumns } from './users'

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

/** A refresh token with what the refresh grant needs besides it, read in the same statement. */
export interface RefreshTokenInUse {
  token: StoredRefreshToken
  /** The token's user; null when the account is gone. */
  user: UserAccount | null
  /** When the family was last used (null: the family row is gone, i.e. revoked just now). */
  familyLastUsedAt: Date | null
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

/** The row of a new refresh token, for `insertGrant` or a code redemption (stored together with other grants). */
export function refreshTokenRow(handle: string, token: RefreshTokenRecord): NewGrantRow {
  const owner = { clientId: token.clientId, subjectId: token.subjectId, authorizationId: token.authorizationId, ...(token.sessionId && { sessionId: token.sessionId }) }
  return grantRow(TYPE, handle, owner, token.expiration, toData(token))
}

/** One INSERT; a family revoked meanwhile fails it (isFamilyGone). */
export async function storeRefreshToken(handle: string, token: RefreshTokenRecord, database: Db = defaultDb()): Promise<void> {
  await insertGrant(statementsOf(database), refreshTokenRow(handle, token))
}

/**
 * The refresh token behind a handle in whatever state it is (consumed, expired): the grant
 * decides what each state means; introspection and revocation need the owner either way.
 */
export async function findRefreshToken(handle: string, database: Db = defaultDb()): Promise<StoredRefreshToken | null> {
  return fromGrant(await findGrant<RefreshTokenData>(handle, database))
}

/**
 * The refresh token with its user and its family's last use, in ONE statement (the refresh
 * grant needs all three; every statement costs a driver round of its own).
 */
export async function findRefreshTokenInUse(handle: string, database: Db = defaultDb()): Promise<RefreshTokenInUse | null> {
  const rows = await statementsOf(database).query<GrantRowValues & JoinedUserColumns & { a_lastUsedAt: Date | null }>(Prisma.sql`
    SELECT ${GRANT_COLUMNS}, ${JOINED_USER_COLUMNS}, a."lastUsedAt" AS "a_lastUsedAt"
    FROM "PersistedGrant" g
      LEFT JOIN "User" u ON u."subjectId" = g."subjectId"
      LEFT JOIN "Authorization" a ON a."id" = g."authorizationId"
    WHERE g."key" = ${hashHandle(handle)}`)
  const row = rows[0]
  const token = row ? fromGrant(toStoredGrant<RefreshTokenData>(row)) : null
  if (!row || !token) return null
  return { token, user: joinedUser(row), familyLastUsedAt: row.a_lastUsedAt }
}

/**
 * Consumes a one-time token, recording its sealed successor. One conditional UPDATE:
 * true for exactly one caller, however many present the token at the same moment.
 */
export async function consumeRefreshTokenOnce(handle: string, token: StoredRefreshToken, sealedSuccessor: string, database: Db = defaultDb()): Promise<boolean> {
  const count = await statementsOf(database).execute(Prisma.sql`
    UPDATE "PersistedGrant" SET "consumedTime" = ${now()}, "data" = ${toData({ ...token, successor: sealedSuccessor })}
    WHERE "key" = ${hashHandle(handle)} AND "type" = ${TYPE} AND "consumedTime" IS NULL`)
  return count === 1
}

/** Moves a live (unconsumed) token's expiration (sliding ReUse tokens); false when it is gone or consumed. */
export async function extendRefreshToken(handle: string, expiration: Date | null, database: Db = defaultDb()): Promise<boolean> {
  const count = await statementsOf(database).execute(Prisma.sql`
    UPDATE "PersistedGrant" SET "expiration" = ${expiration} WHERE "key" = ${hashHandle(handle)} AND "type" = ${TYPE} AND "consumedTime" IS NULL`)
  return count === 1
}

/** Removes one refresh token row (a rotation candidate that lost the race). */
export async function deleteRefreshToken(handle: string, database: Db = defaultDb()): Promise<void> {
  await statementsOf(database).execute(Prisma.sql`DELETE FROM "PersistedGrant" WHERE "key" = ${hashHandle(handle)} AND "type" = ${TYPE}`)
}

// The one mapping between the record and the row (ownership columns + `data`), both ways.

function toData(token: Omit<RefreshTokenRecord, 'clientId' | 'subjectId' | 'authorizationId' | 'expiration'> & { successor?: string }): RefreshTokenData {
  const data: RefreshTokenData = {
    scopes: token.scopes,
    claims: token.claims,
    originalCreationTime: token.originalCreationTime.toISOString(),
  }
  if (token.authTime !== undefined) data.authTime = token.authTime
  if (token.amr) data.amr = token.amr
  if (token.successor) data.successor = token.successor
  return data
}

function fromGrant(grant: StoredGrant<RefreshTokenData> | null): StoredRefreshToken | null {
  if (!grant || grant.type !== TYPE || !grant.subjectId || !grant.authorizationId) return null
  const data = grant.data
  const token: StoredRefreshToken = {
    clientId: grant.clientId,
    subjectId: grant.subjectId,
    authorizationId: grant.authorizationId,
    scopes: data.scopes,
    claims: data.claims ?? {},
    originalCreationTime: new Date(data.originalCreationTime),
    expiration: grant.expiration,
    creationTime: grant.creationTime,
    consumedTime: grant.consumedTime,
  }
  if (grant.sessionId) token.sessionId = grant.sessionId
  if (data.authTime !== undefined) token.authTime = data.authTime
  if (data.amr) token.amr = data.amr
  if (data.successor) token.successor = data.successor
  return token
}
