// Throttle counters in the database (RATE_LIMIT_STORE=database): rate-limiter-flexible's
// RateLimiterPrisma on the RateLimiterFlexible table (key, points, expire), so every process
// on one database counts together. Each take is one DELETE of an expired row and one upsert
// that increments `points` in the database (INSERT ... ON CONFLICT DO UPDATE), so concurrent
// takes, from this process or another, are all counted.
//
// If the database fails (busy beyond the timeout, unreachable), each limiter falls back to
// an in-memory twin (the library's insuranceLimiter) rather than failing the request.
import { RateLimiterMemory, RateLimiterPrisma } from 'rate-limiter-flexible'
import { db as defaultDb, type Db } from '../db/client'
import type { CounterStore } from '../security/throttle'

export function databaseCounters(database: Db = defaultDb()): CounterStore {
  return (spec) =>
    new RateLimiterPrisma({
      storeClient: database,
      // The Prisma client's accessor (the library's default, the model name, is not one).
      tableName: 'rateLimiterFlexible',
      keyPrefix: spec.name,
      points: spec.points,
      duration: spec.durationSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSeconds }),
    })
}

/** Every counter row (tests and diagnostics). */
export async function listCounters(database: Db = defaultDb()): Promise<{ key: string; points: number; expire: Date | null }[]> {
  return database.rateLimiterFlexible.findMany({ orderBy: { key: 'asc' } })
}
