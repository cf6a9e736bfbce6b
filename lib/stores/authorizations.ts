// The Authorization table: one row per authorization a user gave a client, the "family"
// every code, refresh token and reference token issued from it points at. Deleting the row
// cascades to all of them (PersistedGrant.authorizationId, onDelete: Cascade), which is how
// a replayed code (RFC 6749 §4.1.2), refresh-token reuse (RFC 9700 §4.14.2) and "revoke
// this app" on the account page take everything back in one statement.
import { randomUUID } from 'node:crypto'
import { now } from '../clock'
import { db as defaultDb, Prisma, statementsOf, type Db } from '../db/client'
import { isDriverError } from '../db/statements'

export interface AuthorizationRecord {
  id: string
  clientId: string
  subjectId?: string
  sessionId?: string
  scopes: string[]
  createdAt: Date
  lastUsedAt: Date
}

export interface NewAuthorization {
  clientId: string
  subjectId?: string
  sessionId?: string
  scopes: string[]
}

/** Creates the family row and returns its id (a random UUID, never derived from user data). */
export async function createAuthorization(authorization: NewAuthorization, database: Db = defaultDb()): Promise<string> {
  const id = randomUUID()
  const at = now()
  await database.authorization.create({
    data: {
      id,
      clientId: authorization.clientId,
      subjectId: authorization.subjectId ?? null,
      sessionId: authorization.sessionId ?? null,
      scopes: authorization.scopes,
      createdAt: at,
      lastUsedAt: at,
    },
  })
  return id
}

export async function findAuthorization(id: string, database: Db = defaultDb()): Promise<AuthorizationRecord | null> {
  const row = await database.authorization.findUnique({ where: { id } })
  if (!row) return null
  const record: AuthorizationRecord = {
    id: row.id,
    clientId: row.clientId,
    scopes: Array.isArray(row.scopes) ? row.scopes.filter((s): s is string => typeof s === 'string') : [],
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  }
  if (row.subjectId) record.subjectId = row.subjectId
  if (row.sessionId) record.sessionId = row.sessionId
  return record
}

/** Revokes the family: the row and (by cascade) every grant issued from it. True when it existed. */
export async function revokeAuthorization(id: string, database: Db = defaultDb()): Promise<boolean> {
  // Raw (portable) SQL: on the hot path of replays and reuse detection (see lib/stores/grants.ts).
  const count = await statementsOf(database).execute(Prisma.sql`DELETE FROM "Authorization" WHERE "id" = ${id}`)
  return count === 1
}

/** How stale "last used" may get: a family refreshed every few seconds is written once a minute. */
export const LAST_USED_PRECISION_MS = 60_000

/**
 * Records that the family was just used (the account page shows "last used", to the minute).
 * Conditional, as UserSession's lastSeenAt: a client that refreshes often changes no row (and
 * writes nothing to the log) until the recorded time is a minute old.
 */
export async function touchAuthorization(id: string, database: Db = defaultDb(), lastUsedAt?: Date | null): Promise<void> {
  const at = now()
  const stale = new Date(at.getTime() - LAST_USED_PRECISION_MS)
  // The caller often read lastUsedAt with the token (findRefreshTokenInUse): when that is
  // recent, there is nothing to write and no statement to send.
  if (lastUsedAt && lastUsedAt >= stale) return
  await statementsOf(database).execute(Prisma.sql`UPDATE "Authorization" SET "lastUsedAt" = ${at} WHERE "id" = ${id} AND "lastUsedAt" < ${stale}`)
}

/**
 * Whether a failed grant insert failed because its family is gone: the Authorization row was
 * deleted (revoked) between reading the family and storing a grant in it, a foreign key
 * violation. Grants are inserted through `statementsOf` (insertGrant), so it comes as the
 * driver's own error (lib/db/statements.ts). Callers answer invalid_grant: the family was
 * revoked mid-request.
 */
export function isFamilyGone(error: unknown): boolean {
  return isDriverError(error, 'ForeignKeyConstraintViolation')
}
