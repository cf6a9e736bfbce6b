// The authorization code flow end to end over HTTP, driven like a browser with JavaScript off
// (e2e/support/no-js-browser.ts: the real login and consent forms, posted as forms), and judged
// by an independent client library (oauth4webapi) plus jose for the signatures:
// authorize → login → callback → code (RFC 9207 iss) → token → identity token (OIDC Core
// §3.1.3.7, at_hash) → replay refused. Clients and the user: az-* in fixtures/config.json.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { NoJsBrowser, redirectLocation } from '../support/no-js-browser'

const baseUrl = inject('baseUrl')
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only
const WEB = { client: { client_id: 'az-web' } as oauth.Client, auth: oauth.ClientSecretBasic('az-web-secret'), redirectUri: 'http://127.0.0.1:9/az/callback' }
const CONSENT = { client: { client_id: 'az-consent' } as oauth.Client, auth: oauth.ClientSecretPost('az-consent-secret'), redirectUri: 'http://127.0.0.1:9/az/consent-callback' }
const PUBLIC = { client: { client_id: 'az-public', id_token_signed_response_alg: 'ES256' } as oauth.Client, auth: oauth.None(), redirectUri: 'http://127.0.0.1:9/az/spa' }
type App = typeof WEB

let as: oauth.AuthorizationServer
let jwks: ReturnType<typeof createRemoteJWKSet>

