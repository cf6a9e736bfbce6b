// Throttling and the audit trail over HTTP (issue 6 §2, §5), on servers of their own whose
// output is captured: low limits, LOG_LEVEL=info, no refresh-token grace period; throttle
// counters in memory on one, in the database (RATE_LIMIT_STORE=database) on the other.
//
// Throttling: 429 too_many_requests with Retry-After and no-store at the token,
// introspection and revocation endpoints, for a caller over its budget and for an IP that
// failed a client's authentication too often (the client itself keeps working from elsewhere);
// the sign-in lock-out shuts the guessing IP out, not the account's owner. Different client
// IPs are simulated with X-Forwarded-For, which this server trusts (lib/security/client-ip.ts).
//
// Audit: flows covering every security event run, then the server's whole output is searched
// for every password, secret, code, verifier, token and cookie the test used or received:
// none may appear. The expected events must, with their fields.
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NoJsBrowser, redirectLocation } from '../support/no-js-browser'
import { basicAuth, postForm, type Answer } from './support/form-post'
import { authorizeOverHttp, postLoginForm, signInOverHttp } from './support/http-sign-in'
import { removeDataDir, startTestServer, type TestServer } from './support/server'

const BUDGET = 20
const REDIRECT = 'http://127.0.0.1:9/rc/callback'
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only

/** The memory-store server also runs the audit flows; the database-store one only the throttling. */
const servers: Partial<Record<'memory' | 'database', TestServer>> = {}
let server: TestServer
let as: oauth.AuthorizationServer
/** Every secret value this file sends or receives; none may reach any server's output. */
const secrets = new Set<string>()

const THROTTLED: Record<string, string> = {
  LOG_LEVEL: 'info',
  REFRESH_TOKEN_REUSE_GRACE_PERIOD: '0',
  TOKEN_RATE_LIMIT_PER_MINUTE: String(BUDGET),
  INTROSPECTION_RATE_LIMIT_PER_MINUTE: String(BUDGET),
  REVOCATION_RATE_LIMIT_PER_MINUTE: String(BUDGET),
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: '3',
  LOGIN_FAILURES_PER_ACCOUNT: '6',
  LOGIN_FAILURES_PER_IP: '10',
  CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: '3',
  CLIENT_AUTH_FAILURES_PER_CLIENT: '6',
  CLIENT_AUTH_FAILURES_PER_IP: '10',
}

