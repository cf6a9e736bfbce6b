// Local user accounts. Never cached: login, disabling and password changes take effect at once.
// The password hash leaves this module only through findCredentials (the login check).
import { randomUUID } from 'node:crypto'
import type { UserAccount } from '../config/model'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { hashPassword } from '../users/passwords'
import { asRecord, changedFields, type UpsertOutcome } from './config-rows'
import type { Tx } from './transaction'

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

export async function findUserBySubject(subjectId: string, database: Db = defaultDb()): Promise<UserAccount | null> {
  const row = await database.user.findUnique({ where: { subjectId } })
  return row && toUserAccount(row)
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

/** False when there is no such user. */
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

/** Creates `desired`, or updates `existing` (matched by the caller) to it, writing only what differs. */
export async function saveImportedUser(tx: Tx, existing: StoredUser | null, desired: StoredUser, write: boolean): Promise<UpsertOutcome> {
  const data = { username: desired.username, passwordHash: desired.passwordHash, claims: desired.claims as Prisma.InputJsonObject, enabled: desired.enabled }
  if (!existing) {
    if (write) await tx.user.create({ data: { subjectId: desired.subjectId, ...data } })
    return 'created'
  }
  const changes = changedFields(existing, data)
  if (Object.keys(changes).length === 0) return 'unchanged'
  if (write) await tx.user.update({ where: { subjectId: existing.subjectId }, data: changes })
  return 'updated'
}

function toUserAccount(row: UserRow): UserAccount {
  return { subjectId: row.subjectId, username: row.username, claims: asRecord(row.claims), enabled: row.enabled }
}
