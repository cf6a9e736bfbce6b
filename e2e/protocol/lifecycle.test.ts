// Token lifecycle over HTTP with oauth4webapi: refresh tokens (both usages, both expirations,
// narrower scopes, rotation with reuse detection and its grace period, concurrent use),
// introspection (RFC 7662) and revocation (RFC 7009). Refresh tokens come from real code
// exchanges after a real sign-in (support/http-sign-in.ts). The server's clock cannot be
// moved from here, so "later" is made by moving the stored timestamps back instead (the
// server reads them on every request); those tests need the database and are skipped
// against an external server.
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDb, type Db } from '../../lib/db/client'
import { hashHandle } from '../../lib/tokens/handles'
import { authorizeOverHttp, signInOverHttp, type HttpSession } from './support/http-sign-in'

const baseUrl = inject('baseUrl')
const databaseFile = inject('databaseFile')
const issuer = new URL(baseUrl)
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only
const REDIRECT = 'http://127.0.0.1:9/lc/callback'
const FULL = 'openid profile lc.read offline_access'
const withDb = it.skipIf(!databaseFile)

type ClientName = 'lc-rotate' | 'lc-rotate-sliding' | 'lc-reuse' | 'lc-reuse-sliding' | 'lc-reference' | 'lc-other'

let as: oauth.AuthorizationServer
let session: HttpSession
let db: Db | null = null

beforeAll(async () => {
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
  session = await signInOverHttp(baseUrl, 'lc-alice', 'lc-alice-password')
  if (databaseFile) db = createDb(`file:${databaseFile}`)
})
afterAll(async () => {
  await db?.$disconnect()
})

const client = (id: string): oauth.Client => ({ client_id: id })
const auth = (id: string) => oauth.ClientSecretBasic(`${id}-secret`)
const api = (name: 'lc-api' | 'lc-api-2') => ({ client: client(name), auth: oauth.ClientSecretBasic(`${name}-secret`) })

/** Signs nothing new: authorizes with the shared session and exchanges the code. */
async function grant(id: ClientName, scope = FULL): Promise<oauth.TokenEndpointResponse & { refresh_token: string }> {
  const { callback, verifier } = await authorizeOverHttp(as, session, { clientId: id, redirectUri: REDIRECT }, scope)
  const response = await oauth.authorizationCodeGrantRequest(as, client(id), auth(id), callback, REDIRECT, verifier, insecure)
  const tokens = await oauth.processAuthorizationCodeResponse(as, client(id), response)
  expect(tokens.refresh_token, 'a refresh token from the code exchange').toBeTypeOf('string')
  return tokens as oauth.TokenEndpointResponse & { refresh_token: string }
}

async function refresh(id: string, refreshToken: string, scope?: string): Promise<oauth.TokenEndpointResponse> {
  const parameters = scope ? { scope } : undefined
  const response = await oauth.refreshTokenGrantRequest(as, client(id), auth(id), refreshToken, { ...insecure, additionalParameters: parameters })
  expect(response.headers.get('cache-control')).toBe('no-store')
  return oauth.processRefreshTokenResponse(as, client(id), response)
}

