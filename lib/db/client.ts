// The one PrismaClient of a process. Only lib/stores imports this module.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { loadSettings } from '../config/env'
import { PrismaClient } from './generated/client'
import { gateTransactions } from './one-connection-gate'

export type Db = PrismaClient
export type { Prisma } from './generated/client'

export function createDb(databaseUrl: string): Db {
  // busy timeout: with several processes on one SQLite file, writers wait instead of failing.
  return new PrismaClient({ adapter: gateTransactions(new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 })) })
}

const holder = globalThis as typeof globalThis & { __tokenserviceDb?: Db }

/** The process-wide client (kept on globalThis so dev-mode module reloads reuse it). */
export function db(): Db {
  holder.__tokenserviceDb ??= createDb(loadSettings().databaseUrl)
  return holder.__tokenserviceDb
}
