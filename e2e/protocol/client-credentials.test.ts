// The client_credentials grant (RFC 6749 §4.4) at /connect/token, judged by independent
// implementations: oauth4webapi as the client, jose as the resource server verifying RFC 9068
// access tokens. Clients and APIs come from fixtures/config.json.
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import * as oauth from 'oauth4webapi'
import { beforeAll, describe, expect, inject, it } from 'vitest'

const baseUrl = inject('baseUrl')
const databaseFile = inject('databaseFile')
const issuer = new URL(baseUrl)
const tokenUrl = `${baseUrl}/connect/token`
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only

const ES256_CLIENT = { id: 'cc-es256', secret: 'cc-es256-secret' }
const RS256_CLIENT = { id: 'urn:test:cc-rs256', secret: 'p@ss:word+with/special%chars &more=' }
const REFERENCE_CLIENT = { id: 'cc-reference', secret: 'cc-reference-secret' }

let as: oauth.AuthorizationServer
let jwks: ReturnType<typeof createRemoteJWKSet>

beforeAll(async () => {
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
  jwks = createRemoteJWKSet(new URL(as.jwks_uri!))
})

async function requestToken(client: { id: string; secret: string }, auth: 'basic' | 'post', scope?: string) {
  const clientAuth = auth === 'basic' ? oauth.ClientSecretBasic(client.secret) : oauth.ClientSecretPost(client.secret)
  const response = await oauth.clientCredentialsGrantRequest(as, { client_id: client.id }, clientAuth, scope === undefined ? {} : { scope }, insecure)
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('pragma')).toBe('no-cache')
  return oauth.processClientCredentialsResponse(as, { client_id: client.id }, response)
}

async function publishedKey(kid: string) {
  const set = (await (await fetch(as.jwks_uri!)).json()) as JSONWebKeySet
  return set.keys.find((k) => k.kid === kid)
}

describe('discovery', () => {
  it('announces the token endpoint, client_credentials and both secret methods', () => {
    expect(as.token_endpoint).toBe(tokenUrl)
    if (as.grant_types_supported) expect(as.grant_types_supported).toContain('client_credentials')
    if (as.token_endpoint_auth_methods_supported) expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']))
  })
})

