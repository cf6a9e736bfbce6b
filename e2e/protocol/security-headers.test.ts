// Security headers and cookie flags over every page and endpoint (hardening issue §6):
// - pages: a CSP with frame-ancestors 'none' (next.config.js), X-Frame-Options DENY, nosniff,
//   Referrer-Policy same-origin; no-store on the pages of a signed-in person;
// - protocol responses: `default-src 'none'; frame-ancestors 'none'` (lib/oidc/http.ts), the
//   same framing and sniffing headers, no-referrer; no-store wherever tokens or personal data
//   pass (token, userinfo, introspection, revocation, the authorization redirects);
// - cookies as a real sign-in sets them: HttpOnly, SameSite=Lax, Path=/, Secure exactly when
//   the issuer is https (a second server with an https issuer shows that, and HSTS);
// - HSTS only with an https issuer (the condition itself: lib/oidc/http.test.ts), decided
//   per request (proxy.ts for pages): the https server runs the very build the http one does.
// Both ways of serving the protocol endpoints must agree (run with PROTOCOL_FAST_PATH=false too).
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { basicAuth } from './support/form-post'
import { authorizeOverHttp, postLoginForm, signInOverHttp, type HttpSession } from './support/http-sign-in'
import { freePort, removeDataDir, startTestServer, type TestServer } from './support/server'

const baseUrl = inject('baseUrl')
const external = inject('databaseFile') === null

const PAGE_CSP = ["default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"]
const PROTOCOL_CSP = "default-src 'none'; frame-ancestors 'none'"
// The sh-* fixtures (no other suite uses them; the hostile-input suite counts rows of its own hi-* ones).
const WEB = { clientId: 'sh-web', secret: 'sh-web-secret', redirectUri: 'http://127.0.0.1:9/sh/callback' }
const USER = { username: 'sh-alice', password: 'sh-alice-password' }
const FORM = 'application/x-www-form-urlencoded'

let as: oauth.AuthorizationServer
let session: HttpSession
let tokens: { access_token: string; refresh_token: string; id_token: string }
let consentPath: string

beforeAll(async () => {
  const issuer = new URL(baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }))
  session = await signInOverHttp(baseUrl, USER.username, USER.password)
  const { callback, verifier } = await authorizeOverHttp(as, session, WEB, 'openid profile hi.read offline_access')
  const response = await fetch(as.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basicAuth(WEB.clientId, WEB.secret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.get('code')!, redirect_uri: WEB.redirectUri, code_verifier: verifier }),
  })
  tokens = (await response.json()) as typeof tokens
  const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier())
  const toConsent = await fetch(`${as.authorization_endpoint}?${new URLSearchParams({ client_id: 'sh-consent', redirect_uri: 'http://127.0.0.1:9/sh/consent-callback', response_type: 'code', scope: 'openid hi.read', code_challenge: challenge, code_challenge_method: 'S256' })}`, {
    headers: { cookie: session.cookie },
    redirect: 'manual',
  })
  const location = new URL(toConsent.headers.get('location')!, baseUrl)
  consentPath = `${location.pathname}${location.search}`
})

const get = (path: string, cookie?: string) => fetch(new URL(path, baseUrl), { redirect: 'manual', headers: cookie ? { cookie } : {} })

function expectFramingAndSniffing(response: Response, what: string): void {
  expect(response.headers.get('x-frame-options'), what).toBe('DENY')
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff')
  // The test server's issuer is http: no HSTS (it would be ignored over http, RFC 6797 §8.1).
  expect(response.headers.get('strict-transport-security'), what).toBeNull()
}

function expectPageHeaders(response: Response, what: string): void {
  expectFramingAndSniffing(response, what)
  const csp = response.headers.get('content-security-policy') ?? ''
  for (const directive of PAGE_CSP) expect(csp, what).toContain(directive)
  expect(response.headers.get('referrer-policy'), what).toBe('same-origin')
}

function expectProtocolHeaders(response: Response, what: string): void {
  expectFramingAndSniffing(response, what)
  expect(response.headers.get('content-security-policy'), what).toBe(PROTOCOL_CSP)
  expect(response.headers.get('referrer-policy'), what).toBe('no-referrer')
}

const noStore = (response: Response) => (response.headers.get('cache-control') ?? '').split(',').map((d) => d.trim()).includes('no-store')

