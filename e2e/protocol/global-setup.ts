// Protocol tests run over HTTP against the real server (`npm start`'s entry point) on a fresh
// SQLite file per run, configured from fixtures/config.json through the admin CLI — the same
// path an operator takes (support/server.ts). Set PROTOCOL_BASE_URL to run the suite against
// a server that is already running instead (it must hold the fixture configuration; database
// checks are skipped).
import type { TestProject } from 'vitest/node'
import { removeDataDir, startTestServer } from './support/server'

/**
 * The shared server's throttles are set out of reach: suites that send hundreds of failing
 * requests from 127.0.0.1 (hostile input, wrong secrets) must get their spec errors, not 429.
 * Throttling is tested on its own server (audit-throttle.test.ts).
 */
const UNTHROTTLED: Record<string, string> = {
  TOKEN_RATE_LIMIT_PER_MINUTE: '0',
  INTROSPECTION_RATE_LIMIT_PER_MINUTE: '0',
  REVOCATION_RATE_LIMIT_PER_MINUTE: '0',
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: '1000000',
  LOGIN_FAILURES_PER_ACCOUNT: '1000000',
  LOGIN_FAILURES_PER_IP: '1000000',
  CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: '1000000',
  CLIENT_AUTH_FAILURES_PER_CLIENT: '1000000',
  CLIENT_AUTH_FAILURES_PER_IP: '1000000',
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.PROTOCOL_BASE_URL?.replace(/\/+$/, '')
  if (external) {
    project.provide('baseUrl', external)
    project.provide('databaseFile', null)
    return async () => {}
  }

  const server = await startTestServer({ env: UNTHROTTLED })
  project.provide('baseUrl', server.baseUrl)
  project.provide('databaseFile', server.databaseFile)
  return async () => {
    await server.stop()
    removeDataDir(server.dataDir)
  }
}
