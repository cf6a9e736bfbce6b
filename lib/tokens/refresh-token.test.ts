import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import type { ClientConfig } from '../config/model'
import { isOAuthError } from '../oidc/errors'
import { createAuthorization, findAuthorization } from '../stores/authorizations'
import { storeReferenceToken } from '../stores/grants'
import { findRefreshToken } from '../stores/refresh-tokens'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { hashHandle } from './handles'
import {
  issueRefreshToken,
  openSuccessor,
  refreshTokenExpiration,
  renewRefreshToken,
  resolveRefreshToken,
  sealSuccessor,
  shouldIssueRefreshToken,
  type RefreshTokenOptions,
} from './refresh-token'

const DAY = 86_400
const T0 = new Date('2026-01-01T00:00:00Z')

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

function client(overrides: Partial<ClientConfig> = {}): ClientConfig {
  return {
    clientId: 'web',
    clientName: 'Web',
    enabled: true,
    secrets: [],
    requireClientSecret: true,
    allowedGrantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['https://app.example/cb'],
    postLogoutRedirectUris: [],
    allowedScopes: ['openid', 'profile', 'api1', 'offline_access'],
    allowedCorsOrigins: [],
    requirePkce: true,
    allowPlainTextPkce: false,
    requireConsent: false,
    allowRememberConsent: true,
    allowOfflineAccess: true,
    alwaysIncludeUserClaimsInIdToken: false,
    accessTokenType: 'Jwt',
    identityTokenLifetime: 300,
    accessTokenLifetime: 3600,
    authorizationCodeLifetime: 300,
    refreshTokenUsage: 'OneTimeOnly',
    refreshTokenExpiration: 'Absolute',
    absoluteRefreshTokenLifetime: 30 * DAY,
    slidingRefreshTokenLifetime: 15 * DAY,
    updateAccessTokenClaimsOnRefresh: false,
    allowedIdentityTokenSigningAlgorithms: [],
    ...overrides,
  }
}

const options = (gracePeriodSeconds = 60): RefreshTokenOptions => ({ database: t.db, gracePeriodSeconds })

async function newFamily(c: ClientConfig) {
  const authorizationId = await createAuthorization({ clientId: c.clientId, subjectId: 'alice', sessionId: 'SID1', scopes: ['openid', 'api1', 'offline_access'] }, t.db)
  const handle = await issueRefreshToken(
    { client: c, subjectId: 'alice', sessionId: 'SID1', authorizationId, scopes: ['openid', 'api1', 'offline_access'], authTime: 1_767_225_600, amr: ['pwd'], claims: { name: 'Alice' } },
    { database: t.db },
  )
  return { authorizationId, handle }
}

/** resolve + renew, as the grant does. */
async function refresh(handle: string, c: ClientConfig, opts = options()) {
  const usable = await resolveRefreshToken(handle, c, opts)
  return renewRefreshToken(usable, c, usable.token.claims, opts)
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (isOAuthError(error)) return error.code
    throw error
  }
  throw new Error('expected a rejection')
}

async function familyRows(authorizationId: string) {
  return t.db.persistedGrant.findMany({ where: { authorizationId }, orderBy: { id: 'asc' } })
}

describe('refreshTokenExpiration', () => {
  const created = T0
  it('Absolute: always the original creation plus the absolute lifetime', () => {
    const policy = client({ refreshTokenExpiration: 'Absolute' })
    expect(refreshTokenExpiration(policy, created, new Date(+created + 10 * DAY * 1000))).toEqual(new Date(+created + 30 * DAY * 1000))
  })
  it('Sliding: now plus the sliding lifetime, capped at the absolute lifetime', () => {
    const policy = client({ refreshTokenExpiration: 'Sliding' })
    expect(refreshTokenExpiration(policy, created, new Date(+created + DAY * 1000))).toEqual(new Date(+created + 16 * DAY * 1000))
    expect(refreshTokenExpiration(policy, created, new Date(+created + 20 * DAY * 1000))).toEqual(new Date(+created + 30 * DAY * 1000))
  })
  it('an absolute lifetime of 0 means no cap (Sliding) and no expiry (Absolute), as in Duende', () => {
    expect(refreshTokenExpiration(client({ refreshTokenExpiration: 'Sliding', absoluteRefreshTokenLifetime: 0 }), created, new Date(+created + 100 * DAY * 1000))).toEqual(
      new Date(+created + 115 * DAY * 1000),
    )
    expect(refreshTokenExpiration(client({ absoluteRefreshTokenLifetime: 0 }), created, created)).toBeNull()
  })
})