describe('client_credentials: JWT access tokens (RFC 9068)', () => {
  it('issues an ES256 at+jwt for an API that allows only ES256 (client_secret_basic)', async () => {
    const before = Math.floor(Date.now() / 1000)
    const result = await requestToken(ES256_CLIENT, 'basic', 'orders.read')
    expect(result.token_type).toBe('bearer') // oauth4webapi lower-cases it
    expect(result.expires_in).toBe(600)
    expect(result.scope).toBe('orders.read')

    const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, {
      issuer: as.issuer,
      audience: 'orders-api',
      typ: 'at+jwt',
      algorithms: ['ES256'],
    })
    expect(protectedHeader.alg).toBe('ES256')
    expect(protectedHeader.kid).toEqual(expect.any(String))
    const key = await publishedKey(protectedHeader.kid!)
    expect(key?.kty).toBe('EC')
    expect(payload.client_id).toBe('cc-es256')
    // RFC 9068 §2.2: without a resource owner, sub identifies the client.
    expect(payload.sub).toBe('cc-es256')
    expect(payload.scope).toBe('orders.read')
    expect(payload.aud).toBe('orders-api')
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/)
    expect(payload.iat).toBeGreaterThanOrEqual(before - 5)
    expect(payload.nbf).toBe(payload.iat)
    expect(payload.exp).toBe(payload.iat! + 600)
    expect(payload.auth_time).toBeUndefined()
    expect(payload.sid).toBeUndefined()
  })

  it('issues an RS256 token for an RS256 API; Basic credentials are form-urlencoded (":" in the id, "%", "+", " " in the secret)', async () => {
    const result = await requestToken(RS256_CLIENT, 'basic', 'inventory.read')
    const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, {
      issuer: as.issuer,
      audience: 'inventory-api',
      typ: 'at+jwt',
      algorithms: ['RS256'],
    })
    expect(protectedHeader.alg).toBe('RS256')
    expect((await publishedKey(protectedHeader.kid!))?.kty).toBe('RSA')
    expect(payload.client_id).toBe('urn:test:cc-rs256')
    expect(payload.scope).toBe('inventory.read')
  })

  it('accepts client_secret_post', async () => {
    const result = await requestToken(RS256_CLIENT, 'post', 'reports.read')
    const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, { issuer: as.issuer, audience: 'reports-api', typ: 'at+jwt' })
    // reports-api does not restrict algorithms: the server default.
    expect(protectedHeader.alg).toBe('RS256')
    expect(payload.scope).toBe('reports.read')
  })

  it('grants all of the client\'s allowed API scopes when scope is absent, leaving out identity and disabled scopes', async () => {
    const result = await requestToken(RS256_CLIENT, 'basic')
    expect(result.scope?.split(' ')).toEqual(['inventory.read', 'reports.read'])
    const { payload } = await jwtVerify(result.access_token, jwks, { issuer: as.issuer, typ: 'at+jwt', algorithms: ['RS256'] })
    expect(payload.scope).toBe('inventory.read reports.read')
    expect(new Set(payload.aud as string[])).toEqual(new Set(['inventory-api', 'reports-api']))

    // openid (an identity scope) and legacy.read (disabled) are allowed for the client but not granted.
    const es = await requestToken(ES256_CLIENT, 'post')
    expect(es.scope?.split(' ')).toEqual(['orders.read', 'orders.write', 'catalog.read'])
    const { protectedHeader } = await jwtVerify(es.access_token, jwks, { issuer: as.issuer, typ: 'at+jwt', audience: 'orders-api' })
    expect(protectedHeader.alg).toBe('ES256')
  })

  it('signs for several audiences with the algorithm all of them allow', async () => {
    const result = await requestToken(ES256_CLIENT, 'basic', 'catalog.read orders.write')
    const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, { issuer: as.issuer, typ: 'at+jwt', audience: 'reports-api' })
    expect(protectedHeader.alg).toBe('ES256')
    expect(new Set(payload.aud as string[])).toEqual(new Set(['orders-api', 'reports-api']))
    expect(payload.scope).toBe('catalog.read orders.write')
  })

  it('gives every token a fresh jti', async () => {
    const [a, b] = await Promise.all([requestToken(ES256_CLIENT, 'basic', 'orders.read'), requestToken(ES256_CLIENT, 'basic', 'orders.read')])
    const ja = (await jwtVerify(a.access_token, jwks, { issuer: as.issuer })).payload.jti
    const jb = (await jwtVerify(b.access_token, jwks, { issuer: as.issuer })).payload.jti
    expect(ja).not.toBe(jb)
  })
})

describe('client_credentials: reference tokens', () => {
  it('returns an opaque 256-bit handle and stores only its SHA-256', async () => {
    const result = await requestToken(REFERENCE_CLIENT, 'basic', 'orders.read')
    expect(result.access_token).toMatch(/^[A-Za-z0-9_-]{43,}$/)
    expect(() => decodeProtectedHeader(result.access_token)).toThrow()
    expect(result.scope).toBe('orders.read')
    expect(result.expires_in).toBe(3600)

    if (!databaseFile) return // external server (PROTOCOL_BASE_URL): its database is not ours to open
    const sqlite = new Database(databaseFile, { readonly: true, fileMustExist: true })
    try {
      const rows = sqlite.prepare('SELECT key, type, clientId, subjectId, expiration, data FROM PersistedGrant').all() as Array<Record<string, unknown>>
      const hash = createHash('sha256').update(result.access_token).digest('base64url')
      const row = rows.find((r) => r.key === hash)
      expect(row).toBeDefined()
      expect(row!.type).toBe('reference_token')
      expect(row!.clientId).toBe('cc-reference')
      expect(row!.subjectId).toBeNull()
      const data = JSON.parse(String(row!.data)) as { claims: Record<string, unknown> }
      expect(data.claims).toMatchObject({ client_id: 'cc-reference', scope: 'orders.read', aud: 'orders-api', iss: as.issuer })
      // The handle itself appears nowhere in the table.
      for (const r of rows) expect(JSON.stringify(r)).not.toContain(result.access_token)
    } finally {
      sqlite.close()
    }
  })
})