describe('pages', () => {
  it.each([
    ['/', undefined],
    ['/login', undefined],
    ['/login?returnTo=%2Faccount', undefined],
    ['/logout', undefined],
    ['/logged-out', undefined],
    ['/error?error=access_denied', undefined],
    ['/account (signed out: a redirect)', undefined],
    ['/demo', undefined],
    ['/no-such-page (404)', undefined],
  ])('%s', async (label) => {
    const path = label.split(' ')[0]!
    const response = await get(path)
    expect(response.status, label).toBeLessThan(500)
    expectPageHeaders(response, label)
  })

  it('a refused page post has no HSTS either (http issuer)', async () => {
    const form = new FormData()
    form.set('username', USER.username)
    const response = await fetch(new URL('/login', baseUrl), { method: 'POST', redirect: 'manual', headers: { origin: 'http://evil.example' }, body: form })
    expect(response.status).toBe(403)
    expect(response.headers.get('strict-transport-security')).toBeNull()
  })

  it('a static asset gets nosniff and DENY too', async () => {
    const html = await (await get('/login')).text()
    const asset = html.match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0]
    expect(asset).toBeTruthy()
    const response = await get(asset!)
    expect(response.status).toBe(200)
    expectFramingAndSniffing(response, asset!)
  })

  it.each([
    ['/account', () => '/account'],
    ['/consent', () => consentPath],
    ['/login', () => '/login'],
    ['/logout', () => '/logout'],
  ])('%s for a signed-in person: the page headers and no-store', async (label, path) => {
    const response = await get(path(), session.cookie)
    expect(response.status, label).toBe(200)
    expectPageHeaders(response, label)
    expect(noStore(response), `${label}: ${response.headers.get('cache-control')}`).toBe(true)
    // What is on it is for this person only.
    expect(response.headers.get('cache-control')).toContain('private')
  })
})

