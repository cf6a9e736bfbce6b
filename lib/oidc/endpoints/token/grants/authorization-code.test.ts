// The authorization_code grant through the real token endpoint pipeline (client
// authentication, grant map, generator) on a real SQLite file with real signing keys.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../../../../clock'
import { loadSettings } from '../../../../config/env'
import type { SignInSession } from '../../../../session/types'
import { findClient } from '../../../../stores/clients'
import { storeCode } from '../../../../stores/codes'
import { createAuthorization } from '../../../../stores/authorizations'
import { useAsDefaultDb } from '../../../../test-support/default-db'
import { createTestDb, type TestDb } from '../../../../test-support/test-db'
import { hashHandle, newHandle } from '../../../../tokens/handles'
import { atHash } from '../../../../tokens/id-token'
import { defaultKeyManager } from '../../../../tokens/keys'
import { issueAuthorizationCode } from '../../authorize/generate'
import type { ValidatedAuthorizationRequest } from '../../authorize/request'
import { importFixture } from '../../authorize/test-fixture'
import { s256Challenge } from '../../../shared/pkce'
import { tokenEndpoint } from '../handler'

const issuer = loadSettings().issuer
const VERIFIER = 'dBjftJeZ4CVP-mJ0IGUCeYCoDQ2fSwuHqE7a5WRRjVk'
const CHALLENGE = s256Challenge(VERIFIER)
const AUTH_TIME = new Date('2030-01-01T00:00:00Z')

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  useAsDefaultDb(t.db)
  await importFixture(t.db)
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

const session = (subjectId = 'alice-sub'): SignInSession => ({
  sid: 'sid-alice',
  subjectId,
  authTime: AUTH_TIME,
  amr: ['pwd'],
  ipAddress: null,
  userAgent: null,
  createdAt: AUTH_TIME,
  lastSeenAt: AUTH_TIME,
  expiresAt: new Date(AUTH_TIME.getTime() + 86_400_000),
})

async function newCode(options: { clientId?: string; scopes?: string[]; subjectId?: string; pkce?: boolean; redirectUri?: string } = {}) {
  const clientId = options.clientId ?? 'web'
  const client = (await findClient(clientId, t.db))!
  const request: ValidatedAuthorizationRequest = {
    clientId,
    redirectUri: options.redirectUri ?? client.redirectUris[0]!,
    responseMode: 'query',
    scopes: options.scopes ?? ['openid', 'profile', 'email', 'api1'],
    prompt: [],
    nonce: 'n-0S6_WzA2Mj',
    requestedAt: Date.now(),
    ...(options.pkce !== false && { codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' as const }),
  }
  return issueAuthorizationCode({ request, client, session: session(options.subjectId), scopes: request.scopes }, t.db)
}

const SECRETS: Record<string, string> = { web: 'web-secret', 'no-offline': 'no-offline-secret', consent: 'consent-secret' }

async function exchange(code: string, overrides: Record<string, string | undefined> = {}, clientId = 'web') {
  const values: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: `https://${clientId}.example/cb`,
    code_verifier: VERIFIER,
    ...overrides,
  }
  const body = new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined))
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  const secret = SECRETS[clientId]
  if (secret) headers.authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
  else body.set('client_id', clientId)
  const response = await tokenEndpoint(new Request(`${issuer}/connect/token`, { method: 'POST', headers, body }))
  return { response, json: (await response.json()) as Record<string, unknown> }
}

async function verify(token: string, audience: string): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(await defaultKeyManager().getPublishedJwks())
  return (await jwtVerify(token, jwks, { issuer, audience })).payload
}

/** The Authorization (family) a code belongs to. */
const familyOf = async (code: string) => (await t.db.persistedGrant.findUnique({ where: { key: hashHandle(code) } }))!.authorizationId!

describe('authorization_code: success', () => {
  it('returns an access token and an identity token bound to the sign-in', async () => {
    const code = await newCode()
    const authorizationId = await familyOf(code)
    const { response, json } = await exchange(code)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email api1' })
    expect(json).not.toHaveProperty('refresh_token')

    const access = await verify(json.access_token as string, 'urn:api')
    expect(decodeProtectedHeader(json.access_token as string).typ).toBe('at+jwt')
    expect(access).toMatchObject({
      sub: 'alice-sub',
      client_id: 'web',
      sid: 'sid-alice',
      auth_time: AUTH_TIME.getTime() / 1000,
      scope: 'openid profile email api1',
      // User claims the API asked for: api1 → email, urn:api → name.
      email: 'alice@example.test',
      name: 'Alice Smith',
    })

    const id = await verify(json.id_token as string, 'web')
    expect(decodeProtectedHeader(json.id_token as string)).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(id).toMatchObject({
      sub: 'alice-sub',
      aud: 'web',
      nonce: 'n-0S6_WzA2Mj',
      sid: 'sid-alice',
      amr: ['pwd'],
      auth_time: AUTH_TIME.getTime() / 1000,
      at_hash: atHash(json.access_token as string, 'RS256'),
    })
    // User claims stay in userinfo unless the client asks otherwise.
    expect(id).not.toHaveProperty('email')
    expect(await t.db.authorization.findUnique({ where: { id: authorizationId } })).not.toBeNull()
  })

  it('issues no identity token without openid', async () => {
    const { response, json } = await exchange(await newCode({ scopes: ['api1'] }))
    expect(response.status).toBe(200)
    expect(json).not.toHaveProperty('id_token')
    expect(json.scope).toBe('api1')
  })

  it('lets a public client authenticate with client_id and PKCE only; ES256 identity token with user claims', async () => {
    const { response, json } = await exchange(await newCode({ clientId: 'spa', scopes: ['openid', 'profile'] }), {}, 'spa')
    expect(response.status).toBe(200)
    expect(decodeProtectedHeader(json.id_token as string).alg).toBe('ES256')
    const id = await verify(json.id_token as string, 'spa')
    expect(id).toMatchObject({ name: 'Alice Smith', at_hash: atHash(json.access_token as string, 'ES256') })
    expect(id).not.toHaveProperty('email') // email was not granted
  })

  it('accepts a code issued without PKCE to a confidential client that does not require it', async () => {
    const authorizationId = await createAuthorization({ clientId: 'web', subjectId: 'alice-sub', scopes: ['api1'] }, t.db)
    const handle = newHandle()
    await storeCode(handle, { clientId: 'web', subjectId: 'alice-sub', sessionId: 's', authorizationId, redirectUri: 'https://web.example/cb', scopes: ['api1'], authTime: 1, amr: ['pwd'] }, 60, t.db)
    expect((await exchange(handle, { code_verifier: undefined })).response.status).toBe(200)
  })
})

