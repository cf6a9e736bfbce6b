// Remembered consent (Duende's IUserConsentStore): one row per (user, client) holding the
// scopes the person agreed to. The unique (subjectId, clientId) index plus an upsert makes
// a double-submitted consent form yield one row, not two (Prisma turns this upsert into one
// INSERT ... ON CONFLICT (subjectId, clientId) DO UPDATE, so it holds across processes too).
import { now } from '../clock'
import { db as defaultDb, type Db } from '../db/client'

export interface RememberedConsent {
  subjectId: string
  clientId: string
  scopes: string[]
  createdAt: Date
  updatedAt: Date
  expiration: Date | null
}

/** The remembered consent, or null when none or expired. */
export async function findConsent(subjectId: string, clientId: string, database: Db = defaultDb()): Promise<RememberedConsent | null> {
  const row = await database.consent.findUnique({ where: { subjectId_clientId: { subjectId, clientId } } })
  if (!row || (row.expiration && row.expiration <= now())) return null
  return toConsent(row)
}

/** True when the remembered consent covers every requested scope (the same or fewer). */
export function consentCovers(consent: RememberedConsent | null, requestedScopes: readonly string[]): boolean {
  if (!consent) return false
  const granted = new Set(consent.scopes)
  return requestedScopes.every((s) => granted.has(s))
}

/**
 * Remembers that the person agreed to `scopes` for this client, replacing what was
 * remembered before (Duende replaces, too: the latest answer is the one that counts).
 */
export async function rememberConsent(
  subjectId: string,
  clientId: string,
  scopes: readonly string[],
  options: { expiration?: Date | null } = {},
  database: Db = defaultDb(),
): Promise<void> {
  const at = now()
  const unique = [...new Set(scopes)]
  const expiration = options.expiration ?? null
  await database.consent.upsert({
    where: { subjectId_clientId: { subjectId, clientId } },
    create: { subjectId, clientId, scopes: unique, createdAt: at, updatedAt: at, expiration },
    update: { scopes: unique, updatedAt: at, expiration },
  })
}

/** Forgets the remembered consent; the next authorization asks again. True when there was one. */
export async function revokeConsent(subjectId: string, clientId: string, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.consent.deleteMany({ where: { subjectId, clientId } })
  return count > 0
}

/** Every live remembered consent of a user (for the account page), newest first. */
export async function listConsentsForUser(subjectId: string, database: Db = defaultDb()): Promise<RememberedConsent[]> {
  const rows = await database.consent.findMany({ where: { subjectId }, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }] })
  const at = now()
  return rows.filter((r) => !r.expiration || r.expiration > at).map(toConsent)
}

type ConsentRow = NonNullable<Awaited<ReturnType<Db['consent']['findUnique']>>>

function toConsent(row: ConsentRow): RememberedConsent {
  return {
    subjectId: row.subjectId,
    clientId: row.clientId,
    scopes: Array.isArray(row.scopes) ? row.scopes.filter((s): s is string => typeof s === 'string') : [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    expiration: row.expiration,
  }
}