// ------------------------------------------------------------------ errors, over raw HTTP

interface RawOptions {
  form?: Record<string, string> | string
  basic?: [string, string]
  headers?: Record<string, string>
  body?: BodyInit
  method?: string
}

const basicHeader = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

async function raw(options: RawOptions) {
  const headers: Record<string, string> = { ...options.headers }
  let body = options.body
  if (options.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
    body = typeof options.form === 'string' ? options.form : new URLSearchParams(options.form).toString()
  }
  if (options.basic) headers.authorization = basicHeader(...options.basic)
  const response = await fetch(tokenUrl, { method: options.method ?? 'POST', headers, body })
  const text = await response.text()
  return { response, text, json: JSON.parse(text) as Record<string, unknown> }
}

/** An RFC 6749 §5.2 error: status, code, never cached, no internals. */
async function expectError(options: RawOptions, status: number, error: string) {
  const result = await raw(options)
  expect(result.response.status).toBe(status)
  expect(result.json.error).toBe(error)
  expect(result.response.headers.get('cache-control')).toBe('no-store')
  expect(result.response.headers.get('pragma')).toBe('no-cache')
  expect(result.response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(Object.keys(result.json).sort()).toEqual(['error', 'error_description'])
  expect(result.text).not.toMatch(/\bat .+:\d+:\d+|Error:|node_modules|\/lib\//)
  return result
}

const CC = { grant_type: 'client_credentials' }

describe('invalid_client (RFC 6749 §5.2)', () => {
  it('wrong secret with Basic: 401 and a Basic challenge', async () => {
    const { response } = await expectError({ form: CC, basic: ['cc-es256', 'wrong'] }, 401, 'invalid_client')
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/)
  })

  it('wrong secret with client_secret_post: 401', async () => {
    await expectError({ form: { ...CC, client_id: 'cc-es256', client_secret: 'wrong' } }, 401, 'invalid_client')
  })

  it('an expired secret is refused', async () => {
    const { response } = await expectError({ form: CC, basic: ['cc-es256', 'cc-es256-expired-secret'] }, 401, 'invalid_client')
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /)
  })

  it('unknown client', async () => {
    const { response } = await expectError({ form: CC, basic: ['no-such-client', 'whatever'] }, 401, 'invalid_client')
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /)
    await expectError({ form: { ...CC, client_id: 'no-such-client', client_secret: 'whatever' } }, 401, 'invalid_client')
  })

  it('disabled client, even with its right secret', async () => {
    await expectError({ form: CC, basic: ['cc-disabled', 'cc-disabled-secret'] }, 401, 'invalid_client')
  })

  it('a confidential client presenting no secret', async () => {
    const { response } = await expectError({ form: { ...CC, client_id: 'cc-es256' } }, 401, 'invalid_client')
    expect(response.headers.get('www-authenticate')).toBeNull()
  })

  it('Basic credentials sent without form-urlencoding ("+" left raw) do not match the secret', async () => {
    const header = `Basic ${Buffer.from('urn%3Atest%3Acc-rs256:p%40ss%3Aword+with%2Fspecial%25chars%20%26more%3D').toString('base64')}`
    const { response } = await expectError({ form: CC, headers: { authorization: header } }, 401, 'invalid_client')
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /)
  })
})