/** The OAuth error code a rejected call produced. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return error.error
    // A 401 with a challenge (RFC 6749 §5.2 Basic): the error code is still in the body.
    if (error instanceof oauth.WWWAuthenticateChallengeError) return ((await error.response.json()) as { error: string }).error
    throw error
  }
  throw new Error('expected an OAuth error response')
}

async function introspect(caller: { client: oauth.Client; auth: oauth.ClientAuth }, token: string, hint?: string) {
  const response = await oauth.introspectionRequest(as, caller.client, caller.auth, token, { ...insecure, ...(hint && { additionalParameters: { token_type_hint: hint } }) })
  expect(response.headers.get('cache-control')).toBe('no-store')
  return oauth.processIntrospectionResponse(as, caller.client, response)
}

async function revoke(id: string, token: string, hint?: string): Promise<void> {
  const response = await oauth.revocationRequest(as, client(id), auth(id), token, { ...insecure, ...(hint && { additionalParameters: { token_type_hint: hint } }) })
  return oauth.processRevocationResponse(response)
}

const row = (handle: string) => db!.persistedGrant.findUniqueOrThrow({ where: { key: hashHandle(handle) } })
const setRow = (handle: string, data: { expiration?: Date; consumedTime?: Date }) => db!.persistedGrant.update({ where: { key: hashHandle(handle) }, data })
const familyOf = async (handle: string) => (await row(handle)).authorizationId!
const liveRefreshTokens = (authorizationId: string) => db!.persistedGrant.findMany({ where: { authorizationId, type: 'refresh_token', consumedTime: null } })

describe('discovery', () => {
  it('announces introspection, revocation and the refresh_token grant', () => {
    expect(as.introspection_endpoint).toBe(`${baseUrl}/connect/introspect`)
    expect(as.revocation_endpoint).toBe(`${baseUrl}/connect/revocation`)
    expect(as.grant_types_supported).toContain('refresh_token')
    expect(as.introspection_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']))
    expect(as.revocation_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']))
  })
})

describe('refresh: OneTimeOnly', () => {
  withDb('Absolute: every use returns a new token, the used one is spent, the expiry never moves', async () => {
    const first = await grant('lc-rotate')
    const expiry = (await row(first.refresh_token)).expiration
    const a = await refresh('lc-rotate', first.refresh_token)
    expect(a.refresh_token).toBeTypeOf('string')
    expect(a.refresh_token).not.toBe(first.refresh_token)
    expect((await row(first.refresh_token)).consumedTime).not.toBeNull()
    const b = await refresh('lc-rotate', a.refresh_token!)
    expect((await row(b.refresh_token!)).expiration).toEqual(expiry)
    // Once past the absolute expiry, the family ends.
    await setRow(b.refresh_token!, { expiration: new Date(Date.now() - 1000) })
    expect(await errorOf(refresh('lc-rotate', b.refresh_token!))).toBe('invalid_grant')
  })

  withDb('Sliding: each use moves the expiry to now + sliding lifetime, never past the absolute cap', async () => {
    const first = await grant('lc-rotate-sliding')
    const created = (await row(first.refresh_token)).creationTime
    const before = Date.now()
    const a = await refresh('lc-rotate-sliding', first.refresh_token)
    const after = Date.now()
    const expiration = (await row(a.refresh_token!)).expiration!.getTime()
    expect(expiration).toBeGreaterThanOrEqual(before - 1000 + 600_000)
    expect(expiration).toBeLessThanOrEqual(after + 1000 + 600_000)
    expect(expiration).toBeLessThanOrEqual(created.getTime() + 3_600_000)
    // Left unused past its sliding expiry, it is dead.
    await setRow(a.refresh_token!, { expiration: new Date(Date.now() - 1000) })
    expect(await errorOf(refresh('lc-rotate-sliding', a.refresh_token!))).toBe('invalid_grant')
  })
})

describe('refresh: ReUse', () => {
  withDb('Absolute: the same token every time, its expiry unchanged', async () => {
    const first = await grant('lc-reuse')
    const expiry = (await row(first.refresh_token)).expiration
    expect((await refresh('lc-reuse', first.refresh_token)).refresh_token).toBe(first.refresh_token)
    expect((await refresh('lc-reuse', first.refresh_token)).refresh_token).toBe(first.refresh_token)
    expect((await row(first.refresh_token)).expiration).toEqual(expiry)
    await setRow(first.refresh_token, { expiration: new Date(Date.now() - 1000) })
    expect(await errorOf(refresh('lc-reuse', first.refresh_token))).toBe('invalid_grant')
  })

  withDb('Sliding: the same token, its expiry moved on by each use', async () => {
    const first = await grant('lc-reuse-sliding')
    await setRow(first.refresh_token, { expiration: new Date(Date.now() + 10_000) })
    const before = Date.now()
    expect((await refresh('lc-reuse-sliding', first.refresh_token)).refresh_token).toBe(first.refresh_token)
    expect((await row(first.refresh_token)).expiration!.getTime()).toBeGreaterThanOrEqual(before - 1000 + 600_000)
  })
})

describe('refresh: scope', () => {
  it('may narrow the access token; the refresh token keeps the original scopes', async () => {
    const first = await grant('lc-rotate')
    const narrow = await refresh('lc-rotate', first.refresh_token, 'lc.read')
    expect(narrow.scope).toBe('lc.read')
    expect(narrow.id_token).toBeUndefined()
    const full = await refresh('lc-rotate', narrow.refresh_token!)
    expect(full.scope).toBe(FULL)
    expect(full.id_token).toBeTypeOf('string')
  })

  it('may never widen it (invalid_scope)', async () => {
    const first = await grant('lc-rotate', 'openid lc.read offline_access')
    expect(await errorOf(refresh('lc-rotate', first.refresh_token, 'openid lc.read lc2.read offline_access'))).toBe('invalid_scope')
  })
})

describe('refresh: binding and reuse', () => {
  it("refuses another client's refresh token, leaving it usable", async () => {
    const first = await grant('lc-rotate')
    expect(await errorOf(refresh('lc-other', first.refresh_token))).toBe('invalid_grant')
    expect((await refresh('lc-rotate', first.refresh_token)).access_token).toBeTypeOf('string')
  })

  it('a retry within the grace period gets the same successor, and the family survives', async () => {
    const first = await grant('lc-rotate')
    const a = await refresh('lc-rotate', first.refresh_token)
    const retry = await refresh('lc-rotate', first.refresh_token)
    expect(retry.refresh_token).toBe(a.refresh_token)
    expect(retry.access_token).not.toBe(a.access_token)
    expect((await refresh('lc-rotate', a.refresh_token!)).refresh_token).toBeTypeOf('string')
  })

  withDb('reuse outside the grace period revokes the whole family', async () => {
    const first = await grant('lc-reference')
    const a = await refresh('lc-reference', first.refresh_token)
    const accessToken = a.access_token
    expect((await introspect(api('lc-api'), accessToken)).active).toBe(true)
    // The first use happened two minutes ago (the grace period is 60 s).
    await setRow(first.refresh_token, { consumedTime: new Date(Date.now() - 120_000) })
    expect(await errorOf(refresh('lc-reference', first.refresh_token))).toBe('invalid_grant')
    expect(await errorOf(refresh('lc-reference', a.refresh_token!))).toBe('invalid_grant')
    expect(await introspect(api('lc-api'), accessToken)).toEqual({ active: false })
  })

  withDb('20 parallel refreshes of one token: all answered with one successor, one family, one live token', async () => {
    const first = await grant('lc-rotate')
    const family = await familyOf(first.refresh_token)
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh('lc-rotate', first.refresh_token)))
    const successors = new Set(results.map((r) => r.refresh_token))
    expect(successors.size).toBe(1)
    const [successor] = successors
    expect(successor).not.toBe(first.refresh_token)
    expect((await liveRefreshTokens(family)).map((r) => r.key)).toEqual([hashHandle(successor!)])
    expect(await db!.authorization.count({ where: { id: family } })).toBe(1)
  })

  withDb('a disabled user can no longer refresh', async () => {
    const bob = await signInOverHttp(baseUrl, 'lc-bob', 'lc-bob-password')
    const { callback, verifier } = await authorizeOverHttp(as, bob, { clientId: 'lc-rotate', redirectUri: REDIRECT }, FULL)
    const tokens = await oauth.processAuthorizationCodeResponse(as, client('lc-rotate'), await oauth.authorizationCodeGrantRequest(as, client('lc-rotate'), auth('lc-rotate'), callback, REDIRECT, verifier, insecure))
    await db!.user.update({ where: { username: 'lc-bob' }, data: { enabled: false } })
    try {
      expect(await errorOf(refresh('lc-rotate', tokens.refresh_token!))).toBe('invalid_grant')
    } finally {
      await db!.user.update({ where: { username: 'lc-bob' }, data: { enabled: true } })
    }
  })
})

describe('introspection', () => {
  it('describes a JWT access token to an API in its audience, and to no other caller', async () => {
    const tokens = await grant('lc-rotate')
    const active = await introspect(api('lc-api'), tokens.access_token)
    expect(active).toMatchObject({ active: true, token_type: 'access_token', client_id: 'lc-rotate', sub: 'lc-alice-sub', iss: baseUrl, aud: 'lc-api', scope: FULL })
    for (const claim of ['exp', 'iat', 'nbf', 'jti']) expect(active[claim], claim).toBeDefined()
    expect(await introspect(api('lc-api-2'), tokens.access_token)).toEqual({ active: false })
    expect(await introspect({ client: client('lc-rotate'), auth: auth('lc-rotate') }, tokens.access_token)).toEqual({ active: false })
  })

  it('describes a reference access token with its user claims', async () => {
    const tokens = await grant('lc-reference')
    expect(tokens.access_token.split('.')).toHaveLength(1)
    expect(await introspect(api('lc-api'), tokens.access_token, 'access_token')).toMatchObject({ active: true, token_type: 'access_token', client_id: 'lc-reference', sub: 'lc-alice-sub', email: 'alice@lifecycle.test' })
  })

  it('describes a refresh token only to the client it belongs to (the hint is only a hint)', async () => {
    const tokens = await grant('lc-rotate')
    const own = { client: client('lc-rotate'), auth: auth('lc-rotate') }
    expect(await introspect(own, tokens.refresh_token, 'refresh_token')).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'lc-rotate', sub: 'lc-alice-sub', scope: FULL })
    expect((await introspect(own, tokens.refresh_token, 'access_token')).active).toBe(true)
    expect(await introspect({ client: client('lc-other'), auth: auth('lc-other') }, tokens.refresh_token)).toEqual({ active: false })
    expect(await introspect(api('lc-api'), tokens.refresh_token)).toEqual({ active: false })
  })

  it('answers exactly {"active":false} for garbage', async () => {
    for (const token of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'x'.repeat(5000)]) {
      const response = await oauth.introspectionRequest(as, client('lc-api'), api('lc-api').auth, token, insecure)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ active: false })
    }
  })

  it('refuses callers without or with wrong credentials (401 invalid_client)', async () => {
    const none = await fetch(as.introspection_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' })
    expect(none.status).toBe(401)
    expect((await none.json()).error).toBe('invalid_client')
    expect(await errorOf(introspect({ client: client('lc-api'), auth: oauth.ClientSecretBasic('wrong') }, 'x'))).toBe('invalid_client')
    expect(await errorOf(introspect({ client: client('lc-api'), auth: oauth.ClientSecretPost('wrong') }, 'x'))).toBe('invalid_client')
  })
})

describe('revocation', () => {
  it('revoking a refresh token revokes its family: refresh fails, reference tokens go inactive', async () => {
    const tokens = await grant('lc-reference')
    const a = await refresh('lc-reference', tokens.refresh_token)
    await revoke('lc-reference', a.refresh_token!, 'refresh_token')
    expect(await errorOf(refresh('lc-reference', a.refresh_token!))).toBe('invalid_grant')
    expect(await introspect(api('lc-api'), tokens.access_token)).toEqual({ active: false })
    expect(await introspect(api('lc-api'), a.access_token)).toEqual({ active: false })
  })

  it('revoking a reference access token ends it alone', async () => {
    const tokens = await grant('lc-reference')
    await revoke('lc-reference', tokens.access_token, 'access_token')
    expect(await introspect(api('lc-api'), tokens.access_token)).toEqual({ active: false })
    expect((await refresh('lc-reference', tokens.refresh_token)).access_token).toBeTypeOf('string')
  })

  it("another client's revocation is answered 200 and changes nothing", async () => {
    const tokens = await grant('lc-rotate')
    await revoke('lc-other', tokens.refresh_token)
    expect((await refresh('lc-rotate', tokens.refresh_token)).access_token).toBeTypeOf('string')
  })

  it('unknown tokens are answered 200; JWT access tokens are unsupported_token_type', async () => {
    await expect(revoke('lc-rotate', 'no-such-token')).resolves.toBeUndefined()
    const tokens = await grant('lc-rotate')
    expect(await errorOf(revoke('lc-rotate', tokens.access_token))).toBe('unsupported_token_type')
  })

  it('requires client authentication', async () => {
    expect(await errorOf(oauth.revocationRequest(as, client('lc-rotate'), oauth.ClientSecretBasic('wrong'), 'x', insecure).then(oauth.processRevocationResponse))).toBe('invalid_client')
  })
})
