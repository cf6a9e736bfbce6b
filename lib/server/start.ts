// `npm start`: load settings, migrate the database, prepare keys and demo data, build the
// pages if needed, then serve. One process runs everything, so the embedded SQLite default
// needs nothing but `npm install && npm start`. Several such processes may share a database.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const dev = process.argv.includes('--dev')

// .env first: the modules below read the environment when they load (the logger's level).
if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'))
process.env.NEXT_TELEMETRY_DISABLED ??= '1'

const { default: next } = await import('next')
const { loadSettings } = await import('../config/env')
const { applyPendingMigrations } = await import('../db/migrate')
const { log } = await import('../log')
const { bootstrap } = await import('./bootstrap')
const { createProtocolRouter } = await import('./protocol-router')

const settings = loadSettings()
const applied = await applyPendingMigrations(settings.databaseUrl)
if (applied.length) log.info({ migrations: applied }, 'database migrated')
const stopBackgroundWork = await bootstrap(settings)

// SKIP_BUILD=1 (as for `npm test`): use the existing build even if sources are newer, e.g.
// while tests run in a tree that is being edited; a missing build is still made.
if (!dev && buildIsStale(process.env.SKIP_BUILD === '1')) {
  log.info('building the portal (first start or sources changed)')
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const app = next({ dev, dir: ROOT, hostname: settings.host, port: settings.port })
await app.prepare()
const handle = app.getRequestHandler()
const fastPath = !dev && process.env.PROTOCOL_FAST_PATH !== 'false' ? await createProtocolRouter() : undefined
// Slow or stalled clients cannot hold connections: headers within 15 s, the whole request
// within 30 s (bodies are 64 KiB at most), else 408 and the socket closes; checked every 5 s
// (Node's default check interval is 30 s). Node's defaults are 60 s and 300 s.
const server = createServer({ headersTimeout: 15_000, requestTimeout: 30_000, connectionsCheckingInterval: 5_000 }, (req, res) => {
  if (fastPath?.handle(req, res)) return
  void handle(req, res)
})
server.keepAliveTimeout = 65_000
server.listen(settings.port, settings.host, () => {
  log.info({ url: settings.issuer, port: settings.port, database: settings.databaseUrl.startsWith('file:') ? 'sqlite' : 'external' }, 'token service ready')
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopBackgroundWork()
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), 3000).unref()
  })
}

/** True when there is no production build, or (unless `existingWillDo`) a source file is newer than it. */
function buildIsStale(existingWillDo: boolean): boolean {
  const buildId = path.join(ROOT, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID')
  if (!existsSync(buildId)) return true
  if (existingWillDo) return false
  const builtAt = statSync(buildId).mtimeMs
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return entry.name !== 'generated' && newer(full)
      return statSync(full).mtimeMs > builtAt
    })
  return ['app', 'lib'].some((dir) => newer(path.join(ROOT, dir))) || statSync(path.join(ROOT, 'next.config.js')).mtimeMs > builtAt
}