beforeAll(async () => {
  const [memory, database] = await Promise.all([
    startTestServer({ env: { ...THROTTLED, RATE_LIMIT_STORE: 'memory' } }),
    startTestServer({ env: { ...THROTTLED, RATE_LIMIT_STORE: 'database' } }),
  ])
  Object.assign(servers, { memory, database })
  server = memory
  const issuer = new URL(server.baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
})
afterAll(async () => {
  for (const s of Object.values(servers)) {
    await s.stop()
    removeDataDir(s.dataDir)
  }
})

/** Client credentials, remembered as secrets. */
function credentials(id: string, secret: string): string {
  secrets.add(secret)
  return basicAuth(id, secret)
}

/** A form post; every token-like value in the answer is remembered as a secret. */
async function postTo(target: TestServer, path: string, form: Record<string, string>, headers: Record<string, string>): Promise<Answer> {
  for (const name of ['code', 'code_verifier', 'refresh_token', 'token', 'client_secret']) if (form[name]) secrets.add(form[name])
  const answer = await postForm(target.baseUrl, path, form, headers)
  for (const name of ['access_token', 'refresh_token', 'id_token']) if (typeof answer.body[name] === 'string') secrets.add(answer.body[name])
  return answer
}

const post = (path: string, form: Record<string, string>, headers: Record<string, string>) => postTo(server, path, form, headers)

function expectThrottled(answer: Answer): void {
  expect(answer.status).toBe(429)
  expect(answer.body.error).toBe('too_many_requests')
  const retryAfter = Number(answer.headers.get('retry-after'))
  expect(retryAfter).toBeGreaterThan(0)
  expect(retryAfter).toBeLessThanOrEqual(900)
  expect(answer.headers.get('cache-control')).toBe('no-store')
}

describe.each(['memory', 'database'] as const)('throttling, counters in %s', (store) => {
  const target = () => servers[store]!
  const post = (path: string, form: Record<string, string>, headers: Record<string, string>) => postTo(target(), path, form, headers)

  it(`token endpoint: ${BUDGET} requests per client and minute, then 429; other clients unaffected`, async () => {
    const auth = credentials('rc-machine-jwt', 'rc-machine-jwt-secret')
    const answers = await Promise.all(Array.from({ length: BUDGET + 3 }, () => post('/connect/token', { grant_type: 'client_credentials', scope: 'rc.read' }, { authorization: auth })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET)
    const refused = answers.filter((a) => a.status !== 200)
    expect(refused).toHaveLength(3)
    for (const answer of refused) {
      expectThrottled(answer)
      expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    }
    expect((await post('/connect/token', { grant_type: 'client_credentials', scope: 'orders.read' }, { authorization: credentials('cc-es256', 'cc-es256-secret') })).status).toBe(200)
  })

  it('token endpoint: an IP that keeps failing a client authentication is refused, the client is not', async () => {
    const guess = credentials('cc-reference', 'guessed-7Qw-secret')
    const right = credentials('cc-reference', 'cc-reference-secret')
    const form = { grant_type: 'client_credentials', scope: 'orders.read' }
    for (let i = 0; i < 3; i++) expect((await post('/connect/token', form, { authorization: guess, 'x-forwarded-for': '127.0.10.1' })).status).toBe(401)
    expectThrottled(await post('/connect/token', form, { authorization: right, 'x-forwarded-for': '127.0.10.1' }))
    expect((await post('/connect/token', form, { authorization: right, 'x-forwarded-for': '127.0.10.2' })).status).toBe(200)
  })

  it('introspection and revocation: failed caller authentication, then each caller its budget', async () => {
    const guess = credentials('rc-api', 'guessed-8Zx-secret')
    const api = credentials('rc-api', 'rc-api-secret')
    for (let i = 0; i < 3; i++) expect((await post('/connect/introspect', { token: 'x' }, { authorization: guess, 'x-forwarded-for': '127.0.10.3' })).status).toBe(401)
    expectThrottled(await post('/connect/introspect', { token: 'x' }, { authorization: api, 'x-forwarded-for': '127.0.10.3' }))

    const lcApi = credentials('lc-api', 'lc-api-secret')
    const introspections = await Promise.all(Array.from({ length: BUDGET + 1 }, () => post('/connect/introspect', { token: 'not-a-token' }, { authorization: lcApi })))
    expect(introspections.filter((a) => a.status === 200)).toHaveLength(BUDGET)
    expectThrottled(introspections.find((a) => a.status !== 200)!)

    const machine = credentials('rc-machine', 'rc-machine-secret')
    const revocations = await Promise.all(Array.from({ length: BUDGET + 1 }, () => post('/connect/revocation', { token: 'not-a-token' }, { authorization: machine })))
    expect(revocations.filter((a) => a.status === 200)).toHaveLength(BUDGET)
    expectThrottled(revocations.find((a) => a.status !== 200)!)
  })

  it("sign-in: the guessing IP is locked out of the account, the account's owner is not", async () => {
    secrets.add('rc-alice-password')
    const attacker = { 'x-forwarded-for': '127.0.10.66' }
    for (let i = 0; i < 3; i++) {
      const password = `guess-${i}-Vq9-password`
      secrets.add(password)
      expect((await postLoginForm(target().baseUrl, 'rc-alice', password, attacker)).status).not.toBe(303)
    }
    // Even the right password is refused from there now: 429 before any password work.
    const refused = await postLoginForm(target().baseUrl, 'rc-alice', 'rc-alice-password', attacker)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.headers.get('cache-control')).toBe('no-store')
    // The owner, from their own address, signs in.
    const owner = await signInOverHttp(target().baseUrl, 'rc-alice', 'rc-alice-password')
    secrets.add(owner.cookie.slice(owner.cookie.indexOf('=') + 1))
  })
})

describe('audit trail', () => {
  it('runs every audited flow', async () => {
    // Sign-in, consent remembered, code exchange (token.issued), with a browser.
    const browser = new NoJsBrowser(server.baseUrl)
    const verifier = oauth.generateRandomCodeVerifier()
    secrets.add(verifier)
    const authorize = new URL(as.authorization_endpoint!)
    authorize.search = new URLSearchParams({
      client_id: 'rc-consent',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid rc.read offline_access',
      state: 'audit',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const wrong = await browser.follow(await browser.fetch(authorize))
    secrets.add('wrong-Kp3-password')
    expect((await browser.submit(wrong.url, await wrong.text(), 'username', { username: 'rc-alice', password: 'wrong-Kp3-password' })).status).not.toBe(303)
    const login = await browser.follow(await browser.fetch(authorize))
    const consent = await browser.follow(await browser.submit(login.url, await login.text(), 'username', { username: 'rc-alice', password: 'rc-alice-password' }))
    expect(new URL(consent.url).pathname).toBe('/consent')
    const atClient = redirectLocation(await browser.follow(await browser.submit(consent.url, await consent.text(), 'request', { remember: 'on' }, { name: 'decision', value: 'allow' })), server.baseUrl)!
    const sessionCookie = browser.cookie('ts_session')!
    secrets.add(sessionCookie)
    const consentClient = credentials('rc-consent', 'rc-consent-secret')
    const exchanged = await post('/connect/token', { grant_type: 'authorization_code', code: atClient.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }, { authorization: consentClient })
    expect(exchanged.status).toBe(200)

    // Refresh (token.refreshed), then the spent token again: reuse, family revoked.
    const first = exchanged.body.refresh_token as string
    expect((await post('/connect/token', { grant_type: 'refresh_token', refresh_token: first }, { authorization: consentClient })).status).toBe(200)
    expect((await post('/connect/token', { grant_type: 'refresh_token', refresh_token: first }, { authorization: consentClient })).body.error).toBe('invalid_grant')

    // A code of rc-code, exchanged, then replayed (code.replayed); a family revoked at the endpoint.
    const session = { cookie: `ts_session=${sessionCookie}` }
    const codeClient = credentials('rc-code', 'rc-code-secret')
    const exchange = async () => {
      const { callback, verifier: v } = await authorizeOverHttp(as, session, { clientId: 'rc-code', redirectUri: REDIRECT }, 'openid rc.read offline_access')
      const form = { grant_type: 'authorization_code', code: callback.get('code')!, redirect_uri: REDIRECT, code_verifier: v }
      return { form, answer: await post('/connect/token', form, { authorization: codeClient }) }
    }
    const replayed = await exchange()
    expect((await post('/connect/token', replayed.form, { authorization: codeClient })).body.error).toBe('invalid_grant')
    const revoked = await exchange()
    expect((await post('/connect/revocation', { token: revoked.answer.body.refresh_token as string }, { authorization: codeClient })).status).toBe(200)

    // Client credentials with a wrong secret (client_auth.failed), and a token request refused (token.failed).
    expect((await post('/connect/token', { grant_type: 'client_credentials', scope: 'rc.read' }, { authorization: credentials('rc-machine', 'wrong-Zt5-secret') })).status).toBe(401)
    expect((await post('/connect/token', { grant_type: 'client_credentials', scope: 'no.such.scope' }, { authorization: credentials('rc-machine', 'rc-machine-secret') })).body.error).toBe('invalid_scope')

    // The account page: revoke rc-code, which has a live family (grant.revoked), and
    // rc-consent, whose consent is remembered (consent.revoked).
    expect((await exchange()).answer.status).toBe(200)
    for (const clientId of ['rc-code', 'rc-consent']) {
      const account = await browser.fetch('/account')
      expect(account.status).toBe(200)
      expect((await browser.submit(`${server.baseUrl}/account`, await account.text(), 'clientId', { clientId })).status).toBe(303)
    }

    // End session with an id_token_hint (session.ended).
    const idToken = revoked.answer.body.id_token as string
    const ended = await browser.fetch(`/connect/endsession?${new URLSearchParams({ id_token_hint: idToken })}`)
    expect(ended.status).toBe(303)
    expect(new URL(ended.headers.get('location')!).pathname).toBe('/logged-out')
  })

  it('logged every security event with who, where and the outcome', async () => {
    const expected = [
      'key.created',
      'sign_in.succeeded',
      'sign_in.failed',
      'consent.granted',
      'token.issued',
      'token.refreshed',
      'token.failed',
      'refresh_token.reused',
      'code.replayed',
      'grant.revoked',
      'consent.revoked',
      'session.ended',
      'client_auth.failed',
      'request.throttled',
    ]
    const auditLines = (output: string) =>
      output
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>]
          } catch {
            return []
          }
        })
        .filter((line) => line.audit === true)
    const lines = auditLines(await server.outputWhen((output) => expected.every((event) => output.includes(`"event":"${event}"`))))
    const events = new Set(lines.map((l) => l.event))
    for (const event of expected) expect(events, `audit event ${event}`).toContain(event)
    for (const line of lines) expect(['success', 'failure']).toContain(line.outcome)

    const find = (event: string, match: Record<string, unknown> = {}) => lines.find((l) => l.event === event && Object.entries(match).every(([k, v]) => l[k] === v))
    expect(find('token.issued', { grant_type: 'authorization_code', client_id: 'rc-consent' })).toMatchObject({ sub: 'rc-alice-sub', ip: '127.0.0.1', endpoint: 'token' })
    expect(find('token.issued', { grant_type: 'client_credentials', client_id: 'rc-machine-jwt' })).toMatchObject({ ip: '127.0.0.1', scope: 'rc.read' })
    expect(find('token.refreshed', { client_id: 'rc-consent' })).toMatchObject({ sub: 'rc-alice-sub', grant_type: 'refresh_token' })
    expect(find('refresh_token.reused', { client_id: 'rc-consent' })).toMatchObject({ sub: 'rc-alice-sub', outcome: 'failure' })
    expect(find('code.replayed', { client_id: 'rc-code' })).toMatchObject({ outcome: 'failure' })
    expect(find('grant.revoked', { client_id: 'rc-code', endpoint: 'revocation' })).toMatchObject({ sub: 'rc-alice-sub', reason: 'family_revoked' })
    expect(find('grant.revoked', { client_id: 'rc-code', endpoint: 'account' })).toMatchObject({ sub: 'rc-alice-sub', count: 1 })
    expect(find('consent.revoked', { client_id: 'rc-consent' })).toMatchObject({ sub: 'rc-alice-sub' })
    expect(find('consent.granted', { client_id: 'rc-consent' })).toMatchObject({ sub: 'rc-alice-sub', reason: 'remembered' })
    expect(find('session.ended', { endpoint: 'end_session' })).toMatchObject({ sub: 'rc-alice-sub', client_id: 'rc-code', ip: '127.0.0.1' })
    expect(find('sign_in.succeeded', { sub: 'rc-alice-sub' })).toBeDefined()
    expect(find('sign_in.failed', { ip: '127.0.10.66' })).toMatchObject({ sub: 'rc-alice-sub', reason: 'wrong password' })
    expect(find('client_auth.failed', { client_id: 'cc-reference', ip: '127.0.10.1' })).toBeDefined()
    expect(find('request.throttled', { endpoint: 'login', ip: '127.0.10.66' })).toMatchObject({ reason: 'subject-and-ip' })
    expect(find('request.throttled', { endpoint: 'token', client_id: 'rc-machine-jwt' })).toMatchObject({ reason: 'caller' })
    expect(find('request.throttled', { endpoint: 'introspection', client_id: 'rc-api', ip: '127.0.10.3' })).toBeDefined()
    expect(find('request.throttled', { endpoint: 'revocation', client_id: 'rc-machine' })).toBeDefined()
  })

  it('never logged a password, secret, code, verifier, token or cookie', async () => {
    // Everything written so far (the previous test waited for the last events to arrive).
    const output = (await Promise.all(Object.values(servers).map((s) => s.outputWhen(() => true)))).join('\n')
    expect(output.length).toBeGreaterThan(0)
    // JWTs are searched part by part, so a leaked payload or signature alone is found too.
    const needles = [...secrets].flatMap((value) => (value.split('.').length === 3 ? value.split('.').slice(1) : [value])).filter((v) => v.length >= 8)
    expect(needles.length).toBeGreaterThan(40)
    const leaked = needles.filter((needle) => output.includes(needle))
    expect(leaked).toEqual([])
  })
})
