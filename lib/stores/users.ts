// Local user accounts. Never cached: login, disabling and password changes take effect at once.
// The password hash leaves this module only through findCredentials (the login check).
import { randomUUID } from 'node:crypto'
import type { UserAccount } from '../config/model'
import { db as defaultDb, Prisma, statementsOf, type Db } from '../db/client'
import { hashPassword } from '../users/passwords'
import { asRecord, changedFields, type UpsertOutcome } from './config-rows'
import { inTransaction, type Tx } from './transaction'

type UserRow = Prisma.UserGetPayload<object>

export interface UserCredentials {
  subjectId: string
  passwordHash: string
  enabled: boolean
}

export class UserExistsError extends Error {
  constructor(username: string) {
    super(`a user named "${username}" (or with that subjectId) already exists`)
    this.name = 'UserExistsError'
  }
}

export async function findUserByUsername(username: string, database: Db = defaultDb()): Promise<UserAccount | null> {
  const row = await database.user.findUnique({ where: { username } })
  return row && toUserAccount(row)
}

/** Read on every token request, userinfo and introspection: raw SQL (see lib/stores/grants.ts). */
export async function findUserBySubject(subjectId: string, database: Db = defaultDb()): Promise<UserAccount | null> {
  const rows = await statementsOf(database).query<JoinedUserColumns>(Prisma.sql`SELECT ${JOINED_USER_COLUMNS} FROM "User" u WHERE u."subjectId" = ${subjectId}`)
  return rows[0] ? joinedUser(rows[0]) : null
}

/**
 * The User columns a grant lookup joins (alias `u`, prefixed so they never clash with the
 * grant's), so a token and its user come back in one statement. The password hash is not
 * among them.
 */
export const JOINED_USER_COLUMNS = Prisma.sql`u."subjectId" AS "u_subjectId", u."username" AS "u_username", u."claims" AS "u_claims", u."enabled" AS "u_enabled"`

export interface JoinedUserColumns {
  u_subjectId: string | null
  u_username: string | null
  u_claims: unknown
  u_enabled: boolean | number | null
}

/** The user of a row with JOINED_USER_COLUMNS; null when the LEFT JOIN found none. */
export function joinedUser(row: JoinedUserColumns): UserAccount | null {
  if (row.u_subjectId === null || row.u_username === null) return null
  const claims = typeof row.u_claims === 'string' ? JSON.parse(row.u_claims) : row.u_claims
  return { subjectId: row.u_subjectId, username: row.u_username, claims: asRecord(claims), enabled: row.u_enabled === true || row.u_enabled === 1 }
}

/** For the login check only: the argon2id hash of a username's password. */
export async function findCredentials(username: string, database: Db = defaultDb()): Promise<UserCredentials | null> {
  const row = await database.user.findUnique({ where: { username }, select: { subjectId: true, passwordHash: true, enabled: true } })
  return row
}

export interface NewUser {
  username: string
  password: string
  claims?: Record<string, unknown>
  enabled?: boolean
  /** A stable `sub`; a random UUID when absent. */
  subjectId?: string
}

/** Creates a user (the password is hashed here); throws UserExistsError for a taken username or subjectId. */
export async function createUser(user: NewUser, database: Db = defaultDb()): Promise<UserAccount> {
  try {
    const row = await database.user.create({
      data: {
        subjectId: user.subjectId ?? randomUUID(),
        username: user.username,
        passwordHash: await hashPassword(user.password),
        claims: (user.claims ?? {}) as Prisma.InputJsonObject,
        enabled: user.enabled ?? true,
      },
    })
    return toUserAccount(row)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'P2002') throw new UserExistsError(user.username)
    throw error
  }
}

/** Sets a new password (hashed here). False when there is no such user. */
export async function setPassword(username: string, password: string, database: Db = defaultDb()): Promise<boolean> {
  const passwordHash = await hashPassword(password)
  const { count } = await database.user.updateMany({ where: { username }, data: { passwordHash } })
  return count === 1
}

