// The authorization endpoint over HTTP (raw fetch, redirects never followed): which errors
// stay on the portal's error page and which go back to the client (RFC 6749 §4.1.2.1,
// RFC 9207), and where a valid request goes without a session. Clients: the az-* entries of
// fixtures/config.json. The full sign-in is in code-flow.test.ts.
import * as oauth from 'oauth4webapi'
import { beforeAll, describe, expect, inject, it } from 'vitest'

const baseUrl = inject('baseUrl')
const authorizeUrl = `${baseUrl}/connect/authorize`
const REDIRECT = 'http://127.0.0.1:9/az/callback'

let as: oauth.AuthorizationServer
let challenge: string

beforeAll(async () => {
  const issuer = new URL(baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }))
  challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier())
})

function request(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const values: Record<string, string | undefined> = {
    client_id: 'az-web',
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid profile',
    state: 'st-az',
    nonce: 'n-az',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
  return new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined))
}

const get = (query: URLSearchParams | string) => fetch(`${authorizeUrl}?${query}`, { redirect: 'manual' })
const post = (body: URLSearchParams) => fetch(authorizeUrl, { method: 'POST', body, redirect: 'manual' })

function locationOf(response: Response): URL {
  expect(response.status).toBe(303)
  return new URL(response.headers.get('location')!, baseUrl)
}

/** On the portal's error page: and so, nowhere near the client. */
function expectErrorPage(response: Response, code: string): void {
  const location = locationOf(response)
  expect(location.origin).toBe(baseUrl)
  expect(location.pathname).toBe('/error')
  expect([...location.searchParams.keys()]).toEqual(['error'])
  expect(location.searchParams.get('error')).toBe(code)
}

function expectAtClient(response: Response, redirectUri = REDIRECT): URLSearchParams {
  const location = locationOf(response)
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri)
  expect(location.searchParams.get('iss')).toBe(as.issuer)
  return location.searchParams
}

describe('discovery', () => {
  it('advertises the code flow, its response modes, S256 and RFC 9207', () => {
    expect(as.authorization_endpoint).toBe(authorizeUrl)
    expect(as.response_types_supported).toEqual(['code'])
    expect(as.response_modes_supported).toEqual(['query', 'form_post'])
    expect(as.grant_types_supported).toContain('authorization_code')
    expect(as.code_challenge_methods_supported).toEqual(['S256'])
    expect(as.authorization_response_iss_parameter_supported).toBe(true)
    expect(as.token_endpoint_auth_methods_supported).toContain('none')
    expect(as.request_uri_parameter_supported).toBe(false)
    expect(as.prompt_values_supported).toEqual(expect.arrayContaining(['none', 'login', 'consent']))
  })
})

describe('client or redirect_uri not verified: the error page, never the client', () => {
  it.each([
    ['an unknown client', { client_id: 'az-nobody' }, 'invalid_client'],
    ['a disabled client', { client_id: 'az-disabled' }, 'invalid_client'],
    ['a client without the code flow', { client_id: 'az-machine' }, 'unauthorized_client'],
    ['no client_id', { client_id: undefined }, 'invalid_request'],
    ['no redirect_uri', { redirect_uri: undefined }, 'invalid_request'],
  ])('%s → %s', async (_name, overrides, code) => {
    expectErrorPage(await get(request(overrides)), code)
  })

  it.each([
    ['another host', 'http://127.0.0.2:9/az/callback'],
    ['localhost for 127.0.0.1', 'http://localhost:9/az/callback'],
    ['another port', 'http://127.0.0.1:10/az/callback'],
    ['no port', 'http://127.0.0.1/az/callback'],
    ['another path', 'http://127.0.0.1:9/az/other'],
    ['a longer path', 'http://127.0.0.1:9/az/callback/more'],
    ['other case', 'http://127.0.0.1:9/AZ/callback'],
    ['a trailing slash', 'http://127.0.0.1:9/az/callback/'],
    ['another scheme', 'https://127.0.0.1:9/az/callback'],
    ['an added query', 'http://127.0.0.1:9/az/callback?tenant=b'],
    ['@ userinfo pointing elsewhere', 'http://127.0.0.1:9@127.0.0.2/az/callback'],
    ['userinfo on the right host', 'http://user@127.0.0.1:9/az/callback'],
    ['a fragment', 'http://127.0.0.1:9/az/callback#x'],
    ['javascript:', 'javascript:alert(document.domain)'],
    ['a relative URI', '/az/callback'],
  ])('an unregistered redirect_uri (%s) → error page', async (_name, redirectUri) => {
    const response = await get(request({ redirect_uri: redirectUri }))
    expectErrorPage(response, 'invalid_request')
    expect(response.headers.get('location')).not.toContain('az/')
  })

  it('also when the rest of the request is wrong too (the client never hears of it)', async () => {
    expectErrorPage(await get(request({ redirect_uri: 'http://127.0.0.2:9/az/callback', response_type: 'token', prompt: 'none' })), 'invalid_request')
  })

  it('duplicated parameters → error page', async () => {
    expectErrorPage(await get(`${request()}&redirect_uri=${encodeURIComponent(REDIRECT)}`), 'invalid_request')
    expectErrorPage(await get(`${request()}&client_id=az-web`), 'invalid_request')
  })

  it('the error page is a friendly page that shows no request details', async () => {
    const response = await fetch(`${baseUrl}/error?error=invalid_request&redirect_uri=javascript:alert(1)`)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('The sign-in link did not work')
    expect(html).not.toContain('javascript:alert')
  })

  it('pages keep the portal CSP (the authorize exemption is narrow)', async () => {
    for (const path of ['/', '/error?error=invalid_client', '/login']) {
      const csp = (await fetch(`${baseUrl}${path}`, { redirect: 'manual' })).headers.get('content-security-policy')
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("default-src 'self'")
    }
  })

  it('the error page does not echo unknown codes', async () => {
    const html = await (await fetch(`${baseUrl}/error?error=%3Cscript%3Ex%3C%2Fscript%3E`)).text()
    expect(html).toContain('Sign-in could not continue')
    expect(html).not.toContain('<script>x</script>')
  })
})

