// The PersistedGrant store (Duende's shape): authorization codes, refresh tokens and
// reference tokens. The handle a client holds is never stored, only its SHA-256
// (`hashHandle`), so a copy of the database yields no usable token.
//
// Each grant type gets its own intention-named functions built on the shared pieces at the
// end (`grantRow`, `insertGrant`, `GRANT_COLUMNS` + `toStoredGrant`), either
// here or in a sibling store:
//   authorization codes  → codes.ts (storeCode, findCode, redeemCodeOnce: a conditional
//                          UPDATE WHERE consumedTime IS NULL whose count must be 1)
//   refresh tokens       → refresh-tokens.ts, the same pattern, type 'refresh_token'
//   revocation by family → authorizations.ts revokeAuthorization (grants cascade)
//
// The hot statements are raw SQL (`Prisma.sql` tagged templates: every value is a bound
// parameter) run on Prisma's driver adapter by `statementsOf` (lib/db/statements.ts), without
// the client runtime: measured per call (CPU), an ORM call 150-340 µs, `$queryRaw` 80-190 µs,
// the driver adapter 17-62 µs, of which SQLite itself is 5-50 µs for a lookup and 50-120 µs for
// an insert (seven B-trees and a WAL commit). Fewer statements still matter, hence the joins:
// a token and its user (and family) come back in one statement.
// The SQL is portable on purpose: double-quoted identifiers (the names Prisma Migrate gives
// tables and columns on SQLite and PostgreSQL alike), Date and object parameters encoded as
// Prisma encodes them per provider (an object becomes JSON text, stored in the Json column),
// `RETURNING` (SQLite 3.35+, PostgreSQL) and nothing SQLite-only, so PostgreSQL keeps working.
import { now } from '../clock'
import { db as defaultDb, Prisma, statementsOf, type Db } from '../db/client'
import type { Statements } from '../db/statements'
import { hashHandle } from '../tokens/handles'
import type { UserAccount } from '../config/model'
import { JOINED_USER_COLUMNS, joinedUser, type JoinedUserColumns } from './users'

export type PersistedGrantType = 'authorization_code' | 'refresh_token' | 'reference_token'

/** What every persisted grant records besides its type-specific data. */
export interface GrantOwnership {
  clientId: string
  /** The user, when there is one (absent for client_credentials). */
  subjectId?: string
  sessionId?: string
  /** The Authorization (family) the grant belongs to; revoking it removes the grant. */
  authorizationId?: string
}

export interface StoredGrant<T> extends GrantOwnership {
  type: string
  creationTime: Date
  expiration: Date | null
  consumedTime: Date | null
  data: T
}

// ---------------------------------------------------------------- reference tokens

/** A reference token: the same claims its JWT form would carry (RFC 9068 §2.2). */
export interface ReferenceTokenRecord extends GrantOwnership {
  expiration: Date
  claims: Record<string, unknown>
}

export interface StoredReferenceToken extends ReferenceTokenRecord {
  creationTime: Date
}

/** The row of a reference token, for `insertGrant` or a code redemption (stored together with other grants). */
export function referenceTokenRow(handle: string, token: ReferenceTokenRecord): NewGrantRow {
  return grantRow('reference_token', handle, token, token.expiration, { claims: token.claims })
}

export async function storeReferenceToken(handle: string, token: ReferenceTokenRecord, database: Db = defaultDb()): Promise<void> {
  await insertGrant(statementsOf(database), referenceTokenRow(handle, token))
}

/** The token behind a handle, or null when unknown, expired or consumed (revoked). */
export async function findReferenceToken(handle: string, database: Db = defaultDb()): Promise<StoredReferenceToken | null> {
  const grant = activeGrant(await findGrant<{ claims: Record<string, unknown> }>(handle, database), 'reference_token')
  return grant && referenceToken(grant)
}

/**
 * The reference token behind a handle with its user (null when it has none, or the user is
 * gone), in one statement: userinfo and introspection need both, and the user's row is read
 * on every call anyway (users are not cached: disabling one takes effect at once).
 */
export async function findReferenceTokenWithUser(handle: string, database: Db = defaultDb()): Promise<{ token: StoredReferenceToken; user: UserAccount | null } | null> {
  const rows = await statementsOf(database).query<GrantRowValues & JoinedUserColumns>(Prisma.sql`
    SELECT ${GRANT_COLUMNS}, ${JOINED_USER_COLUMNS}
    FROM "PersistedGrant" g LEFT JOIN "User" u ON u."subjectId" = g."subjectId"
    WHERE g."key" = ${hashHandle(handle)}`)
  const row = rows[0]
  const grant = activeGrant(row ? toStoredGrant<{ claims: Record<string, unknown> }>(row) : null, 'reference_token')
  if (!grant || !row) return null
  return { token: referenceToken(grant), user: joinedUser(row) }
}

