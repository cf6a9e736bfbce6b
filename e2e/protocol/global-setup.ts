// Protocol tests run over HTTP against the real server (`npm start`'s entry point) on a fresh
// SQLite file per run, configured from fixtures/config.json through the admin CLI — the same
// path an operator takes. Set PROTOCOL_BASE_URL to run the suite against a server that is
// already running instead (it must hold the fixture configuration; database checks are skipped).
//
// The server builds the pages itself when NEXT_DIST_DIR (default .next) has no current build;
// NEXT_DIST_DIR is passed through so parallel runs can use separate builds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'config.json')
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx')
/** First start may include `next build` on a 2-core machine. */
const START_TIMEOUT_MS = Number(process.env.PROTOCOL_START_TIMEOUT_MS ?? 600_000)

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PROTOCOL_BASE_URL?.replace(/\/+$/, '')
  if (external) {
    project.provide('baseUrl', external)
    project.provide('databaseFile', null)
    return async () => {}
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tokenservice-protocol-'))
  const databaseFile = path.join(dataDir, 'tokenservice.db')
  const port = await freePort()
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
  }

  const imported = spawnSync(TSX, ['lib/cli/admin.ts', 'import', FIXTURE], { cwd: ROOT, env, encoding: 'utf8' })
  if (imported.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true })
    throw new Error(`importing ${path.relative(ROOT, FIXTURE)} failed (exit ${imported.status}):\n${imported.stdout}\n${imported.stderr}`)
  }

  const logFile = path.join(dataDir, 'server.log')
  const logStream = createWriteStream(logFile)
  // A process group of its own, so stopping it also stops a `next build` it may be running.
  const server = spawn(TSX, ['lib/server/start.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout!.pipe(logStream)
  server.stderr!.pipe(logStream)

  const stop = async () => {
    await stopServer(server)
    logStream.end()
    if (process.env.PROTOCOL_KEEP_DATA === '1') console.log(`protocol tests: data and server log kept in ${dataDir}`)
    else rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitForDiscovery(baseUrl, server)
  } catch (error) {
    await stopServer(server)
    logStream.end()
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')
    rmSync(dataDir, { recursive: true, force: true })
    throw new Error(`${(error as Error).message}\n--- server output (last lines) ---\n${tail}`)
  }

  project.provide('baseUrl', baseUrl)
  project.provide('databaseFile', databaseFile)
  return stop
}

function freePort(): Promise<number> {
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
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`the server did not answer discovery at ${baseUrl} within ${START_TIMEOUT_MS / 1000}s`)
}

/** SIGTERM to the server's process group, SIGKILL after 5 s. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) return
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()))
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, signal)
    } catch {
      // already gone
    }
  }
  signalGroup('SIGTERM')
  const timer = setTimeout(() => signalGroup('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
