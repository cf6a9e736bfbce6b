// Compiled SQLite statements, kept per SQL text. Prisma's better-sqlite3 adapter (7.x) calls
// `client.prepare(sql).bind(args)` for every query, so SQLite parses and plans the same few
// dozen statements again on each request — a lookup by key spent more time compiling than
// running (bench/RESULTS.md: 20-40% of a query's CPU). Prisma's SQL is parameterized, so the
// texts repeat; this wraps the connection's prepare() to hand out views of cached statements.
//
// better-sqlite3 allows bind() once per statement object, so a view keeps the arguments and
// passes them at execution instead. Only what the adapter uses is offered (reader, bind, run,
// columns, raw().all()); SQLite re-prepares a cached statement by itself after a schema change,
// and the result columns, kept with it, follow from its text (Prisma names every column).
import type { Database, Statement } from 'better-sqlite3'

/** Distinct statements kept (Prisma's `IN (?, ?, …)` lists make a few more than the models have). */
export const STATEMENT_CACHE_SIZE = 500

/** What @prisma/adapter-better-sqlite3 uses of a prepared statement. */
export interface StatementView {
  readonly reader: boolean
  bind(args: unknown[]): StatementView
  run(): ReturnType<Statement['run']>
  columns(): ReturnType<Statement['columns']>
  raw(): { all(): unknown[] }
}

interface CachedStatement {
  statement: Statement
  /** The result columns, read once: they follow from the SQL text, which names every column. */
  columns?: ReturnType<Statement['columns']>
}

class CachedStatementView implements StatementView {
  private args: unknown[] = []
  constructor(private readonly cached: CachedStatement) {}
  private get statement(): Statement {
    return this.cached.statement
  }
  get reader(): boolean {
    return this.statement.reader
  }
  bind(args: unknown[]): StatementView {
    this.args = args
    return this
  }
  run() {
    return this.statement.run(...this.args)
  }
  columns() {
    return (this.cached.columns ??= this.statement.columns())
  }
  raw() {
    return { all: () => this.statement.raw(true).all(...this.args) }
  }
}

/**
 * Makes `database.prepare` return views of cached statements. Returns false (and changes
 * nothing) when `database` is not a better-sqlite3 connection, e.g. another adapter's client.
 */
export function cacheStatements(database: unknown, size = STATEMENT_CACHE_SIZE): boolean {
  const connection = database as Partial<Database> | undefined
  if (typeof connection?.prepare !== 'function' || typeof connection.exec !== 'function') return false
  const prepare = connection.prepare.bind(connection)
  const cache = new Map<string, CachedStatement>()
  ;(connection as { prepare: (sql: string) => StatementView }).prepare = (sql: string) => {
    let cached = cache.get(sql)
    if (cached) {
      // Most recently used last, so the first entry is the one to drop.
      cache.delete(sql)
    } else {
      cached = { statement: prepare(sql) as Statement }
      if (cache.size >= size) cache.delete(cache.keys().next().value!)
    }
    cache.set(sql, cached)
    return new CachedStatementView(cached)
  }
  return true
}
