// Periodic removal of operational data nobody can use any more (Duende's TokenCleanupHost:
// every `cleanup.interval` seconds, batches of `cleanup.batchSize`; defaults 3600 s / 100):
// expired grants, grants consumed long ago, families left without grants, expired sessions.
//
// It never blocks requests: it runs on an unref'd timer, one batch (one short statement pair)
// at a time, yielding to the event loop between batches. It is safe with several processes
// on one database: every batch deletes by an id list with its condition restated
// (lib/stores/housekeeping.ts), so overlapping runs only ever delete each row once.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { nowMs } from '../clock'
import type { Settings } from '../config/env'
import type { Db } from '../db/client'
import { log } from '../log'
import { removeConsumedGrants, removeEmptyAuthorizations, removeExpiredGrants } from '../stores/housekeeping'
import { removeExpiredSessions } from '../stores/sessions'

/**
 * How long a consumed grant is kept after the reuse grace period. While it exists, presenting
 * it again is detected as replay and revokes its family (RFC 9700 §4.14.2); afterwards it is
 * only an unknown token (still refused). A day covers retries, clock skew and most replays of
 * a leaked token; expired grants go at their expiration regardless.
 */
export const CONSUMED_RETENTION_MARGIN_SECONDS = 24 * 3600

/** A family with no grants is removed only after this long unused (its first code may be on its way). */
export const EMPTY_FAMILY_IDLE_SECONDS = 3600

/** Upper bound of batches per category and run, so one run always ends. */
const MAX_BATCHES_PER_RUN = 10_000

export interface CleanupOptions {
  batchSize: number
  /** Seconds; see CONSUMED_RETENTION_MARGIN_SECONDS. */
  refreshTokenReuseGracePeriod: number
  consumedRetentionMarginSeconds?: number
  database?: Db
}

export interface CleanupReport {
  expiredGrants: number
  consumedGrants: number
  emptyAuthorizations: number
  expiredSessions: number
}

/** One full pass, batch by batch. Idempotent; returns how many rows each step removed. */
export async function runGrantCleanup(options: CleanupOptions): Promise<CleanupReport> {
  const { batchSize, database } = options
  const margin = options.consumedRetentionMarginSeconds ?? CONSUMED_RETENTION_MARGIN_SECONDS
  const consumedBefore = new Date(nowMs() - (options.refreshTokenReuseGracePeriod + margin) * 1000)
  const idleBefore = new Date(nowMs() - EMPTY_FAMILY_IDLE_SECONDS * 1000)
  return {
    expiredGrants: await inBatches(batchSize, () => removeExpiredGrants(batchSize, database)),
    consumedGrants: await inBatches(batchSize, () => removeConsumedGrants(consumedBefore, batchSize, database)),
    // After the grants: families emptied by the two steps above go in the same run.
    emptyAuthorizations: await everyPage((after) => removeEmptyAuthorizations(idleBefore, after, batchSize * FAMILY_PAGE_FACTOR, database)),
    expiredSessions: await inBatches(batchSize, () => removeExpiredSessions(batchSize, database)),
  }
}

/**
 * Families are scanned in pages of this many batches' worth (200 by default): a page checks
 * every family in it, a few milliseconds of work, and most pages remove nothing.
 */
const FAMILY_PAGE_FACTOR = 2

/** Runs a paged scan to its end, yielding to requests between pages. */
async function everyPage(page: (after: string | null) => Promise<{ removed: number; next: string | null }>): Promise<number> {
  let total = 0
  let after: string | null = null
  do {
    const result = await page(after)
    total += result.removed
    after = result.next
    if (after !== null) await yieldToEventLoop()
  } while (after !== null)
  return total
}

/** Repeats a batch until one comes back short, yielding to requests between batches. */
async function inBatches(batchSize: number, batch: () => Promise<number>): Promise<number> {
  let total = 0
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const removed = await batch()
    total += removed
    if (removed < batchSize) break
    await yieldToEventLoop()
  }
  return total
}

/**
 * Starts the periodic clean-up; returns the function that stops it. The first run comes
 * after a random delay of up to a minute (or the interval, if shorter), so processes started
 * together do not all clean at the same instant; a run never overlaps the previous one.
 */
export function startGrantCleanup(settings: Pick<Settings, 'cleanup' | 'refreshTokenReuseGracePeriod'>): () => void {
  const intervalMs = settings.cleanup.interval * 1000
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const schedule = (delayMs: number) => {
    if (stopped) return
    timer = setTimeout(run, delayMs)
    timer.unref()
  }

  const run = async () => {
    try {
      const report = await runGrantCleanup({ batchSize: settings.cleanup.batchSize, refreshTokenReuseGracePeriod: settings.refreshTokenReuseGracePeriod })
      const removed = Object.values(report).reduce((a, b) => a + b, 0)
      if (removed > 0) log.info(report, 'grant clean-up')
    } catch (error) {
      log.error({ err: error }, 'grant clean-up failed; retrying at the next interval')
    } finally {
      schedule(intervalMs)
    }
  }

  schedule(Math.floor(Math.random() * Math.min(intervalMs, 60_000)))
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}