beforeAll(async () => {
  const issuer = new URL(baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
  jwks = createRemoteJWKSet(new URL(as.jwks_uri!))
})

interface Started {
  url: URL
  state: string
  nonce: string
  verifier: string
}

async function authorizationUrl(app: App, extra: Record<string, string> = {}): Promise<Started> {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: app.client.client_id,
    redirect_uri: app.redirectUri,
    response_type: 'code',
    scope: 'openid profile',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString()
  return { url, state, nonce, verifier }
}

/** Follows the portal's redirects until the browser would leave for the client (or stops on a page). */
async function navigate(browser: NoJsBrowser, url: URL | string): Promise<Response> {
  return browser.follow(await browser.fetch(url))
}

function clientRedirect(response: Response, app: App): URL {
  const location = redirectLocation(response, baseUrl)
  expect(location, `expected a redirect to ${app.redirectUri}, got ${response.status}`).toBeDefined()
  expect(`${location!.origin}${location!.pathname}`).toBe(app.redirectUri)
  return location!
}

/** On the login page (reached through redirects): signs in with the real form. */
async function signIn(browser: NoJsBrowser, page: Response, username = 'az-alice', password = 'az-alice-password'): Promise<Response> {
  expect(page.status).toBe(200)
  expect(new URL(page.url).pathname).toBe('/login')
  const response = await browser.submit(page.url, await page.text(), 'username', { username, password })
  expect(response.status, 'the login form answers a no-JS POST with a redirect').toBe(303)
  expect(browser.cookie('ts_session')).toBeTruthy()
  return browser.follow(response)
}

async function exchange(app: App, callback: URL, started: Started) {
  const params = oauth.validateAuthResponse(as, app.client, callback, started.state)
  const response = await oauth.authorizationCodeGrantRequest(as, app.client, app.auth, params, app.redirectUri, started.verifier, insecure)
  expect(response.headers.get('cache-control')).toContain('no-store')
  return oauth.processAuthorizationCodeResponse(as, app.client, response, { expectedNonce: started.nonce, requireIdToken: true })
}

/** A signed-in browser (one full sign-in through the login page) and the tokens of that first flow. */
async function signedIn(app: App = WEB) {
  const browser = new NoJsBrowser(baseUrl)
  const started = await authorizationUrl(app, { scope: 'openid profile email orders.read', login_hint: 'az-alice' })
  const loginPage = await navigate(browser, started.url)
  const callback = clientRedirect(await signIn(browser, loginPage), app)
  return { browser, started, callback }
}

describe('authorization code flow (confidential client)', () => {
  it('signs in, returns a code with state and iss, and exchanges it for verified tokens', async () => {
    const before = Math.floor(Date.now() / 1000) - 1
    const { started, callback } = await signedIn()
    expect(callback.searchParams.get('iss')).toBe(as.issuer)
    const tokens = await exchange(WEB, callback, started)

    expect(tokens.token_type).toBe('bearer')
    expect(tokens.scope).toBe('openid profile email orders.read')
    const idToken = await jwtVerify(tokens.id_token!, jwks, { issuer: as.issuer, audience: 'az-web' })
    expect(idToken.protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(idToken.payload).toMatchObject({ sub: 'az-alice-sub', nonce: started.nonce, amr: ['pwd'] })
    expect(idToken.payload.auth_time).toBeGreaterThanOrEqual(before)
    expect(idToken.payload.sid).toEqual(expect.any(String))
    expect(idToken.payload).not.toHaveProperty('email') // through userinfo, not the identity token
    // oauth4webapi validated iss, aud, exp, nonce; at_hash is ours to check.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tokens.access_token)))
    expect(idToken.payload.at_hash).toBe(Buffer.from(digest.slice(0, 16)).toString('base64url'))

    const access = await jwtVerify(tokens.access_token, jwks, { issuer: as.issuer, audience: 'orders-api', typ: 'at+jwt' })
    expect(access.payload).toMatchObject({ sub: 'az-alice-sub', client_id: 'az-web', sid: idToken.payload.sid, auth_time: idToken.payload.auth_time })
  })

  it('refuses a replayed code (invalid_grant)', async () => {
    const { started, callback } = await signedIn()
    await exchange(WEB, callback, started)
    await expect(exchange(WEB, callback, started)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses the code with another PKCE verifier, and then at all', async () => {
    const { started, callback } = await signedIn()
    await expect(exchange(WEB, callback, { ...started, verifier: oauth.generateRandomCodeVerifier() })).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(exchange(WEB, callback, started)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('with a session: no login page; prompt=none answers at once with the same sid', async () => {
    const { browser, started: first, callback: firstCallback } = await signedIn()
    const firstSid = (await jwtVerify((await exchange(WEB, firstCallback, first)).id_token!, jwks)).payload.sid

    const again = await authorizationUrl(WEB, { prompt: 'none' })
    const callback = clientRedirect(await navigate(browser, again.url), WEB)
    const tokens = await exchange(WEB, callback, again)
    expect((await jwtVerify(tokens.id_token!, jwks)).payload.sid).toBe(firstSid)
  })

  it('max_age=0 and prompt=login ask for a new sign-in, which yields a newer auth_time', async () => {
    const { browser, started: first, callback: firstCallback } = await signedIn()
    const firstAuthTime = (await jwtVerify((await exchange(WEB, firstCallback, first)).id_token!, jwks)).payload.auth_time as number
    // auth_time has one-second resolution: make the second sign-in land in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1100))

    for (const extra of [{ max_age: '0' }, { prompt: 'login' }] as Record<string, string>[]) {
      const started = await authorizationUrl(WEB, extra)
      const page = await navigate(browser, started.url)
      expect(new URL(page.url).pathname, JSON.stringify(extra)).toBe('/login')
      const callback = clientRedirect(await signIn(browser, page), WEB)
      const claims = (await jwtVerify((await exchange(WEB, callback, started)).id_token!, jwks)).payload
      expect(claims.auth_time as number).toBeGreaterThan(firstAuthTime)
    }
  })

  it('form_post delivers the code in an auto-submitting page', async () => {
    const { browser } = await signedIn()
    const started = await authorizationUrl(WEB, { response_mode: 'form_post' })
    const page = await navigate(browser, started.url)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
    expect(csp).not.toContain('unsafe-inline')
    const html = await page.text()
    expect(html).toContain(`action="${WEB.redirectUri}"`)
    const value = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]
    const callback = new URL(WEB.redirectUri)
    for (const name of ['code', 'state', 'iss']) callback.searchParams.set(name, value(name)!)
    expect(callback.searchParams.get('iss')).toBe(as.issuer)
    expect((await exchange(WEB, callback, started)).access_token).toBeTruthy()
  })
})

describe('consent', () => {
  async function consentPage(browser: NoJsBrowser, started: Started) {
    const page = await navigate(browser, started.url)
    expect(new URL(page.url).pathname).toBe('/consent')
    return page
  }

  it('allow → a code for the consented scopes; deny → access_denied at the client', async () => {
    const { browser } = await signedIn()
    const allowed = await authorizationUrl(CONSENT, { scope: 'openid orders.read' })
    const page = await consentPage(browser, allowed)
    const afterAllow = await browser.follow(await browser.submit(page.url, await page.text(), 'request', {}, { name: 'decision', value: 'allow' }))
    const tokens = await exchange(CONSENT, clientRedirect(afterAllow, CONSENT), allowed)
    expect(tokens.scope).toBe('openid orders.read')

    const denied = await authorizationUrl(CONSENT)
    const denyPage = await consentPage(browser, denied)
    const afterDeny = clientRedirect(await browser.follow(await browser.submit(denyPage.url, await denyPage.text(), 'request', {}, { name: 'decision', value: 'deny' })), CONSENT)
    expect(afterDeny.searchParams.get('error')).toBe('access_denied')
    expect(afterDeny.searchParams.get('state')).toBe(denied.state)
    expect(afterDeny.searchParams.get('iss')).toBe(as.issuer)
  })

  it('prompt=none without consent → consent_required', async () => {
    const { browser } = await signedIn()
    const started = await authorizationUrl(CONSENT, { prompt: 'none', scope: 'openid profile orders.read' })
    const callback = clientRedirect(await navigate(browser, started.url), CONSENT)
    expect(callback.searchParams.get('error')).toBe('consent_required')
  })
})

describe('public client', () => {
  it('exchanges with client_id and PKCE only; ES256 identity token', async () => {
    const browser = new NoJsBrowser(baseUrl)
    const started = await authorizationUrl(PUBLIC, { scope: 'openid orders.read' })
    const callback = clientRedirect(await signIn(browser, await navigate(browser, started.url)), PUBLIC)
    const tokens = await exchange(PUBLIC, callback, started)
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256')
    await jwtVerify(tokens.id_token!, jwks, { issuer: as.issuer, audience: 'az-public' })
  })
})
