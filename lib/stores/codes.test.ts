import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { hashHandle, newHandle } from '../tokens/handles'
import { createAuthorization, findAuthorization, revokeAuthorization } from './authorizations'
import { consumeCodeOnce, storeCode, type AuthorizationCodeData } from './codes'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

async function newCode(overrides: Partial<AuthorizationCodeData> = {}, lifetime = 300) {
  const authorizationId = await createAuthorization({ clientId: 'web', subjectId: 'alice', sessionId: 'sid-1', scopes: ['openid', 'api1'] }, t.db)
  const handle = newHandle()
  const data: AuthorizationCodeData = {
    clientId: 'web',
    subjectId: 'alice',
    sessionId: 'sid-1',
    authorizationId,
    redirectUri: 'https://app.example/cb',
    scopes: ['openid', 'api1'],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    authTime: 1_700_000_000,
    amr: ['pwd'],
    ...overrides,
  }
  await storeCode(handle, data, lifetime, t.db)
  return { handle, data, authorizationId }
}

describe('authorization code store', () => {
  it('stores only the hash of the code', async () => {
    const { handle } = await newCode()
    expect(await t.db.persistedGrant.findUnique({ where: { key: handle } })).toBeNull()
    const row = await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })
    expect(row?.type).toBe('authorization_code')
    expect(JSON.stringify(row)).not.toContain(handle)
  })

  it('returns everything the code was bound to, once', async () => {
    const { handle, data } = await newCode()
    const first = await consumeCodeOnce(handle, t.db)
    expect(first.outcome).toBe('consumed')
    if (first.outcome !== 'consumed') return
    expect(first.code).toMatchObject(data)
    const second = await consumeCodeOnce(handle, t.db)
    expect(second).toEqual({ outcome: 'replayed', clientId: 'web', authorizationId: data.authorizationId })
  })

  it('omits optional bindings that were not given', async () => {
    const { handle } = await newCode({ codeChallenge: undefined, codeChallengeMethod: undefined, nonce: undefined })
    const result = await consumeCodeOnce(handle, t.db)
    if (result.outcome !== 'consumed') throw new Error('expected consumed')
    expect(result.code).not.toHaveProperty('codeChallenge')
    expect(result.code).not.toHaveProperty('nonce')
  })

  it('treats unknown codes as invalid', async () => {
    expect(await consumeCodeOnce(newHandle(), t.db)).toEqual({ outcome: 'invalid' })
  })

  it('treats expired codes as invalid without consuming them', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const { handle } = await newCode({}, 60)
    testClock.advance(60)
    expect(await consumeCodeOnce(handle, t.db)).toEqual({ outcome: 'invalid' })
    const row = await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })
    expect(row?.consumedTime).toBeNull()
  })

  it('accepts a code one second before it expires', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const { handle } = await newCode({}, 60)
    testClock.advance(59)
    expect((await consumeCodeOnce(handle, t.db)).outcome).toBe('consumed')
  })

  it('gives a code to exactly one of 20 concurrent consumers', async () => {
    const { handle } = await newCode()
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeCodeOnce(handle, t.db)))
    expect(results.filter((r) => r.outcome === 'consumed')).toHaveLength(1)
    expect(results.filter((r) => r.outcome === 'replayed')).toHaveLength(19)
  })

  it('gives a code to exactly one of 20 consumers on separate connections', async () => {
    const { createDb } = await import('../db/client')
    const clients = Array.from({ length: 20 }, () => createDb(t.url))
    try {
      const { handle } = await newCode()
      const results = await Promise.all(clients.map((c) => consumeCodeOnce(handle, c)))
      expect(results.filter((r) => r.outcome === 'consumed')).toHaveLength(1)
      expect(results.filter((r) => r.outcome === 'replayed')).toHaveLength(19)
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()))
    }
  })

  it('revoking the family deletes its codes (cascade)', async () => {
    const { handle, authorizationId } = await newCode()
    expect(await revokeAuthorization(authorizationId, t.db)).toBe(true)
    expect(await findAuthorization(authorizationId, t.db)).toBeNull()
    expect(await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })).toBeNull()
    expect(await consumeCodeOnce(handle, t.db)).toEqual({ outcome: 'invalid' })
    expect(await revokeAuthorization(authorizationId, t.db)).toBe(false)
  })
})
