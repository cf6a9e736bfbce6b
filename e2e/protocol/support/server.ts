// Starting the real server for protocol tests: `npm start`'s entry point (lib/server/start.ts)
// on a free loopback port, with its own data folder and SQLite file, configured from a
// fixture through the admin CLI (the path an operator takes). The global setup starts the
// shared server with it; tests that must kill, restart or read the output of a server
// (crash-restart.test.ts, audit-throttle.test.ts) start their own.
//
// The server builds the pages itself when NEXT_DIST_DIR (default .next) has no current build;
// NEXT_DIST_DIR is passed through so parallel runs can use separate builds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..')
export const FIXTURE = path.join(ROOT, 'e2e', 'protocol', 'fixtures', 'config.json')
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
/** First start may include `next build` on a 2-core machine. */
const START_TIMEOUT_MS = Number(process.env.PROTOCOL_START_TIMEOUT_MS ?? 600_000)

export interface TestServerOptions {
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>
  /** An existing data folder: a restart on the same database. Default: a new temporary folder. */
  dataDir?: string
  /** Port to listen on; default a free one. A restart passes the old one (the issuer stays the same). */
  port?: number
  /** Configuration to import before starting; null to import nothing (a restart). */
  fixture?: string | null
}

export interface TestServer {
  baseUrl: string
  port: number
  dataDir: string
  databaseFile: string
  /** The environment it runs with (a restart reuses it). */
  env: NodeJS.ProcessEnv
  /** Everything this process wrote to stdout and stderr so far. */
  output(): string
  /**
   * The output once `ready(output)` holds: lines the server wrote before answering may reach
   * this process after the answer (two pipes, no order between them). Gives up after 10 s.
   */
  outputWhen(ready: (output: string) => boolean): Promise<string>
  /** SIGTERM to the process group, SIGKILL after 5 s. */
  stop(): Promise<void>
  /** SIGKILL to the whole process group at once: a crash, no shutdown code runs. */
  kill(): Promise<void>
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tokenservice-protocol-'))
  const databaseFile = path.join(dataDir, 'tokenservice.db')
  const port = options.port ?? (await freePort())
  const baseUrl = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: baseUrl,
    DATA_DIR: dataDir,
    // Explicit, so a DATABASE_URL in the developer's .env never points the tests at real data.
    DATABASE_URL: `file:${databaseFile}`,
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.PROTOCOL_LOG_LEVEL ?? 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    ...options.env,
  }

  const fixture = options.fixture === undefined ? FIXTURE : options.fixture
  if (fixture) {
    const imported = spawnSync(TSX, ['lib/cli/admin.ts', 'import', fixture], { cwd: ROOT, env, encoding: 'utf8' })
    if (imported.status !== 0) {
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
      throw new Error(`importing ${path.relative(ROOT, fixture)} failed (exit ${imported.status}):\n${imported.stdout}\n${imported.stderr}`)
    }
  }

  // Appended to, so the log of a restarted server follows the log of the one before.
  const logStream = createWriteStream(path.join(dataDir, 'server.log'), { flags: 'a' })
  const chunks: string[] = []
  // A process group of its own, so stopping it also stops a `next build` it may be running.
  const child = spawn(TSX, ['lib/server/start.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')))
    stream.pipe(logStream, { end: false })
  }
  child.once('exit', () => logStream.end())

  const server: TestServer = {
    baseUrl,
    port,
    dataDir,
    databaseFile,
    env,
    output: () => chunks.join(''),
    outputWhen: async (ready) => {
      const deadline = Date.now() + 10_000
      while (!ready(chunks.join('')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      return chunks.join('')
    },
    stop: () => stopProcessGroup(child, 'SIGTERM'),
    kill: () => stopProcessGroup(child, 'SIGKILL'),
  }
  try {
    await waitForDiscovery(baseUrl, child)
  } catch (error) {
    await server.kill()
    const tail = server.output().split('\n').slice(-40).join('\n')
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    throw new Error(`${(error as Error).message}\n--- server output (last lines) ---\n${tail}`)
  }
  return server
}

/** Removes a data folder (unless PROTOCOL_KEEP_DATA=1, for a look afterwards). */
export function removeDataDir(dataDir: string): void {
  if (process.env.PROTOCOL_KEEP_DATA === '1') console.log(`protocol tests: data and server log kept in ${dataDir}`)
  else rmSync(dataDir, { recursive: true, force: true })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function waitForDiscovery(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  let exited: string | undefined
  server.once('exit', (code, signal) => (exited = `the server exited (${signal ?? `code ${code}`}) before answering`))
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited)
    try {
      const response = await fetch(`${baseUrl}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`the server did not answer discovery at ${baseUrl} within ${START_TIMEOUT_MS / 1000}s`)
}

/** Signals the server's process group; with SIGTERM, SIGKILL follows after 5 s. Resolves once it exited. */
async function stopProcessGroup(server: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  const signalGroup = (s: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, s)
    } catch {
      // already gone
    }
  }
  signalGroup(signal)
  const timer = signal === 'SIGTERM' ? setTimeout(() => signalGroup('SIGKILL'), 5000) : undefined
  await exited
  clearTimeout(timer)
}
