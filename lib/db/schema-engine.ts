// Prisma's schema engine compiled to WebAssembly, driven through a driver adapter.
// The Prisma CLI's native engine cannot be downloaded on our build machines (see
// ../shared/ENVIRONMENT.md), so the server applies migrations itself with this.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from '@prisma/driver-adapter-utils'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg')

let gluePromise: Promise<Glue> | undefined

/** The package's entry imports the .wasm as an ES module, which Node cannot; instantiate it by hand. */
function loadGlue(): Promise<Glue> {
  gluePromise ??= (async () => {
    const require = createRequire(import.meta.url)
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))
    const glue = (await import(path.join(dir, 'schema_engine_bg.js'))) as Glue & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void
    }
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue as never })
    glue.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as () => void)()
    return glue
  })()
  return gluePromise
}

export interface SchemaFile {
  path: string
  content: string
}

export interface OpenSchemaEngine {
  engine: SchemaEngine
  /** Frees the engine and closes its database connections (SQLite locks stay otherwise). */
  close(): Promise<void>
}

/** Opens the schema engine on a SQLite database (`file:` URL). */
export async function openSchemaEngine(databaseUrl: string, schema: SchemaFile): Promise<OpenSchemaEngine> {
  const glue = await loadGlue()
  const connections: SqlDriverAdapter[] = []
  const factory = trackConnections(withScriptAwareShadowDb(new PrismaBetterSqlite3({ url: databaseUrl, timeout: 10_000 })), connections)
  const ignoreEngineLogs = () => {}
  const engine = await glue.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, ignoreEngineLogs, bindMigrationAwareSqlAdapterFactory(factory))
  return {
    engine,
    async close() {
      engine.free()
      await Promise.all(connections.map((c) => c.dispose().catch(() => {})))
    },
  }
}

function trackConnections(factory: PrismaBetterSqlite3, connections: SqlDriverAdapter[]): PrismaBetterSqlite3 {
  for (const method of ['connect', 'connectToShadowDb'] as const) {
    const original = factory[method].bind(factory)
    factory[method] = async () => {
      const connection = await original()
      connections.push(connection)
      return connection
    }
  }
  return factory
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] }

/**
 * The engine replays whole migration scripts on the shadow database through `executeRaw`,
 * which better-sqlite3 runs as a single prepared statement ("more than one statement").
 * Route multi-statement SQL to `executeScript` instead.
 */
function withScriptAwareShadowDb(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connectToShadowDb = factory.connectToShadowDb.bind(factory)
  factory.connectToShadowDb = async () => {
    const shadow = await connectToShadowDb()
    const executeRaw = shadow.executeRaw.bind(shadow)
    shadow.executeRaw = async (query) => {
      if (query.args.length > 0 || !/;\s*\S/.test(query.sql)) return executeRaw(query)
      await shadow.executeScript(query.sql)
      return 0
    }
    return shadow
  }
  return factory
}
