// GET|POST /connect/userinfo as a protected resource (RFC 6750), probed over HTTP with tokens
// from the real token endpoint. The success path (a user's token with openid) needs a browser
// sign-in and is covered by e2e/browser/demo-flow.spec.ts through openid-client.
import * as oauth from 'oauth4webapi'
import { beforeAll, describe, expect, inject, it } from 'vitest'

const baseUrl = inject('baseUrl')
const issuer = new URL(baseUrl)
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only

const JWT_CLIENT = { id: 'cc-es256', secret: 'cc-es256-secret' }
const REFERENCE_CLIENT = { id: 'cc-reference', secret: 'cc-reference-secret' }

let as: oauth.AuthorizationServer
let userinfoUrl: string

beforeAll(async () => {
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
  userinfoUrl = as.userinfo_endpoint!
})

async function clientCredentialsToken(client: { id: string; secret: string }, scope: string): Promise<string> {
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: client.id }, oauth.ClientSecretBasic(client.secret), { scope }, insecure)
  return (await oauth.processClientCredentialsResponse(as, { client_id: client.id }, response)).access_token
}

const b64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

function bearer(token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(userinfoUrl, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } })
}

/** The attributes of a `Bearer` challenge (RFC 6750 §3), by name. */
function challenge(response: Response): { scheme: string; attributes: Record<string, string> } {
  const header = response.headers.get('www-authenticate')
  expect(header, 'WWW-Authenticate header').toBeTruthy()
  const [scheme, rest = ''] = header!.split(/ (.*)/s)
  const attributes: Record<string, string> = {}
  for (const match of rest.matchAll(/([a-z_]+)="([^"]*)"/g)) attributes[match[1]!] = match[2]!
  return { scheme: scheme!, attributes }
}

function expectNoStore(response: Response) {
  expect(response.headers.get('cache-control')).toBe('no-store')
}

describe('discovery', () => {
  it('announces the userinfo and end-session endpoints', () => {
    expect(as.userinfo_endpoint).toBe(`${baseUrl}/connect/userinfo`)
    expect(as.end_session_endpoint).toBe(`${baseUrl}/connect/endsession`)
  })
})

describe('userinfo: no token (RFC 6750 §3.1)', () => {
  it('GET without credentials: 401 with a Bearer challenge and no error attribute', async () => {
    const response = await fetch(userinfoUrl)
    expect(response.status).toBe(401)
    const { scheme, attributes } = challenge(response)
    expect(scheme).toBe('Bearer')
    expect(attributes.realm).toBe(baseUrl)
    expect(attributes.error).toBeUndefined()
    expect(attributes.error_description).toBeUndefined()
    expectNoStore(response)
  })

  it('POST with an empty form: the same', async () => {
    const response = await fetch(userinfoUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })
    expect(response.status).toBe(401)
    expect(challenge(response).attributes.error).toBeUndefined()
  })

  it('another authentication scheme counts as no bearer token', async () => {
    const response = await fetch(userinfoUrl, { headers: { authorization: `Basic ${b64url('a:b')}` } })
    expect(response.status).toBe(401)
    expect(challenge(response).attributes.error).toBeUndefined()
  })
})

describe('userinfo: invalid tokens → 401 invalid_token', () => {
  it('garbage', async () => {
    const response = await bearer('not-a-token-we-issued')
    expect(response.status).toBe(401)
    expect(challenge(response).attributes.error).toBe('invalid_token')
    expect(((await response.json()) as { error: string }).error).toBe('invalid_token')
    expectNoStore(response)
  })

  it('a tampered JWT access token (payload changed, signature kept)', async () => {
    const [header, payload, signature] = (await clientCredentialsToken(JWT_CLIENT, 'orders.read')).split('.')
    const forged = b64url({ ...decode(payload!), scope: 'openid orders.read', sub: 'someone-else' })
    const response = await bearer(`${header}.${forged}.${signature}`)
    expect(response.status).toBe(401)
    expect(challenge(response).attributes.error).toBe('invalid_token')
  })

  it('a JWT with alg none', async () => {
    const [, payload] = (await clientCredentialsToken(JWT_CLIENT, 'orders.read')).split('.')
    const unsigned = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url({ ...decode(payload!), scope: 'openid' })}.`
    const response = await bearer(unsigned)
    expect(response.status).toBe(401)
    expect(challenge(response).attributes.error).toBe('invalid_token')
  })

  it('a JWT signed with a key of its own (HS256 keyed with a guessable secret)', async () => {
    const [, payload] = (await clientCredentialsToken(JWT_CLIENT, 'orders.read')).split('.')
    const { createHmac } = await import('node:crypto')
    const signingInput = `${b64url({ alg: 'HS256', typ: 'at+jwt' })}.${b64url({ ...decode(payload!), scope: 'openid' })}`
    const mac = createHmac('sha256', 'secret').update(signingInput).digest('base64url')
    expect((await bearer(`${signingInput}.${mac}`)).status).toBe(401)
  })
})

describe('userinfo: a client_credentials token (no user)', () => {
  // RFC 6750 §3.1: insufficient_scope is "the request requires higher privileges than
  // provided by the access token": the token is genuine and live, it just lacks `openid`
  // (OpenID Connect Core §5.3: userinfo needs an access token obtained with openid), so
  // 403 insufficient_scope (Duende answers the same), with scope="openid" naming what is missing.
  it('a JWT access token without openid: 403 insufficient_scope', async () => {
    const response = await bearer(await clientCredentialsToken(JWT_CLIENT, 'orders.read'))
    expect(response.status).toBe(403)
    const { attributes } = challenge(response)
    expect(attributes.error).toBe('insufficient_scope')
    expect(attributes.scope).toBe('openid')
    expectNoStore(response)
  })

  it('a reference token without openid: 403 insufficient_scope', async () => {
    const response = await bearer(await clientCredentialsToken(REFERENCE_CLIENT, 'orders.read'))
    expect(response.status).toBe(403)
    expect(challenge(response).attributes.error).toBe('insufficient_scope')
  })
})

describe('userinfo: how the token is sent (RFC 6750 §2)', () => {
  it('in the form body of a POST: read (the same 403 as in the header)', async () => {
    const token = await clientCredentialsToken(JWT_CLIENT, 'orders.read')
    const response = await fetch(userinfoUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: token }) })
    expect(response.status).toBe(403)
  })

  it('in the header and the body at once: 400 invalid_request', async () => {
    const token = await clientCredentialsToken(JWT_CLIENT, 'orders.read')
    const response = await bearer(token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: token }) })
    expect(response.status).toBe(400)
    expect(challenge(response).attributes.error).toBe('invalid_request')
    expectNoStore(response)
  })

  it('in the query string: 400 invalid_request (§2.3 is not supported)', async () => {
    const token = await clientCredentialsToken(JWT_CLIENT, 'orders.read')
    const response = await fetch(`${userinfoUrl}?access_token=${encodeURIComponent(token)}`)
    expect(response.status).toBe(400)
    expect(challenge(response).attributes.error).toBe('invalid_request')
  })

  it('other methods: 405 with Allow', async () => {
    const response = await fetch(userinfoUrl, { method: 'PUT' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
  })
})