describe('protocol endpoints', () => {
  const post = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(new URL(path, baseUrl), { method: 'POST', redirect: 'manual', headers: { 'content-type': FORM, ...headers }, body: new URLSearchParams(body) })
  const webAuth = () => ({ authorization: basicAuth(WEB.clientId, WEB.secret) })

  it.each([
    ['discovery', () => get('/.well-known/openid-configuration')],
    ['JWKS', () => get('/.well-known/openid-configuration/jwks')],
  ])('%s: the protocol headers; public, cacheable', async (label, send) => {
    const response = await send()
    expect(response.status).toBe(200)
    expectProtocolHeaders(response, label)
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/)
  })

  it.each([
    ['token: client_credentials (200)', () => post('/connect/token', { grant_type: 'client_credentials', scope: 'hi.read' }, { authorization: basicAuth('sh-machine', 'sh-machine-secret') }), 200],
    ['token: an error (400)', () => post('/connect/token', { grant_type: 'refresh_token', refresh_token: 'unknown' }, webAuth()), 400],
    ['token: a client error (401)', () => post('/connect/token', { grant_type: 'client_credentials' }, { authorization: basicAuth('sh-machine', 'wrong') }), 401],
    ['token: GET (405)', () => get('/connect/token'), 405],
    ['userinfo (200)', () => fetch(`${baseUrl}/connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 200],
    ['userinfo without a token (401)', () => get('/connect/userinfo'), 401],
    ['userinfo with a bad token (401)', () => fetch(`${baseUrl}/connect/userinfo`, { headers: { authorization: 'Bearer nope' } }), 401],
    ['introspect (200)', () => post('/connect/introspect', { token: tokens.access_token }, { authorization: basicAuth('hi-api', 'hi-api-secret') }), 200],
    ['introspect without credentials (401)', () => post('/connect/introspect', { token: tokens.access_token }), 401],
    ['revocation (200)', () => post('/connect/revocation', { token: 'unknown' }, webAuth()), 200],
    ['revocation: an error (400)', () => post('/connect/revocation', {}, webAuth()), 400],
  ])('%s: the protocol headers and no-store', async (label, send, status) => {
    const response = await send()
    expect(response.status, label).toBe(status)
    expectProtocolHeaders(response, label)
    expect(response.headers.get('cache-control'), label).toBe('no-store')
  })

  it.each([
    ['authorize → sign-in', () => get(`/connect/authorize?${new URLSearchParams({ client_id: WEB.clientId, redirect_uri: WEB.redirectUri, response_type: 'code', scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`)],
    ['authorize → error page', () => get('/connect/authorize?client_id=nobody')],
    ['authorize → the client, with a code', () => authorizeRedirect()],
    ['authorize callback → error page', () => get('/connect/authorize/callback?request=forged')],
    ['end session → signed out', () => get('/connect/endsession')],
  ])('%s: a 303 with the protocol headers and no-store', async (label, send) => {
    const response = await send()
    expect(response.status, label).toBe(303)
    expectProtocolHeaders(response, label)
    expect(noStore(response), label).toBe(true)
  })

  it('authorize with response_mode=form_post: its own CSP (only its script), never framed, no-store', async () => {
    const response = await get(`/connect/authorize?${new URLSearchParams({ client_id: WEB.clientId, redirect_uri: WEB.redirectUri, response_type: 'token', response_mode: 'form_post', state: 's' })}`)
    expect(response.status).toBe(200)
    expectFramingAndSniffing(response, 'form_post')
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; frame-ancestors 'none'$/)
    expect(response.headers.get('referrer-policy')).toBe('same-origin')
    expect(noStore(response)).toBe(true)
  })
})

/** A signed-in authorization request that ends at the client with a code. */
async function authorizeRedirect(): Promise<Response> {
  const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier())
  return get(`/connect/authorize?${new URLSearchParams({ client_id: WEB.clientId, redirect_uri: WEB.redirectUri, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, session.cookie)
}

describe('cookies (http issuer)', () => {
  const attributes = (cookie: string) => cookie.split(';').slice(1).map((a) => a.trim().toLowerCase())

  it('a real sign-in sets the session cookie HttpOnly, SameSite=Lax, Path=/, with a lifetime, not Secure', async () => {
    const response = await postLoginForm(baseUrl, USER.username, USER.password)
    expect(response.status).toBe(303)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ts_session='))!
    expect(cookie).toBeTruthy()
    const flags = attributes(cookie)
    expect(flags).toContain('httponly')
    expect(flags).toContain('samesite=lax')
    expect(flags).toContain('path=/')
    expect(flags.find((f) => f.startsWith('max-age='))).toMatch(/^max-age=[1-9]\d*$/)
    expect(flags).not.toContain('secure')
  })

  it('signing out clears it with the same flags', async () => {
    const response = await get('/connect/endsession')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ts_session='))!
    const flags = attributes(cookie)
    expect(flags).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'max-age=0']))
    expect(flags).not.toContain('secure')
  })

  it('no page or endpoint sets any other cookie on the way', async () => {
    const responses = await Promise.all([get('/'), get('/login'), get('/.well-known/openid-configuration'), get('/connect/authorize?client_id=nobody'), authorizeRedirect()])
    for (const response of responses) expect(response.headers.getSetCookie().filter((c) => !c.startsWith('ts_session='))).toEqual([])
  })
})

describe.skipIf(external)('an https issuer (a second server; the transport stays http in tests)', () => {
  let server: TestServer
  let httpsSession: HttpSession

  beforeAll(async () => {
    const port = await freePort()
    server = await startTestServer({
      port,
      env: { ISSUER: `https://127.0.0.1:${port}` },
    })
    httpsSession = await signInOverHttp(server.baseUrl, USER.username, USER.password)
  }, 600_000)

  afterAll(async () => {
    if (!server) return
    await server.stop()
    removeDataDir(server.dataDir)
  })

  it('the session cookie gets Secure (besides HttpOnly and SameSite=Lax)', async () => {
    const response = await postLoginForm(server.baseUrl, USER.username, USER.password)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('ts_session='))!
    expect(cookie).toMatch(/; Secure(;|$)/i)
    expect(cookie).toMatch(/; HttpOnly(;|$)/i)
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/i)
  })

  it('clearing it keeps Secure', async () => {
    const response = await fetch(`${server.baseUrl}/connect/endsession`, { redirect: 'manual' })
    expect(response.headers.getSetCookie().find((c) => c.startsWith('ts_session='))).toMatch(/; Secure(;|$)/i)
  })

  it('pages, static files and refused page posts carry HSTS, though the build is the http server\'s', async () => {
    const login = await fetch(`${server.baseUrl}/login`)
    const asset = (await login.text()).match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0]
    expect(asset).toBeTruthy()
    const responses: [string, Response][] = [['/login', login]]
    for (const path of ['/', '/account', '/logged-out', '/no-such-page', asset!]) {
      responses.push([path, await fetch(`${server.baseUrl}${path}`, { redirect: 'manual' })])
    }
    // Answered by proxy.ts itself (a cross-site server-action post: 403).
    const form = new FormData()
    form.set('username', USER.username)
    responses.push(['cross-site POST /login', await fetch(`${server.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { origin: 'http://evil.example' }, body: form })])
    for (const [what, response] of responses) {
      expect(response.status, what).toBeLessThan(500)
      expect(response.headers.get('strict-transport-security'), what).toBe('max-age=31536000; includeSubDomains')
    }
    expect(responses.at(-1)![1].status).toBe(403)
  })

  it('protocol responses carry HSTS', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/openid-configuration/jwks', '/connect/userinfo', '/connect/endsession', '/connect/authorize?client_id=nobody']) {
      const response = await fetch(`${server.baseUrl}${path}`, { redirect: 'manual', headers: { cookie: httpsSession.cookie } })
      expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains')
    }
    const token = await fetch(`${server.baseUrl}/connect/token`, { method: 'POST', headers: { 'content-type': FORM, authorization: basicAuth('sh-machine', 'sh-machine-secret') }, body: 'grant_type=client_credentials' })
    expect(token.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
  })
})
