import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epochSeconds } from '../../../clock'
import { BUILT_IN_IDENTITY_RESOURCES } from '../../../config/built-in-resources'
import { loadSettings } from '../../../config/env'
import { createAuthorization, revokeAuthorization } from '../../../stores/authorizations'
import { upsertClient } from '../../../stores/clients'
import { storeReferenceToken } from '../../../stores/grants'
import { upsertIdentityResource } from '../../../stores/resources'
import { createUser, setUserEnabled } from '../../../stores/users'
import { testClientRecord } from '../../../test-support/clients'
import { createTestDb, type TestDb } from '../../../test-support/test-db'
import { newHandle } from '../../../tokens/handles'
import { signJwt, type JwtDeps } from '../../../tokens/jwt'
import { createKeyManager } from '../../../tokens/keys'
import { handleUserInfoRequest } from './handler'
import type { UserInfoDeps } from './validate'

const URL_ = 'http://localhost:3000/connect/userinfo'
const ALICE = 'alice-sub'
const CAROL = 'carol-sub'

let testDb: TestDb
let deps: UserInfoDeps & { jwt: JwtDeps }

beforeAll(async () => {
  testDb = await createTestDb()
  const keys = createKeyManager({ db: testDb.db })
  await keys.ensure()
  deps = { db: testDb.db, jwt: { keys, issuer: loadSettings().issuer } }
  // The built-in identity resources (openid, profile, email, ...) as the first start creates them.
  for (const resource of BUILT_IN_IDENTITY_RESOURCES) await upsertIdentityResource(testDb.db, resource, true)
  await upsertClient(testDb.db, testClientRecord('web', { allowedScopes: ['openid', 'profile', 'email'] }), true)
  await upsertClient(testDb.db, testClientRecord('off', { enabled: false }), true)
  await createUser(
    {
      username: 'alice',
      password: 'alice-password',
      subjectId: ALICE,
      claims: { name: 'Alice Smith', given_name: 'Alice', email: 'alice@example.com', email_verified: true, phone_number: '+1 555', sub: 'not-this' },
    },
    testDb.db,
  )
  await createUser({ username: 'carol', password: 'carol-password', subjectId: CAROL, claims: { name: 'Carol' } }, testDb.db)
}, 60_000)
afterAll(() => testDb.dispose())

async function jwtAccessToken(claims: Record<string, unknown> = {}): Promise<string> {
  const iat = epochSeconds()
  const payload = { sub: ALICE, client_id: 'web', scope: 'openid profile', aud: 'urn:api', iat, exp: iat + 300, ...claims }
  return signJwt(payload, { alg: 'RS256', typ: 'at+jwt' }, deps.jwt)
}

const call = (init: RequestInit & { url?: string } = {}) => handleUserInfoRequest(new Request(init.url ?? URL_, init), deps)
const withToken = (token: string) => call({ headers: { authorization: `Bearer ${token}` } })

describe('userinfo: success', () => {
  it('returns sub and the claims of the granted identity scopes only', async () => {
    const response = await withToken(await jwtAccessToken())
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    // profile granted, email not: no email, no phone; sub is the token's, never a stored claim.
    expect(await response.json()).toEqual({ sub: ALICE, name: 'Alice Smith', given_name: 'Alice' })
  })

  it('adds email claims when email was granted', async () => {
    const body = await (await withToken(await jwtAccessToken({ scope: 'openid email' }))).json()
    expect(body).toEqual({ sub: ALICE, email: 'alice@example.com', email_verified: true })
  })

  it('accepts the token in a POST form body', async () => {
    const token = await jwtAccessToken()
    const response = await call({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${token}` })
    expect(response.status).toBe(200)
    expect((await response.json()).sub).toBe(ALICE)
  })

  it('serves reference tokens, and refuses them as soon as they are revoked', async () => {
    const authorizationId = await createAuthorization({ clientId: 'web', subjectId: ALICE, scopes: ['openid', 'email'] }, testDb.db)
    const handle = newHandle()
    const iat = epochSeconds()
    await storeReferenceToken(
      handle,
      { clientId: 'web', subjectId: ALICE, authorizationId, expiration: new Date((iat + 300) * 1000), claims: { sub: ALICE, client_id: 'web', scope: 'openid email', iat, exp: iat + 300 } },
      testDb.db,
    )
    const first = await withToken(handle)
    expect(first.status).toBe(200)
    expect((await first.json()).email).toBe('alice@example.com')

    await revokeAuthorization(authorizationId, testDb.db)
    const second = await withToken(handle)
    expect(second.status).toBe(401)
    expect(second.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })
})

describe('userinfo: refusals (RFC 6750 §3)', () => {
  it('no token: 401 with a bare Bearer challenge', async () => {
    const response = await call()
    expect(response.status).toBe(401)
    const challenge = response.headers.get('www-authenticate')!
    expect(challenge).toMatch(/^Bearer realm="[^"]+"$/)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('an unknown reference handle: 401 invalid_token', async () => {
    const response = await withToken(newHandle())
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('invalid_token')
  })

  it('an expired JWT: 401 invalid_token', async () => {
    const response = await withToken(await jwtAccessToken({ iat: epochSeconds() - 600, exp: epochSeconds() - 300 }))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('an identity token (typ JWT, not at+jwt) is not an access token: 401', async () => {
    const iat = epochSeconds()
    const idToken = await signJwt({ sub: ALICE, aud: 'web', iat, exp: iat + 300, scope: 'openid profile', client_id: 'web' }, { alg: 'RS256' }, deps.jwt)
    expect((await withToken(idToken)).status).toBe(401)
  })

  it('no openid scope: 403 insufficient_scope naming the scope', async () => {
    const response = await withToken(await jwtAccessToken({ scope: 'api1', sub: 'web' }))
    expect(response.status).toBe(403)
    const challenge = response.headers.get('www-authenticate')!
    expect(challenge).toContain('error="insufficient_scope"')
    expect(challenge).toContain('scope="openid"')
  })

  it('a disabled user: 401 invalid_token', async () => {
    await setUserEnabled('carol', false, testDb.db)
    const response = await withToken(await jwtAccessToken({ sub: CAROL }))
    expect(response.status).toBe(401)
  })

  it('an unknown user: 401 invalid_token', async () => {
    expect((await withToken(await jwtAccessToken({ sub: 'nobody' }))).status).toBe(401)
  })

  it('a disabled client: 401 invalid_token', async () => {
    expect((await withToken(await jwtAccessToken({ client_id: 'off' }))).status).toBe(401)
  })

  it('a token in the query string: 400 invalid_request', async () => {
    const response = await call({ url: `${URL_}?access_token=${await jwtAccessToken()}` })
    expect(response.status).toBe(400)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"')
  })

  it('other methods: 405', async () => {
    const response = await call({ method: 'PUT' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
  })
})