describe('successor seal', () => {
  it('opens only with the handle it was sealed under', () => {
    const sealed = sealSuccessor('old-handle', 'new-handle')
    expect(sealed).not.toContain('new-handle')
    expect(openSuccessor('old-handle', sealed)).toBe('new-handle')
    expect(openSuccessor('another-handle', sealed)).toBeNull()
    expect(openSuccessor('old-handle', sealed.slice(0, -2) + 'AA')).toBeNull()
    expect(openSuccessor('old-handle', 'garbage')).toBeNull()
  })
})

describe('shouldIssueRefreshToken', () => {
  it('needs allowOfflineAccess, the offline_access scope and the refresh_token grant', () => {
    expect(shouldIssueRefreshToken(client(), ['openid', 'offline_access'])).toBe(true)
    expect(shouldIssueRefreshToken(client(), ['openid'])).toBe(false)
    expect(shouldIssueRefreshToken(client({ allowOfflineAccess: false }), ['openid', 'offline_access'])).toBe(false)
    expect(shouldIssueRefreshToken(client({ allowedGrantTypes: ['authorization_code'] }), ['offline_access'])).toBe(false)
  })
})

describe('issued refresh tokens', () => {
  it('are 256-bit handles stored only as their hash, with everything a refresh needs', async () => {
    testClock.set(T0)
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    expect(Buffer.from(handle, 'base64url')).toHaveLength(32)
    expect(await t.db.persistedGrant.findUnique({ where: { key: handle } })).toBeNull()
    const row = await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })
    expect(row).toMatchObject({ type: 'refresh_token', clientId: 'web', subjectId: 'alice', sessionId: 'SID1', authorizationId })
    expect(JSON.stringify(row)).not.toContain(handle)
    const stored = await findRefreshToken(handle, t.db)
    expect(stored).toMatchObject({ scopes: ['openid', 'api1', 'offline_access'], authTime: 1_767_225_600, amr: ['pwd'], claims: { name: 'Alice' }, originalCreationTime: T0 })
    expect(stored?.expiration).toEqual(new Date(+T0 + 30 * DAY * 1000))
  })
})

describe('OneTimeOnly', () => {
  it('returns a new token each use and consumes the used one', async () => {
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    const first = await refresh(handle, c)
    expect(first.handle).not.toBe(handle)
    expect((await findRefreshToken(handle, t.db))?.consumedTime).not.toBeNull()
    const second = await refresh(first.handle, c)
    expect(second.handle).not.toBe(first.handle)
    const live = (await familyRows(authorizationId)).filter((r) => r.type === 'refresh_token' && !r.consumedTime)
    expect(live.map((r) => r.key)).toEqual([hashHandle(second.handle)])
  })

  it('Absolute: successors keep the original expiry, and the family ends there', async () => {
    testClock.set(T0)
    const c = client({ refreshTokenExpiration: 'Absolute' })
    const { handle } = await newFamily(c)
    testClock.advance(10 * DAY)
    const next = await refresh(handle, c)
    expect(next.token.expiration).toEqual(new Date(+T0 + 30 * DAY * 1000))
    testClock.advance(20 * DAY)
    expect(await rejection(refresh(next.handle, c))).toBe('invalid_grant')
  })

  it('Sliding: each use extends by the sliding lifetime, never past the absolute cap', async () => {
    testClock.set(T0)
    const c = client({ refreshTokenExpiration: 'Sliding' })
    const { handle } = await newFamily(c)
    expect((await findRefreshToken(handle, t.db))?.expiration).toEqual(new Date(+T0 + 15 * DAY * 1000))
    testClock.advance(14 * DAY)
    const a = await refresh(handle, c)
    expect((await findRefreshToken(a.handle, t.db))?.expiration).toEqual(new Date(+T0 + 29 * DAY * 1000))
    testClock.advance(14 * DAY)
    const b = await refresh(a.handle, c)
    expect((await findRefreshToken(b.handle, t.db))?.expiration).toEqual(new Date(+T0 + 30 * DAY * 1000))
    testClock.advance(2 * DAY + 1)
    expect(await rejection(refresh(b.handle, c))).toBe('invalid_grant')
  })

  it('Sliding: a token left unused past its sliding lifetime expires', async () => {
    testClock.set(T0)
    const c = client({ refreshTokenExpiration: 'Sliding' })
    const { handle } = await newFamily(c)
    testClock.advance(15 * DAY + 1)
    expect(await rejection(refresh(handle, c))).toBe('invalid_grant')
  })
})

