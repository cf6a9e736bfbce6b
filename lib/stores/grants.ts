// The PersistedGrant store (Duende's shape): authorization codes, refresh tokens and
// reference tokens. The handle a client holds is never stored, only its SHA-256
// (`hashHandle`), so a copy of the database yields no usable token.
//
// Each grant type gets its own intention-named functions built on the two shared helpers
// at the end (`insertGrant`, `findActiveGrant`), either here or in a sibling store:
//   authorization codes  → codes.ts (storeCode, consumeCodeOnce: a conditional UPDATE
//                          WHERE consumedTime IS NULL whose count must be 1)
//   refresh tokens       → the same pattern, type 'refresh_token'
//   revocation by family → authorizations.ts revokeAuthorization (grants cascade)
import { now } from '../clock'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { hashHandle } from '../tokens/handles'

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
  creationTime: Date
  expiration: Date | null
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

export async function storeReferenceToken(handle: string, token: ReferenceTokenRecord, database: Db = defaultDb()): Promise<void> {
  await insertGrant(database, 'reference_token', handle, token, token.expiration, { claims: token.claims as Prisma.InputJsonObject })
}

/** The token behind a handle, or null when unknown, expired or consumed (revoked). */
export async function findReferenceToken(handle: string, database: Db = defaultDb()): Promise<StoredReferenceToken | null> {
  const grant = await findActiveGrant<{ claims: Record<string, unknown> }>(database, 'reference_token', handle)
  if (!grant || !grant.expiration) return null
  return { ...ownership(grant), creationTime: grant.creationTime, expiration: grant.expiration, claims: grant.data.claims }
}

/**
 * Revocation (RFC 7009): deletes the reference token only if it belongs to `clientId`, in one
 * conditional DELETE (ownership checked by the database, not by a read first). True when deleted.
 */
export async function revokeReferenceToken(handle: string, clientId: string, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.persistedGrant.deleteMany({ where: { key: hashHandle(handle), type: 'reference_token', clientId } })
  return count === 1
}

// ---------------------------------------------------------------- shared helpers

export async function insertGrant(
  database: Db,
  type: PersistedGrantType,
  handle: string,
  owner: GrantOwnership,
  expiration: Date | null,
  data: Prisma.InputJsonObject,
): Promise<void> {
  await database.persistedGrant.create({
    data: {
      key: hashHandle(handle),
      type,
      clientId: owner.clientId,
      subjectId: owner.subjectId ?? null,
      sessionId: owner.sessionId ?? null,
      authorizationId: owner.authorizationId ?? null,
      creationTime: now(),
      expiration,
      data,
    },
  })
}

/** A grant of the given type that is neither expired nor consumed. */
export async function findActiveGrant<T>(database: Db, type: PersistedGrantType, handle: string): Promise<StoredGrant<T> | null> {
  const row = await database.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })
  if (!row || row.type !== type || row.consumedTime) return null
  if (row.expiration && row.expiration <= now()) return null
  return {
    clientId: row.clientId,
    subjectId: row.subjectId ?? undefined,
    sessionId: row.sessionId ?? undefined,
    authorizationId: row.authorizationId ?? undefined,
    creationTime: row.creationTime,
    expiration: row.expiration,
    data: row.data as T,
  }
}

function ownership(grant: GrantOwnership): GrantOwnership {
  const owner: GrantOwnership = { clientId: grant.clientId }
  if (grant.subjectId) owner.subjectId = grant.subjectId
  if (grant.sessionId) owner.sessionId = grant.sessionId
  if (grant.authorizationId) owner.authorizationId = grant.authorizationId
  return owner
}
