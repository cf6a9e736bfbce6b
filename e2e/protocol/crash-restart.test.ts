// Crash and restart (issue 6 §4): a server of its own, under load (client credentials,
// refreshes and revocations from several loops at once), is killed with SIGKILL mid-load and
// started again on the same database, CYCLES times. After each crash:
// - the database opens cleanly (PRAGMA integrity_check = ok) and no migration is pending or
//   half-applied (applying them again applies nothing; the restarted server migrates nothing);
// - every token whose revocation was answered 200 before the kill is still inactive;
// - a code redeemed before the kill cannot be redeemed again (invalid_grant), and that replay
//   still revokes its family;
// - the signing keys are the same (JWKS kids), and JWTs issued before the kill verify against
//   the JWKS served after it;
// - nothing answered before the kill is lost: a refresh token issued then still refreshes;
// - throttle counters kept in the database (RATE_LIMIT_STORE=database) survive: an IP locked
//   out of a client before the first crash is still locked out after each restart.
// SQLite runs in WAL mode with synchronous=NORMAL (lib/db/client.ts): a commit survives a
// process crash (only an OS crash or power loss may lose the last ones).
import Database from 'better-sqlite3'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPendingMigrations } from '../../lib/db/migrate'
import { basicAuth, postForm, type Answer } from './support/form-post'
import { authorizeOverHttp, signInOverHttp, type HttpSession } from './support/http-sign-in'
import { removeDataDir, startTestServer, type TestServer } from './support/server'

const CYCLES = 3
/** How long the load runs before the kill: long enough for hundreds of requests, bounded. */
const LOAD_MS = 1500
const WORKERS = 6
const REDIRECT = 'http://127.0.0.1:9/rc/callback'
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only
const RC_CODE = basicAuth('rc-code', 'rc-code-secret')
const RC_API = basicAuth('rc-api', 'rc-api-secret')
const RC_MACHINE = basicAuth('rc-machine', 'rc-machine-secret')
const JWT_CLIENTS = [basicAuth('rc-machine-jwt', 'rc-machine-jwt-secret'), basicAuth('cc-es256', 'cc-es256-secret')]
const JWT_SCOPES = ['rc.read', 'orders.read']

let server: TestServer
let as: oauth.AuthorizationServer
let session: HttpSession

beforeAll(async () => {
  server = await startTestServer({
    env: {
      TOKEN_RATE_LIMIT_PER_MINUTE: '0',
      INTROSPECTION_RATE_LIMIT_PER_MINUTE: '0',
      REVOCATION_RATE_LIMIT_PER_MINUTE: '0',
      // Throttle counters in the database: a lock-out must survive the crashes too.
      RATE_LIMIT_STORE: 'database',
      CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: '3',
      LOG_LEVEL: 'info',
    },
  })
  await connect()
  session = await signInOverHttp(server.baseUrl, 'rc-alice', 'rc-alice-password')
  // An IP locked out of cc-reference for the window, before the first crash.
  for (let i = 0; i < 3; i++) expect((await ccReference('guessed-secret', LOCKED_OUT)).status).toBe(401)
})
afterAll(async () => {
  if (!server) return
  await server.stop()
  removeDataDir(server.dataDir)
})

async function connect(): Promise<void> {
  const issuer = new URL(server.baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
}

const post = (path: string, authorization: string, form: Record<string, string>): Promise<Answer> => postForm(server.baseUrl, path, form, { authorization })
const LOCKED_OUT = '127.0.20.1'
const ccReference = (secret: string, ip: string) =>
  postForm(server.baseUrl, '/connect/token', { grant_type: 'client_credentials', scope: 'orders.read' }, { authorization: basicAuth('cc-reference', secret), 'x-forwarded-for': ip })

async function code(): Promise<{ code: string; verifier: string }> {
  const { callback, verifier } = await authorizeOverHttp(as, session, { clientId: 'rc-code', redirectUri: REDIRECT }, 'openid rc.read offline_access')
  return { code: callback.get('code')!, verifier }
}
const redeem = (c: { code: string; verifier: string }) => post('/connect/token', RC_CODE, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier })

async function active(token: string, kind: 'refresh_token' | 'access_token'): Promise<boolean> {
  const answer = await post('/connect/introspect', kind === 'refresh_token' ? RC_CODE : RC_API, { token, token_type_hint: kind })
  expect(answer.status).toBe(200)
  return answer.body.active === true
}

async function jwks(): Promise<JSONWebKeySet> {
  const response = await fetch(as.jwks_uri!)
  expect(response.status).toBe(200)
  return (await response.json()) as JSONWebKeySet
}

interface Revoked {
  token: string
  kind: 'refresh_token' | 'access_token'
}

/** What the load loops learnt before the kill: only answers that arrived count. */
interface LoadRecord {
  revoked: Revoked[]
  completed: number
  /** Requests cut off by the kill (connection reset or refused). */
  cutOff: number
}

/**
 * WORKERS loops, each until the server dies under it. Each round: a reference token by client credentials,
 * revoked at once; a refresh of the loop's family; every fourth round, that family revoked
 * and a new one started from a code obtained beforehand.
 */
