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
 * `idleBefore`, looked for among the next `pageSize` families after `after` (by id): one page
 * of a scan over the whole table. The age guard keeps the instant between creating a family
 * and storing its first code from being mistaken for an empty family.
 *
 * A page, not "the first N empty families": which families are empty is only known by looking
 * at each one, and asking SQLite for N of them at once made it walk every family (with a
 * million grants, a 0.7 s statement that stopped the whole process: better-sqlite3 runs on the
 * main thread). A page is a bounded piece of work, so the job can yield between pages.
 * Returns how many families went, and where the next page starts (null: the scan is done).
 */
export async function removeEmptyAuthorizations(
  idleBefore: Date,
  after: string | null,
  pageSize: number,
  database: Db = defaultDb(),
): Promise<{ removed: number; next: string | null }> {
  const page = await database.authorization.findMany({ where: after === null ? {} : { id: { gt: after } }, select: { id: true }, orderBy: { id: 'asc' }, take: pageSize })
  if (!page.length) return { removed: 0, next: null }
  const { count } = await database.authorization.deleteMany({ where: { id: { in: page.map((r) => r.id) }, grants: { none: {} }, lastUsedAt: { lt: idleBefore } } })
  return { removed: count, next: page.length < pageSize ? null : page.at(-1)!.id }
}