/**
 * Revocation (RFC 7009): deletes the reference token only if it belongs to `clientId`, in one
 * conditional DELETE (ownership checked by the database, not by a read first). True when deleted.
 */
export async function revokeReferenceToken(handle: string, clientId: string, database: Db = defaultDb()): Promise<boolean> {
  const count = await statementsOf(database).execute(Prisma.sql`
    DELETE FROM "PersistedGrant" WHERE "key" = ${hashHandle(handle)} AND "type" = 'reference_token' AND "clientId" = ${clientId}`)
  return count === 1
}

function referenceToken(grant: StoredGrant<{ claims: Record<string, unknown> }>): StoredReferenceToken {
  return { ...ownership(grant), creationTime: grant.creationTime, expiration: grant.expiration ?? grant.creationTime, claims: grant.data.claims }
}

// ---------------------------------------------------------------- shared helpers

/** A grant ready to be inserted: built first, stored later (possibly in one transaction with others). */
export interface NewGrantRow {
  key: string
  type: PersistedGrantType
  owner: GrantOwnership
  creationTime: Date
  expiration: Date | null
  data: object
}

export function grantRow(type: PersistedGrantType, handle: string, owner: GrantOwnership, expiration: Date | null, data: object): NewGrantRow {
  return { key: hashHandle(handle), type, owner, creationTime: now(), expiration, data }
}

/** One INSERT. A family revoked meanwhile fails it with a foreign-key error (see isFamilyGone). */
export async function insertGrant(database: Statements, row: NewGrantRow): Promise<void> {
  const { owner } = row
  await database.execute(Prisma.sql`
    INSERT INTO "PersistedGrant" ("key", "type", "clientId", "subjectId", "sessionId", "authorizationId", "creationTime", "expiration", "data")
    VALUES (${row.key}, ${row.type}, ${owner.clientId}, ${owner.subjectId ?? null}, ${owner.sessionId ?? null}, ${owner.authorizationId ?? null},
            ${row.creationTime}, ${row.expiration}, ${row.data})`)
}

const GRANT_COLUMN_NAMES = ['type', 'clientId', 'subjectId', 'sessionId', 'authorizationId', 'creationTime', 'expiration', 'consumedTime', 'data']

/** The columns every grant lookup selects (table alias `g`), mapped by `toStoredGrant`. */
export const GRANT_COLUMNS = Prisma.raw(GRANT_COLUMN_NAMES.map((name) => `g."${name}"`).join(', '))

export interface GrantRowValues {
  type: string
  clientId: string
  subjectId: string | null
  sessionId: string | null
  authorizationId: string | null
  creationTime: Date
  expiration: Date | null
  consumedTime: Date | null
  data: unknown
}

/** The one mapping from a PersistedGrant row (GRANT_COLUMNS) to a StoredGrant. */
export function toStoredGrant<T>(row: GrantRowValues): StoredGrant<T> {
  const grant: StoredGrant<T> = {
    type: row.type,
    clientId: row.clientId,
    creationTime: row.creationTime,
    expiration: row.expiration,
    consumedTime: row.consumedTime,
    // Json columns come back parsed (lib/db/statements.ts); text is parsed here (a driver that does not).
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as T,
  }
  if (row.subjectId) grant.subjectId = row.subjectId
  if (row.sessionId) grant.sessionId = row.sessionId
  if (row.authorizationId) grant.authorizationId = row.authorizationId
  return grant
}

/** The grant behind a handle, in whatever state it is. */
export async function findGrant<T>(handle: string, database: Db = defaultDb()): Promise<StoredGrant<T> | null> {
  const rows = await statementsOf(database).query<GrantRowValues>(Prisma.sql`SELECT ${GRANT_COLUMNS} FROM "PersistedGrant" g WHERE g."key" = ${hashHandle(handle)}`)
  return rows[0] ? toStoredGrant<T>(rows[0]) : null
}

/** The grant if it is of `type` and neither expired nor consumed. */
export function activeGrant<T>(grant: StoredGrant<T> | null, type: PersistedGrantType): StoredGrant<T> | null {
  if (!grant || grant.type !== type || grant.consumedTime) return null
  if (grant.expiration && grant.expiration <= now()) return null
  return grant
}

/** A grant of the given type that is neither expired nor consumed. */
export async function findActiveGrant<T>(database: Db, type: PersistedGrantType, handle: string): Promise<StoredGrant<T> | null> {
  return activeGrant(await findGrant<T>(handle, database), type)
}

function ownership(grant: GrantOwnership): GrantOwnership {
  const owner: GrantOwnership = { clientId: grant.clientId }
  if (grant.subjectId) owner.subjectId = grant.subjectId
  if (grant.sessionId) owner.sessionId = grant.sessionId
  if (grant.authorizationId) owner.authorizationId = grant.authorizationId
  return owner
}
