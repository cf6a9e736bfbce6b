// The one PrismaClient of a process. Only lib/stores imports this module.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { loadSettings } from '../config/env'
import { PrismaClient } from './generated/client'
import { gateTransactions } from './one-connection-gate'
import { cacheStatements } from './statement-cache'
import { databaseOn, type Database } from './statements'

export type Db = PrismaClient
// Prisma.sql / Prisma.join build the stores' raw statements (parameters stay bound).
export { Prisma } from './generated/client'

export function createDb(databaseUrl: string): Db {
  const connection: { adapter?: SqlDriverAdapter } = {}
  // busy timeout: with several processes on one SQLite file, writers wait instead of failing.
  const client = new PrismaClient({ adapter: remember(gateTransactions(tuneConnection(new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 }))), connection) })
  STATEMENTS.set(
    client,
    databaseOn(() => connection.adapter ?? client.$connect().then(() => connection.adapter ?? Promise.reject(new Error('the database did not connect')))),
  )
  return client
}

/**
 * On globalThis: this module may be loaded twice in one process (the server's own copy and
 * Next.js's bundle), and either may meet the client the other made (see db() below).
 */
const STATEMENTS: WeakMap<Db, Database> = ((globalThis as Record<symbol, unknown>)[Symbol.for('tokenservice.statements')] ??= new WeakMap()) as WeakMap<Db, Database>

/**
 * Raw statements on the connection `database` runs on, without Prisma's client runtime
 * (lib/db/statements.ts says what that saves); for the stores' hot statements only.
 */
export function statementsOf(database: Db): Database {
  const statements = STATEMENTS.get(database)
  if (!statements) throw new Error('not a client made by createDb')
  return statements
}

/** Keeps the adapter the client connected with, forgotten when the client disconnects. */
function remember(factory: SqlDriverAdapterFactory, connection: { adapter?: SqlDriverAdapter }): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect()
      const dispose = adapter.dispose.bind(adapter)
      adapter.dispose = () => {
        if (connection.adapter === adapter) connection.adapter = undefined
        return dispose()
      }
      connection.adapter = adapter
      return adapter
    },
  }
}

/**
 * Set on every connection (README "Durability"). WAL: readers never wait for the writer, and
 * a commit appends to the log instead of rewriting pages through a rollback journal; the mode
 * is stored in the file, so every process on it uses WAL. synchronous=NORMAL: in WAL mode a
 * commit is durable against a crash of the process (the OS has the log), and fsync happens at
 * checkpoints rather than on every commit, so a power loss may undo the last transactions but
 * never corrupts the file (https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous).
 * With FULL each token issued waited for a disk flush: about a hundred writes per second.
 */
export const SQLITE_PRAGMAS = 'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;'

/** The pragmas above, and compiled statements kept for reuse (lib/db/statement-cache.ts). */
function tuneConnection(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect()
      await adapter.executeScript(SQLITE_PRAGMAS)
      // The adapter keeps its better-sqlite3 connection as `client` (not a public API: when
      // that changes, statements are simply compiled per query again).
      cacheStatements((adapter as { client?: unknown }).client)
      return adapter
    },
  }
}

const holder = globalThis as typeof globalThis & { __tokenserviceDb?: Db }

/** The process-wide client (kept on globalThis so dev-mode module reloads reuse it). */
export function db(): Db {
  holder.__tokenserviceDb ??= createDb(loadSettings().databaseUrl)
  return holder.__tokenserviceDb
}