async function load(families: string[], spareCodes: { code: string; verifier: string }[], record: LoadRecord): Promise<void> {
  const loop = async (index: number) => {
    let refreshToken = families[index]!
    for (let round = 0; ; round++) {
      try {
        const issued = await post('/connect/token', RC_MACHINE, { grant_type: 'client_credentials', scope: 'rc.read' })
        record.completed++
        expect(issued.status).toBe(200)
        const access = issued.body.access_token as string
        const revoked = await post('/connect/revocation', RC_MACHINE, { token: access, token_type_hint: 'access_token' })
        record.completed++
        expect(revoked.status).toBe(200)
        record.revoked.push({ token: access, kind: 'access_token' })

        const refreshed = await post('/connect/token', RC_CODE, { grant_type: 'refresh_token', refresh_token: refreshToken })
        record.completed++
        expect(refreshed.status).toBe(200)
        refreshToken = refreshed.body.refresh_token as string

        const spare = round % 4 === 3 ? spareCodes.pop() : undefined
        if (spare) {
          const gone = await post('/connect/revocation', RC_CODE, { token: refreshToken, token_type_hint: 'refresh_token' })
          record.completed++
          expect(gone.status).toBe(200)
          record.revoked.push({ token: refreshToken, kind: 'refresh_token' })
          const fresh = await redeem(spare)
          record.completed++
          expect(fresh.status).toBe(200)
          refreshToken = fresh.body.refresh_token as string
        }
      } catch (error) {
        if (error instanceof TypeError) {
          // fetch failed: the server is gone. The token in hand may or may not have been
          // used by a request that never got its answer, so it proves nothing either way.
          record.cutOff++
          return
        }
        throw error
      }
    }
  }
  await Promise.all(families.map((_, index) => loop(index)))
}

describe(`SIGKILL under load, restart on the same database (${CYCLES} times)`, () => {
  it('loses nothing, resurrects nothing, keeps its keys', { timeout: 240_000 }, async () => {
    let survived = 0
    const totals = { requests: 0, revokedChecked: 0, cutOff: 0 }
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Before: keys, JWTs, a redeemed code, families for the load and spare codes.
      const kidsBefore = (await jwks()).keys.map((k) => k.kid).sort()
      const jwtsBefore: string[] = []
      for (const [i, auth] of JWT_CLIENTS.entries()) {
        const answer = await post('/connect/token', auth, { grant_type: 'client_credentials', scope: JWT_SCOPES[i]! })
        expect(answer.status).toBe(200)
        jwtsBefore.push(answer.body.access_token as string)
      }
      const redeemedCode = await code()
      const redeemed = await redeem(redeemedCode)
      expect(redeemed.status).toBe(200)
      const families: string[] = []
      const family = async () => (await redeem(await code())).body.refresh_token as string
      for (let i = 0; i < WORKERS; i++) families.push(await family())
      const spareCodes = await Promise.all(Array.from({ length: WORKERS * 2 }, () => code()))
      // Untouched families, to prove that what was answered before the kill is not lost.
      const untouched = [await family(), await family()]

      // Load, then the kill while the loops are still sending.
      const record: LoadRecord = { revoked: [], completed: 0, cutOff: 0 }
      const running = load(families, spareCodes, record)
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS))
      await server.kill()
      await running
      expect(record.completed).toBeGreaterThan(0)
      expect(record.cutOff).toBeGreaterThan(0)
      expect(record.revoked.length).toBeGreaterThan(0)

      // The database as the crash left it.
      const sqlite = new Database(server.databaseFile)
      try {
        expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
        const unfinished = sqlite.prepare('SELECT COUNT(*) AS n FROM _prisma_migrations WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL').get() as { n: number }
        expect(unfinished.n).toBe(0)
      } finally {
        sqlite.close()
      }
      expect(await applyPendingMigrations(`file:${server.databaseFile}`)).toEqual([])

      // Restart on the same folder, port and issuer.
      const before = server
      server = await startTestServer({ dataDir: before.dataDir, port: before.port, fixture: null, env: { ...(before.env as Record<string, string>) } })
      await connect()
      const started = await server.outputWhen((output) => output.includes('token service ready'))
      expect(started).toContain('token service ready')
      expect(started).not.toContain('database migrated')

      // Revoked stays revoked.
      for (const { token, kind } of record.revoked) expect(await active(token, kind), `${kind} revoked before the kill`).toBe(false)
      // A redeemed code stays spent; its replay still revokes the family.
      const replay = await redeem(redeemedCode)
      expect(replay.body.error).toBe('invalid_grant')
      expect(await active(redeemed.body.refresh_token as string, 'refresh_token')).toBe(false)
      // Same keys; old JWTs verify against the new JWKS.
      const after = await jwks()
      expect(after.keys.map((k) => k.kid).sort()).toEqual(kidsBefore)
      for (const jwt of jwtsBefore) await jwtVerify(jwt, createLocalJWKSet(after), { issuer: as.issuer })
      // The lock-out kept in the database holds across the crash; only for that IP.
      expect((await ccReference('cc-reference-secret', LOCKED_OUT)).status).toBe(429)
      expect((await ccReference('cc-reference-secret', '127.0.20.2')).status).toBe(200)
      // Nothing answered is lost: the untouched families still refresh.
      for (const refreshToken of untouched) {
        const refreshed = await post('/connect/token', RC_CODE, { grant_type: 'refresh_token', refresh_token: refreshToken })
        expect(refreshed.status, 'a refresh token answered before the kill').toBe(200)
      }
      survived++
      totals.requests += record.completed
      totals.revokedChecked += record.revoked.length
      totals.cutOff += record.cutOff
    }
    expect(survived).toBe(CYCLES)
    console.log(
      `crash-restart: ${survived} SIGKILL restarts survived under load (${totals.requests} requests answered before the kills, ` +
        `${totals.cutOff} cut off by them; ${totals.revokedChecked} revoked tokens still inactive after restart), nothing lost`,
    )
  })
})
