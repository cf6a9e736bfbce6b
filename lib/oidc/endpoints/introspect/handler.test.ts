import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epochSeconds } from '../../../clock'
import { BUILT_IN_IDENTITY_RESOURCES } from '../../../config/built-in-resources'
import { loadSettings } from '../../../config/env'
import type { ClientConfig } from '../../../config/model'
import { createAuthorization, revokeAuthorization } from '../../../stores/authorizations'
import { findClient, upsertClient } from '../../../stores/clients'
import { invalidateConfigCache } from '../../../stores/config-cache'
import { storeReferenceToken } from '../../../stores/grants'
import { upsertApiResource, upsertApiScope, upsertIdentityResource } from '../../../stores/resources'
import { createUser, setUserEnabled } from '../../../stores/users'
import { testClientRecord } from '../../../test-support/clients'
import { createTestDb, type TestDb } from '../../../test-support/test-db'
import { newHandle } from '../../../tokens/handles'
import { signJwt, type JwtDeps } from '../../../tokens/jwt'
import { createKeyManager } from '../../../tokens/keys'
import { issueRefreshToken, renewRefreshToken, resolveRefreshToken } from '../../../tokens/refresh-token'
import { handleIntrospectionRequest } from './handler'
import type { IntrospectionDeps } from './validate'

const URL_ = 'http://localhost:3000/connect/introspect'
const sha = (s: string) => createHash('sha256').update(s).digest('base64url')
const secret = (value: string) => ({ valueHash: sha(value), description: null, expiration: null })

let t: TestDb
let deps: IntrospectionDeps & { jwt: JwtDeps }
let web: ClientConfig
let ALICE: string

beforeAll(async () => {
  t = await createTestDb()
  const keys = createKeyManager({ db: t.db })
  await keys.ensure()
  deps = { db: t.db, jwt: { keys, issuer: loadSettings().issuer } }
  for (const resource of BUILT_IN_IDENTITY_RESOURCES) await upsertIdentityResource(t.db, resource, true)
  await upsertApiScope(t.db, { name: 'api1', displayName: 'API 1', description: null, enabled: true, required: false, emphasize: false, userClaims: [] }, true)
  const resource = { displayName: null, description: null, enabled: true, scopes: ['api1'], userClaims: [], allowedAccessTokenSigningAlgorithms: [] }
  await upsertApiResource(t.db, { ...resource, name: 'urn:api1', secrets: [secret('api1-secret')] }, true)
  await upsertApiResource(t.db, { ...resource, name: 'urn:api2', secrets: [secret('api2-secret')] }, true)
  const common = { requireClientSecret: true, allowedGrantTypes: ['authorization_code', 'refresh_token'], allowedScopes: ['openid', 'api1', 'offline_access'], allowOfflineAccess: true }
  await upsertClient(t.db, testClientRecord('web', { ...common, secrets: [secret('web-secret')] }), true)
  await upsertClient(t.db, testClientRecord('other', { ...common, secrets: [secret('other-secret')] }), true)
  await upsertClient(t.db, testClientRecord('spa', { ...common, requireClientSecret: false }), true)
  invalidateConfigCache()
  web = (await findClient('web', t.db))!
  ALICE = (await createUser({ username: 'alice', password: 'alice-password', claims: { name: 'Alice' } }, t.db)).subjectId
}, 60_000)
afterAll(() => t.dispose())

function basic(id: string, pw: string) {
  return { authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(pw)}`).toString('base64')}` }
}

async function introspect(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await handleIntrospectionRequest(
    new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) }),
    deps,
  )
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}
const asApi1 = (form: Record<string, string>) => introspect(form, basic('urn:api1', 'api1-secret'))
const asWeb = (form: Record<string, string>) => introspect(form, basic('web', 'web-secret'))

async function jwt(claims: Record<string, unknown> = {}) {
  const iat = epochSeconds()
  return signJwt({ sub: ALICE, client_id: 'web', scope: 'openid api1', aud: 'urn:api1', iat, nbf: iat, exp: iat + 300, jti: 'j1', auth_time: iat, ...claims }, { alg: 'RS256', typ: 'at+jwt' }, deps.jwt)
}

