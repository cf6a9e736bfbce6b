// Deletions for the periodic clean-up (lib/jobs/grant-cleanup.ts), one bounded batch per call.
//
// Each batch selects ids, then deletes those ids WITH THE CONDITION RESTATED, in one DELETE
// statement. That makes every batch correct when several processes run it at once (a row
// deleted by another process is simply not counted twice; a row that changed since the
// select — a sliding refresh token extended, a family that just got its first grant — no
// longer matches and stays) without an interactive transaction, which on SQLite would hold
// the write lock across awaits and stall every request that writes.
import { now } from '../clock'
import { db as defaultDb, type Db } from '../db/client'

/** Grants whose expiration has passed (codes, refresh and reference tokens). */
export async function removeExpiredGrants(batchSize: number, database: Db = defaultDb()): Promise<number> {
  const where = { expiration: { lte: now() } }
  const rows = await database.persistedGrant.findMany({ where, select: { id: true }, orderBy: { expiration: 'asc' }, take: batchSize })
  if (!rows.length) return 0
  const { count } = await database.persistedGrant.deleteMany({ where: { ...where, id: { in: rows.map((r) => r.id) } } })
  return count
}

/** Grants consumed before `consumedBefore` (used codes and rotated refresh tokens). */
export async function removeConsumedGrants(consumedBefore: Date, batchSize: number, database: Db = defaultDb()): Promise<number> {
  const where = { consumedTime: { lt: consumedBefore } }
  const rows = await database.persistedGrant.findMany({ where, select: { id: true }, orderBy: { consumedTime: 'asc' }, take: batchSize })
  if (!rows.length) return 0
  const { count } = await database.persistedGrant.deleteMany({ where: { ...where, id: { in: rows.map((r) => r.id) } } })
  return count
}

/**
 * Authorizations (families) that no grant points at any more and that were last used before
 * `idleBefore`. The age guard keeps the instant between creating a family and storing its
 * first code from being mistaken for an empty family.
 */
export async function removeEmptyAuthorizations(idleBefore: Date, batchSize: number, database: Db = defaultDb()): Promise<number> {
  const where = { grants: { none: {} }, lastUsedAt: { lt: idleBefore } }
  const rows = await database.authorization.findMany({ where, select: { id: true }, orderBy: { lastUsedAt: 'asc' }, take: batchSize })
  if (!rows.length) return 0
  const { count } = await database.authorization.deleteMany({ where: { ...where, id: { in: rows.map((r) => r.id) } } })
  return count
}