/** What disabling a user took back. */
export interface UserDisabled {
  subjectId: string
  /** Sign-in sessions ended. */
  sessions: number
  /** Authorization families removed, with every code, refresh and reference token in them (cascade). */
  families: number
  /** The user's grants outside any family (none are issued so today; removed all the same). */
  strayGrants: number
  /** Remembered consents removed. */
  consents: number
}

/**
 * Disables a user and ends what they may still do, all-or-nothing in one transaction: the flag
 * (no new sign-in, refresh or userinfo), their sign-in sessions, every Authorization family
 * (unredeemed codes, refresh tokens and reference access tokens go with it by cascade) and
 * their remembered consents. As Duende does: ASP.NET Identity's lock-out plus its
 * session management's RemoveSessionsAsync (RevokeTokens and RevokeConsents on by default),
 * which removes the subject's persisted grants. Only JWT access tokens already issued live on
 * until they expire; userinfo and introspection refuse them for a disabled user.
 * Nothing is kept aside, so enabling the user again brings none of it back.
 * Null when there is no such user.
 */
export async function disableUser(username: string, database: Db = defaultDb()): Promise<UserDisabled | null> {
  return inTransaction(database, async (tx) => {
    const user = await tx.user.findUnique({ where: { username }, select: { subjectId: true } })
    if (!user) return null
    await tx.user.update({ where: { subjectId: user.subjectId }, data: { enabled: false } })
    return takeBackEverything(tx, user.subjectId)
  })
}

/** The second half of disabling (disableUser, or an import that disables), inside the caller's transaction. */
async function takeBackEverything(tx: Tx, subjectId: string): Promise<UserDisabled> {
  const sessions = await tx.userSession.deleteMany({ where: { subjectId } })
  const families = await tx.authorization.deleteMany({ where: { subjectId } })
  const strays = await tx.persistedGrant.deleteMany({ where: { subjectId } })
  const consents = await tx.consent.deleteMany({ where: { subjectId } })
  return { subjectId, sessions: sessions.count, families: families.count, strayGrants: strays.count, consents: consents.count }
}

/**
 * Only the flag: enabling allows sign-in again (what disableUser took back stays gone);
 * to disable a user, disableUser. False when there is no such user.
 */
export async function setUserEnabled(username: string, enabled: boolean, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.user.updateMany({ where: { username }, data: { enabled } })
  return count === 1
}

// ------------------------------------------------------------------ import

/** A user row as the import sees it, password hash included. */
export interface StoredUser extends UserAccount {
  passwordHash: string
}

export async function findStoredUser(where: { subjectId: string } | { username: string }, database: Db | Tx = defaultDb()): Promise<StoredUser | null> {
  const row = await database.user.findUnique({ where })
  return row && { ...toUserAccount(row), passwordHash: row.passwordHash }
}

export interface ImportedUserOutcome {
  outcome: UpsertOutcome
  /** Set when the import disabled an enabled user: what it took back, as disableUser does. */
  disabled?: UserDisabled
}

/**
 * Creates `desired`, or updates `existing` (matched by the caller) to it, writing only what
 * differs. An import that disables a user also takes back what they hold (as disableUser),
 * in the import's transaction.
 */
export async function saveImportedUser(tx: Tx, existing: StoredUser | null, desired: StoredUser, write: boolean): Promise<ImportedUserOutcome> {
  const data = { username: desired.username, passwordHash: desired.passwordHash, claims: desired.claims as Prisma.InputJsonObject, enabled: desired.enabled }
  if (!existing) {
    if (write) await tx.user.create({ data: { subjectId: desired.subjectId, ...data } })
    return { outcome: 'created' }
  }
  const changes = changedFields(existing, data)
  if (Object.keys(changes).length === 0) return { outcome: 'unchanged' }
  if (!write) return { outcome: 'updated' }
  await tx.user.update({ where: { subjectId: existing.subjectId }, data: changes })
  if (existing.enabled && !desired.enabled) return { outcome: 'updated', disabled: await takeBackEverything(tx, existing.subjectId) }
  return { outcome: 'updated' }
}

function toUserAccount(row: UserRow): UserAccount {
  return { subjectId: row.subjectId, username: row.username, claims: asRecord(row.claims), enabled: row.enabled }
}