describe('authorization_code: failures', () => {
  it.each([
    ['no code', { code: undefined }, 'invalid_request'],
    ['no redirect_uri', { redirect_uri: undefined }, 'invalid_request'],
    ['a malformed code_verifier', { code_verifier: 'short' }, 'invalid_request'],
  ])('%s → %s, and the code survives', async (_name, overrides, error) => {
    const code = await newCode()
    const { response, json } = await exchange(code, overrides)
    expect(response.status).toBe(400)
    expect(json.error).toBe(error)
    expect((await exchange(code)).response.status).toBe(200)
  })

  it('an unknown code → invalid_grant', async () => {
    const { response, json } = await exchange(newHandle())
    expect(response.status).toBe(400)
    expect(json.error).toBe('invalid_grant')
  })

  it.each([
    ['another redirect_uri', { redirect_uri: 'https://web.example/cb/' }],
    ['a wrong code_verifier', { code_verifier: 'x'.repeat(43) }],
    ['a missing code_verifier', { code_verifier: undefined }],
  ])('%s → invalid_grant, and the code is spent', async (_name, overrides) => {
    const code = await newCode()
    const { response, json } = await exchange(code, overrides)
    expect(response.status).toBe(400)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(json.error).toBe('invalid_grant')
    expect((await exchange(code)).json.error).toBe('invalid_grant')
  })

  it('refuses a code_verifier for a code issued without a challenge (RFC 9700 §2.1.1)', async () => {
    const code = await newCode({ pkce: false })
    expect((await exchange(code)).json.error).toBe('invalid_grant')
  })

  it('refuses a public client a code issued without PKCE', async () => {
    const code = await newCode({ clientId: 'spa', pkce: false })
    expect((await exchange(code, { code_verifier: undefined }, 'spa')).json.error).toBe('invalid_grant')
  })

  it('refuses a code issued to another client, without revoking its family', async () => {
    const code = await newCode()
    const authorizationId = await familyOf(code)
    expect((await exchange(code, { redirect_uri: 'https://web.example/cb' }, 'no-offline')).json.error).toBe('invalid_grant')
    // The code was spent by the wrong client; its (empty) family is dropped.
    expect(await t.db.authorization.findUnique({ where: { id: authorizationId } })).toBeNull()
  })

  it('refuses an expired code', async () => {
    testClock.set(Date.now())
    const code = await newCode()
    testClock.advance(300)
    expect((await exchange(code)).json.error).toBe('invalid_grant')
  })

  it('refuses a code of a user disabled since', async () => {
    expect((await exchange(await newCode({ subjectId: 'bob-sub' }))).json.error).toBe('invalid_grant')
  })

  it('a public client without client_id is invalid_client', async () => {
    const code = await newCode({ clientId: 'spa' })
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://spa.example/cb', code_verifier: VERIFIER })
    const response = await tokenEndpoint(new Request(`${issuer}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }))
    expect(response.status).toBe(401)
  })
})

describe('authorization_code: replay (RFC 6749 §4.1.2)', () => {
  it('refuses the second use and revokes the family the first use started', async () => {
    const code = await newCode()
    const authorizationId = await familyOf(code)
    expect((await exchange(code)).response.status).toBe(200)
    const replay = await exchange(code)
    expect(replay.response.status).toBe(400)
    expect(replay.json.error).toBe('invalid_grant')
    expect(await t.db.authorization.findUnique({ where: { id: authorizationId } })).toBeNull()
    expect(await t.db.persistedGrant.count({ where: { authorizationId } })).toBe(0)
  })

  it('a replay by another client changes nothing', async () => {
    const code = await newCode()
    const authorizationId = await familyOf(code)
    expect((await exchange(code)).response.status).toBe(200)
    expect((await exchange(code, { redirect_uri: 'https://web.example/cb' }, 'no-offline')).json.error).toBe('invalid_grant')
    expect(await t.db.authorization.findUnique({ where: { id: authorizationId } })).not.toBeNull()
  })

  it('of 10 simultaneous exchanges exactly one gets tokens', async () => {
    const code = await newCode()
    const results = await Promise.all(Array.from({ length: 10 }, () => exchange(code)))
    expect(results.filter((r) => r.response.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.json.error === 'invalid_grant')).toHaveLength(9)
  })
})