describe('invalid_request', () => {
  it('missing grant_type', async () => {
    await expectError({ form: { scope: 'orders.read' }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'invalid_request')
  })

  it('a duplicated parameter', async () => {
    await expectError({ form: 'grant_type=client_credentials&scope=orders.read&scope=orders.write', basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'invalid_request')
  })

  it('a JSON body', async () => {
    await expectError(
      { body: JSON.stringify({ ...CC, client_id: ES256_CLIENT.id, client_secret: ES256_CLIENT.secret }), headers: { 'content-type': 'application/json' } },
      400,
      'invalid_request',
    )
  })

  it('a multipart body', async () => {
    const form = new FormData()
    form.set('grant_type', 'client_credentials')
    form.set('client_id', ES256_CLIENT.id)
    form.set('client_secret', ES256_CLIENT.secret)
    await expectError({ body: form }, 400, 'invalid_request')
  })

  it('a 1 MB body, refused without leaving the connection stuck', async () => {
    await expectError({ form: { ...CC, padding: 'x'.repeat(1024 * 1024) }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'invalid_request')
    // The client reuses its keep-alive connection: the unread rest of the body must not block
    // the next requests (the server drains it or closes the connection).
    for (let i = 0; i < 3; i++) {
      const response = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=nope', signal: AbortSignal.timeout(10_000) })
      expect(response.status).toBe(400)
      await response.body?.cancel()
    }
  })

  it('a malformed Basic header', async () => {
    await expectError({ form: CC, headers: { authorization: 'Basic !!!' } }, 400, 'invalid_request')
    await expectError({ form: CC, headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } }, 400, 'invalid_request')
    await expectError({ form: CC, headers: { authorization: `Basic ${Buffer.from('cc-es256:%zz').toString('base64')}` } }, 400, 'invalid_request')
  })

  it('two client authentication methods at once (RFC 6749 §2.3)', async () => {
    await expectError({ form: { ...CC, client_id: ES256_CLIENT.id, client_secret: ES256_CLIENT.secret }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'invalid_request')
  })
})

describe('invalid_scope', () => {
  const as256 = (scope: string) => ({ form: { ...CC, scope }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] as [string, string] })

  it('an unknown scope', async () => {
    await expectError(as256('no.such.scope'), 400, 'invalid_scope')
  })

  it('openid (identity scopes do not apply without a user)', async () => {
    await expectError(as256('openid'), 400, 'invalid_scope')
    await expectError(as256('orders.read openid'), 400, 'invalid_scope')
  })

  it('a scope that exists but is not allowed for the client', async () => {
    await expectError(as256('inventory.read'), 400, 'invalid_scope')
  })

  it('a disabled scope', async () => {
    await expectError(as256('legacy.read'), 400, 'invalid_scope')
  })

  it('a scope whose APIs have no signing algorithm in common', async () => {
    await expectError({ form: { ...CC, scope: 'shared.read' }, basic: ['cc-conflict', 'cc-conflict-secret'] }, 400, 'invalid_scope')
    // With no scope requested, the same conflict among the allowed scopes is refused too (as Duende does).
    await expectError({ form: CC, basic: ['cc-conflict', 'cc-conflict-secret'] }, 400, 'invalid_scope')
  })

  it('a malformed or repeated scope list', async () => {
    await expectError(as256('orders.read orders.read'), 400, 'invalid_scope')
    await expectError(as256('orders.read  orders.write'), 400, 'invalid_scope')
    await expectError(as256('orders"read'), 400, 'invalid_scope')
  })
})

describe('grant type errors', () => {
  it('unauthorized_client: a client without the client_credentials grant', async () => {
    await expectError({ form: CC, basic: ['code-only', 'code-only-secret'] }, 400, 'unauthorized_client')
  })

  it('unauthorized_client: a public client (client_id only) without the grant', async () => {
    await expectError({ form: { ...CC, client_id: 'public-spa' } }, 400, 'unauthorized_client')
  })

  it('unsupported_grant_type', async () => {
    await expectError({ form: { grant_type: 'password', username: 'a', password: 'b' }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'unsupported_grant_type')
    await expectError({ form: { grant_type: 'urn:example:nonsense' }, basic: [ES256_CLIENT.id, ES256_CLIENT.secret] }, 400, 'unsupported_grant_type')
  })
})

describe('HTTP method', () => {
  it('GET is 405 with Allow: POST', async () => {
    const { response } = await expectError({ method: 'GET' }, 405, 'invalid_request')
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('PUT is 405 too', async () => {
    const { response } = await expectError({ method: 'PUT', form: CC }, 405, 'invalid_request')
    expect(response.headers.get('allow')).toBe('POST')
  })
})
