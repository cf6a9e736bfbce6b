// Raw SQL on the driver adapter the PrismaClient itself runs on, for the stores' hot
// statements (issuing, introspecting, rotating and redeeming tokens). The same connection,
// the same transaction gate (one-connection-gate.ts), the same SQL text and parameter
// encoding as `$queryRaw` / `$executeRaw`; what is skipped is Prisma's client runtime around
// each call: measured per call (CPU, promise hooks on as in the server), a lookup by key
// 66-81 µs through `$queryRaw` against 14-17 µs here, an insert 136-190 against 60 µs, an
// UPDATE and an INSERT in an interactive transaction ~550 against ~150 µs (bench/RESULTS.md).
// `SqlDriverAdapter` is Prisma's public driver contract (@prisma/driver-adapter-utils),
// implemented alike by its SQLite and PostgreSQL adapters, so this stays as portable as the
// stores' SQL.
import { ColumnTypeEnum, type DriverAdapterError, type ArgType, type SqlDriverAdapter, type SqlQuery, type SqlQueryable, type SqlResultSet } from '@prisma/driver-adapter-utils'
import type { Prisma } from './generated/client'

type Sql = Prisma.Sql

/** Raw statements: rows as objects keyed by column name (dates as Date, JSON parsed), or a count of changed rows. */
export interface Statements {
  query<T>(statement: Sql): Promise<T[]>
  execute(statement: Sql): Promise<number>
}

/** Statements outside any transaction, and all-or-nothing work inside one. */
export interface Database extends Statements {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Other requests' statements wait meanwhile (the gate), so keep it to a few statements:
   * do anything slow (signing, hashing) before.
   */
  transaction<T>(work: (tx: Statements) => Promise<T>): Promise<T>
}

/**
 * The database of a connected (or connectable) client. `adapter` resolves the driver adapter
 * the client uses, connecting it first when needed.
 */
export function databaseOn(adapter: () => SqlDriverAdapter | Promise<SqlDriverAdapter>): Database {
  const on = (run: (queryable: SqlDriverAdapter) => Promise<unknown>) => {
    const current = adapter()
    return current instanceof Promise ? current.then(run) : run(current)
  }
  return {
    query: <T>(statement: Sql) => on((queryable) => query<T>(queryable, statement)) as Promise<T[]>,
    execute: (statement) => on((queryable) => execute(queryable, statement)) as Promise<number>,
    transaction: <T>(work: (tx: Statements) => Promise<T>) => on((queryable) => transaction(queryable, work)) as Promise<T>,
  }
}

/** Whether `error` is the driver's report of a violated constraint of this kind. */
export function isDriverError(error: unknown, kind: 'ForeignKeyConstraintViolation' | 'UniqueConstraintViolation'): boolean {
  // By name, not instanceof: each adapter package may bring its own copy of the error class.
  return error instanceof Error && error.name === 'DriverAdapterError' && (error as DriverAdapterError).cause?.kind === kind
}

async function query<T>(queryable: SqlQueryable, statement: Sql): Promise<T[]> {
  return toObjects<T>(await queryable.queryRaw(sqlQuery(queryable, statement)))
}

function execute(queryable: SqlQueryable, statement: Sql): Promise<number> {
  return queryable.executeRaw(sqlQuery(queryable, statement))
}

const NO_ARGS = { args: [], argTypes: [] }

/**
 * The driver's transaction protocol, as Prisma's client follows it: startTransaction begins
 * it; unless the driver says it does so itself (`usePhantomQuery`), COMMIT or ROLLBACK is
 * sent as SQL, then commit()/rollback() releases the connection.
 */
async function transaction<T>(adapter: SqlDriverAdapter, work: (tx: Statements) => Promise<T>): Promise<T> {
  const tx = await adapter.startTransaction()
  const statements: Statements = { query: (statement) => query(tx, statement), execute: (statement) => execute(tx, statement) }
  let result: T
  try {
    result = await work(statements)
    if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: 'COMMIT', ...NO_ARGS })
  } catch (error) {
    try {
      if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: 'ROLLBACK', ...NO_ARGS })
    } catch {
      // The database may have ended the transaction itself (SQLite does on some errors).
    } finally {
      await tx.rollback()
    }
    throw error
  }
  await tx.commit()
  return result
}

/**
 * The statement for the driver: placeholders as its dialect writes them ($1 on PostgreSQL,
 * ? elsewhere) and every value encoded as Prisma's client encodes `$queryRaw` parameters, so
 * rows written here and through Prisma are alike.
 */
function sqlQuery(queryable: SqlQueryable, statement: Sql): SqlQuery {
  const values = statement.values
  const args: unknown[] = new Array(values.length)
  const argTypes: ArgType[] = new Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const [arg, scalarType] = encode(values[i])
    args[i] = arg
    argTypes[i] = { scalarType, arity: 'scalar' }
  }
  return { sql: queryable.provider === 'postgres' ? statement.text : statement.sql, args, argTypes }
}

function encode(value: unknown): [unknown, ArgType['scalarType']] {
  if (value === null || value === undefined) return [null, 'unknown']
  switch (typeof value) {
    case 'string':
      return [value, 'string']
    case 'number':
      return [value, 'decimal']
    case 'bigint':
      return [value.toString(), 'bigint']
    case 'boolean':
      return [value, 'unknown']
  }
  if (value instanceof Date) return [value.toJSON(), 'datetime']
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('base64'), 'bytes']
  // Prisma's client sends arrays as lists (for `= ANY(...)`): the stores use Prisma.join instead.
  if (Array.isArray(value)) throw new TypeError('array parameters are not supported: use Prisma.join')
  return [JSON.stringify(value), 'unknown']
}

/** Rows as objects, values converted as `$queryRaw` converts them. */
function toObjects<T>({ columnNames, columnTypes, rows }: SqlResultSet): T[] {
  const objects: T[] = new Array(rows.length)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!
    const object: Record<string, unknown> = {}
    for (let c = 0; c < columnNames.length; c++) object[columnNames[c]!] = fromColumn(row[c], columnTypes[c])
    objects[r] = object as T
  }
  return objects
}

function fromColumn(value: unknown, type: number | undefined): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return value instanceof Date ? value : new Date(value as string | number)
    case ColumnTypeEnum.Json:
      return typeof value === 'string' ? JSON.parse(value) : value
    case ColumnTypeEnum.Boolean:
      return typeof value === 'boolean' ? value : typeof value === 'string' ? value === 'true' || value === '1' : Number(value) !== 0
    default:
      return value
  }
}