async function reference(claims: Record<string, unknown> = {}, owner: { subjectId?: string; authorizationId?: string } = { subjectId: 'x' }) {
  const handle = newHandle()
  const iat = epochSeconds()
  const subjectId = owner.subjectId === 'x' ? ALICE : owner.subjectId
  const all = { iss: loadSettings().issuer, sub: subjectId ?? 'web', client_id: 'web', scope: 'openid api1', aud: 'urn:api1', iat, nbf: iat, exp: iat + 300, jti: 'r1', name: 'Alice', ...claims }
  await storeReferenceToken(handle, { clientId: 'web', ...(subjectId && { subjectId }), ...(owner.authorizationId && { authorizationId: owner.authorizationId }), expiration: new Date((all.exp as number) * 1000), claims: all }, t.db)
  return handle
}

async function refreshToken(clientId = 'web') {
  const client = (await findClient(clientId, t.db))!
  const authorizationId = await createAuthorization({ clientId, subjectId: ALICE, scopes: ['openid', 'api1', 'offline_access'] }, t.db)
  const handle = await issueRefreshToken({ client, subjectId: ALICE, sessionId: 'SID', authorizationId, scopes: ['openid', 'api1', 'offline_access'], claims: {} }, { database: t.db })
  return { handle, authorizationId }
}

describe('introspection: caller authentication', () => {
  it('refuses a request without credentials with 401 invalid_client', async () => {
    const r = await introspect({ token: 'x' })
    expect(r.status).toBe(401)
    expect(r.body.error).toBe('invalid_client')
    expect(r.headers.get('cache-control')).toBe('no-store')
  })

  it('refuses a wrong API secret (Basic → 401 with a Basic challenge)', async () => {
    const r = await introspect({ token: 'x' }, basic('urn:api1', 'wrong'))
    expect(r.status).toBe(401)
    expect(r.body.error).toBe('invalid_client')
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic /)
  })

  it('refuses an unknown caller and a public client without a secret', async () => {
    expect((await introspect({ token: 'x', client_id: 'nobody', client_secret: 'x' })).status).toBe(401)
    expect((await introspect({ token: 'x', client_id: 'spa' })).status).toBe(401)
  })

  it('accepts API credentials in the form body too', async () => {
    const r = await introspect({ token: await jwt(), client_id: 'urn:api1', client_secret: 'api1-secret' })
    expect(r.status).toBe(200)
    expect(r.body.active).toBe(true)
  })

  it('requires the token parameter', async () => {
    const r = await asApi1({})
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('invalid_request')
  })
})