describe('ReUse', () => {
  it('Absolute: the same token every time, until the absolute expiry', async () => {
    testClock.set(T0)
    const c = client({ refreshTokenUsage: 'ReUse', refreshTokenExpiration: 'Absolute' })
    const { handle } = await newFamily(c)
    expect((await refresh(handle, c)).handle).toBe(handle)
    testClock.advance(29 * DAY)
    expect((await refresh(handle, c)).handle).toBe(handle)
    expect((await findRefreshToken(handle, t.db))?.consumedTime).toBeNull()
    testClock.advance(DAY)
    expect(await rejection(refresh(handle, c))).toBe('invalid_grant')
  })

  it('Sliding: the same token, its expiry moved on by each use up to the cap', async () => {
    testClock.set(T0)
    const c = client({ refreshTokenUsage: 'ReUse', refreshTokenExpiration: 'Sliding' })
    const { handle } = await newFamily(c)
    testClock.advance(10 * DAY)
    expect((await refresh(handle, c)).handle).toBe(handle)
    expect((await findRefreshToken(handle, t.db))?.expiration).toEqual(new Date(+T0 + 25 * DAY * 1000))
    testClock.advance(14 * DAY)
    await refresh(handle, c)
    expect((await findRefreshToken(handle, t.db))?.expiration).toEqual(new Date(+T0 + 30 * DAY * 1000))
    testClock.advance(6 * DAY)
    expect(await rejection(refresh(handle, c))).toBe('invalid_grant')
  })
})

describe('binding and revocation', () => {
  it("refuses another client's token without touching the family", async () => {
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    expect(await rejection(refresh(handle, client({ clientId: 'other' })))).toBe('invalid_grant')
    expect((await findRefreshToken(handle, t.db))?.consumedTime).toBeNull()
    expect(await findAuthorization(authorizationId, t.db)).not.toBeNull()
  })

  it('refuses unknown handles', async () => {
    expect(await rejection(refresh('no-such-token', client()))).toBe('invalid_grant')
  })
})

describe('reuse detection', () => {
  it('outside the grace period revokes the whole family: refresh and reference tokens', async () => {
    testClock.set(T0)
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    await storeReferenceToken('ref-1', { clientId: 'web', subjectId: 'alice', authorizationId, expiration: new Date(+T0 + 3600_000), claims: {} }, t.db)
    const next = await refresh(handle, c)
    testClock.advance(61)
    expect(await rejection(refresh(handle, c))).toBe('invalid_grant')
    expect(await findAuthorization(authorizationId, t.db)).toBeNull()
    expect(await familyRows(authorizationId)).toHaveLength(0)
    expect(await rejection(refresh(next.handle, c))).toBe('invalid_grant')
  })

  it('inside the grace period serves the same successor and the family survives', async () => {
    testClock.set(T0)
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    const first = await refresh(handle, c)
    testClock.advance(59)
    const again = await refresh(handle, c)
    expect(again.handle).toBe(first.handle)
    expect(await findAuthorization(authorizationId, t.db)).not.toBeNull()
    // The successor still works as usual.
    const next = await refresh(again.handle, c)
    expect(next.handle).not.toBe(again.handle)
  })

  it('inside the grace period follows the chain to its newest live token', async () => {
    testClock.set(T0)
    const c = client()
    const { handle } = await newFamily(c)
    const a = await refresh(handle, c)
    const b = await refresh(a.handle, c)
    testClock.advance(30)
    expect((await refresh(handle, c)).handle).toBe(b.handle)
  })

  it('with a grace period of 0 every reuse revokes the family', async () => {
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    await refresh(handle, c, options(0))
    expect(await rejection(refresh(handle, c, options(0)))).toBe('invalid_grant')
    expect(await findAuthorization(authorizationId, t.db)).toBeNull()
  })

  it('20 parallel uses of one token yield one successor and one live chain', async () => {
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => refresh(handle, c)))
    const handles = results.map((r) => (r.status === 'fulfilled' ? r.value.handle : `rejected: ${String(r.reason)}`))
    expect(new Set(handles).size).toBe(1)
    expect(handles[0]).not.toBe(handle)
    expect(await findAuthorization(authorizationId, t.db)).not.toBeNull()
    const rows = (await familyRows(authorizationId)).filter((r) => r.type === 'refresh_token')
    expect(rows).toHaveLength(2)
    expect(rows.filter((r) => !r.consumedTime).map((r) => r.key)).toEqual([hashHandle(handles[0]!)])
  })
})

describe('a family revoked while a refresh is under way', () => {
  it('fails with invalid_grant, not a server error', async () => {
    const c = client()
    const { handle, authorizationId } = await newFamily(c)
    const usable = await resolveRefreshToken(handle, c, options())
    await t.db.authorization.delete({ where: { id: authorizationId } })
    expect(await rejection(renewRefreshToken(usable, c, {}, options()))).toBe('invalid_grant')
  })
})