describe('client and redirect_uri verified: errors go to the client with state and iss', () => {
  it.each([
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['hybrid response_type', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['no scope', { scope: undefined }, 'invalid_scope'],
    ['a scope the client may not have', { scope: 'openid inventory.read' }, 'invalid_scope'],
    ['offline_access without allowOfflineAccess', { scope: 'openid offline_access' }, 'invalid_scope'],
    ['no PKCE', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a short code_challenge', { code_challenge: 'abc' }, 'invalid_request'],
    ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'create' }, 'invalid_request'],
    ['a negative max_age', { max_age: '-5' }, 'invalid_request'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    ['a request_uri', { request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'request_uri_not_supported'],
    ['registration', { registration: '{}' }, 'registration_not_supported'],
    ['a forged id_token_hint', { id_token_hint: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, 'invalid_request'],
    ['a response_mode we do not offer', { response_mode: 'fragment' }, 'invalid_request'],
  ])('%s → %s', async (_name, overrides, code) => {
    const params = expectAtClient(await get(request(overrides)))
    expect(params.get('error')).toBe(code)
    expect(params.get('error_description')).toBeTruthy()
    expect(params.get('state')).toBe('st-az')
    expect(params.has('code')).toBe(false)
  })

  it('keeps the registered query of the redirect_uri', async () => {
    const location = locationOf(await get(request({ redirect_uri: `${REDIRECT}?tenant=a`, response_type: 'token' })))
    expect(location.searchParams.get('tenant')).toBe('a')
    expect(location.searchParams.get('error')).toBe('unsupported_response_type')
  })

  it('prompt=none without a session → login_required at the client (validated by oauth4webapi)', async () => {
    const response = await get(request({ prompt: 'none' }))
    const callback = locationOf(response)
    expect(callback.searchParams.get('error')).toBe('login_required')
    // An independent client checks state and iss (RFC 9207) and surfaces the error.
    expect(() => oauth.validateAuthResponse(as, { client_id: 'az-web' }, callback, 'st-az')).toThrow(oauth.AuthorizationResponseError)
    try {
      oauth.validateAuthResponse(as, { client_id: 'az-web' }, callback, 'st-az')
    } catch (error) {
      expect((error as oauth.AuthorizationResponseError).error).toBe('login_required')
    }
  })

  it('an error in form_post mode is an auto-submitting page with its own CSP', async () => {
    const response = await get(request({ response_mode: 'form_post', response_type: 'token' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toContain('no-store')
    // Nothing about the page reaches another site (the portal's policy, see respond.ts).
    expect(['same-origin', 'no-referrer']).toContain(response.headers.get('referrer-policy'))
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/)
    const html = await response.text()
    expect(html).toContain(`action="${REDIRECT}"`)
    expect(html).toContain('name="error" value="unsupported_response_type"')
    expect(html).toContain('name="state" value="st-az"')
    expect(html).toContain(`name="iss" value="${as.issuer}"`)
  })
})

describe('a valid request without a session', () => {
  it('GET → 303 to the login page with the sealed request, nothing cached', async () => {
    const response = await get(request())
    const location = locationOf(response)
    expect(location.origin).toBe(baseUrl)
    expect(location.pathname).toBe('/login')
    expect(location.searchParams.get('request')).toMatch(/^Fe26\.2\*/)
    expect(response.headers.get('cache-control')).toContain('no-store')
  })

  it('POST (form body) → the same', async () => {
    expect(locationOf(await post(request())).pathname).toBe('/login')
  })

  it('the sealed request cannot be altered: a changed seal is refused at the callback', async () => {
    const sealed = locationOf(await get(request())).searchParams.get('request')!
    const altered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1)
    const response = await fetch(`${baseUrl}/connect/authorize/callback?${new URLSearchParams({ request: altered })}`, { redirect: 'manual' })
    expectErrorPage(response, 'invalid_request')
  })

  it('the callback without a session sends the person (back) to the login page', async () => {
    const sealed = locationOf(await get(request())).searchParams.get('request')!
    const response = await fetch(`${baseUrl}/connect/authorize/callback?${new URLSearchParams({ request: sealed })}`, { redirect: 'manual' })
    expect(locationOf(response).pathname).toBe('/login')
  })

  it('a public client must use PKCE; with it, it is sent to sign in', async () => {
    const params = expectAtClient(await get(request({ client_id: 'az-public', redirect_uri: 'http://127.0.0.1:9/az/spa', scope: 'openid', code_challenge: undefined, code_challenge_method: undefined })), 'http://127.0.0.1:9/az/spa')
    expect(params.get('error')).toBe('invalid_request')
    expect(locationOf(await get(request({ client_id: 'az-public', redirect_uri: 'http://127.0.0.1:9/az/spa', scope: 'openid' }))).pathname).toBe('/login')
  })
})