describe('introspection: access tokens', () => {
  it('describes a JWT access token to an API in its audience', async () => {
    const r = await asApi1({ token: await jwt() })
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('no-store')
    expect(r.body).toMatchObject({ active: true, token_type: 'access_token', sub: ALICE, client_id: 'web', scope: 'openid api1', aud: 'urn:api1', iss: loadSettings().issuer, jti: 'j1' })
    expect(typeof r.body.exp).toBe('number')
    expect(typeof r.body.iat).toBe('number')
    expect(typeof r.body.nbf).toBe('number')
  })

  it('describes a reference token, with its claims, looked up on every call', async () => {
    const handle = await reference()
    const r = await asApi1({ token: handle })
    expect(r.body).toMatchObject({ active: true, token_type: 'access_token', sub: ALICE, client_id: 'web', scope: 'openid api1', aud: 'urn:api1', jti: 'r1', name: 'Alice' })
  })

  it('describes a client_credentials reference token (no user)', async () => {
    const handle = await reference({}, {})
    expect((await asApi1({ token: handle })).body).toMatchObject({ active: true, sub: 'web' })
  })

  it('is inactive for an API outside the audience, and for clients', async () => {
    const token = await jwt()
    const ref = await reference()
    expect((await introspect({ token }, basic('urn:api2', 'api2-secret'))).body).toEqual({ active: false })
    expect((await introspect({ token: ref }, basic('urn:api2', 'api2-secret'))).body).toEqual({ active: false })
    expect((await asWeb({ token })).body).toEqual({ active: false })
    expect((await asWeb({ token: ref })).body).toEqual({ active: false })
  })

  it('accepts an audience array', async () => {
    expect((await introspect({ token: await jwt({ aud: ['urn:api1', 'urn:api2'] }) }, basic('urn:api2', 'api2-secret'))).body.active).toBe(true)
  })

  it('is inactive for expired, forged, wrong-typ and revoked tokens', async () => {
    const past = epochSeconds() - 10
    expect((await asApi1({ token: await jwt({ iat: past - 300, nbf: past - 300, exp: past }) })).body).toEqual({ active: false })
    const good = await jwt()
    const [h, p] = good.split('.')
    expect((await asApi1({ token: `${h}.${p}.${'A'.repeat(342)}` })).body).toEqual({ active: false })
    const idToken = await signJwt({ sub: ALICE, aud: 'urn:api1', exp: epochSeconds() + 300 }, { alg: 'RS256' }, deps.jwt)
    expect((await asApi1({ token: idToken })).body).toEqual({ active: false })
    const authorizationId = await createAuthorization({ clientId: 'web', subjectId: ALICE, scopes: ['api1'] }, t.db)
    const ref = await reference({}, { subjectId: 'x', authorizationId })
    expect((await asApi1({ token: ref })).body.active).toBe(true)
    await revokeAuthorization(authorizationId, t.db)
    expect((await asApi1({ token: ref })).body).toEqual({ active: false })
  })

  it('is inactive once the user is disabled', async () => {
    await createUser({ username: 'dave', password: 'dave-password', subjectId: 'dave-sub', claims: {} }, t.db)
    const token = await jwt({ sub: 'dave-sub' })
    const ref = await reference({ sub: 'dave-sub' }, { subjectId: 'dave-sub' })
    expect((await asApi1({ token })).body.active).toBe(true)
    await setUserEnabled('dave', false, t.db)
    expect((await asApi1({ token })).body).toEqual({ active: false })
    expect((await asApi1({ token: ref })).body).toEqual({ active: false })
  })

  it('answers exactly {"active":false} for garbage', async () => {
    for (const token of ['garbage', 'a.b.c', 'x'.repeat(10_000), '%%%']) {
      const r = await asApi1({ token })
      expect(r.status).toBe(200)
      expect(r.body).toEqual({ active: false })
    }
  })
})

describe('introspection: refresh tokens', () => {
  it('describes a refresh token to the client it belongs to', async () => {
    const { handle } = await refreshToken()
    const r = await asWeb({ token: handle, token_type_hint: 'refresh_token' })
    expect(r.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'web', sub: ALICE, scope: 'openid api1 offline_access', iss: loadSettings().issuer })
    expect(typeof r.body.exp).toBe('number')
    expect(typeof r.body.iat).toBe('number')
  })

  it('treats token_type_hint as a hint, not a filter', async () => {
    const { handle } = await refreshToken()
    expect((await asWeb({ token: handle, token_type_hint: 'access_token' })).body.active).toBe(true)
    expect((await asWeb({ token: handle, token_type_hint: 'something_else' })).body.active).toBe(true)
    expect((await asApi1({ token: await reference(), token_type_hint: 'refresh_token' })).body.active).toBe(true)
  })

  it("is inactive for another client's refresh token and for APIs", async () => {
    const { handle } = await refreshToken()
    expect((await introspect({ token: handle }, basic('other', 'other-secret'))).body).toEqual({ active: false })
    expect((await asApi1({ token: handle })).body).toEqual({ active: false })
  })

  it('is inactive once consumed by rotation or revoked with its family', async () => {
    const { handle, authorizationId } = await refreshToken()
    const usable = await resolveRefreshToken(handle, web, { database: t.db })
    const next = await renewRefreshToken(usable, web, {}, { database: t.db })
    expect((await asWeb({ token: handle })).body).toEqual({ active: false })
    expect((await asWeb({ token: next.handle })).body.active).toBe(true)
    await revokeAuthorization(authorizationId, t.db)
    expect((await asWeb({ token: next.handle })).body).toEqual({ active: false })
  })
})

describe('introspection: method', () => {
  it('answers 405 to GET', async () => {
    const response = await handleIntrospectionRequest(new Request(URL_), deps)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })
})
