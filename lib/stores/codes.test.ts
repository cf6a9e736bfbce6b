import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { hashHandle, newHandle } from '../tokens/handles'
import { createAuthorization, findAuthorization, isFamilyGone, revokeAuthorization } from './authorizations'
import { findCode, redeemCodeOnce, storeCode, type AuthorizationCodeData } from './codes'
import { grantRow } from './grants'
import { createUser } from './users'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  await createUser({ username: 'alice', password: 'alice-password', subjectId: 'alice', claims: { name: 'Alice' } }, t.db)
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

  it('omits optional bindings that were not given', async () => {
    const { handle } = await newCode({ codeChallenge: undefined, codeChallengeMethod: undefined, nonce: undefined })
    const result = await findCode(handle, t.db)
    if (result.outcome !== 'usable') throw new Error('expected usable')
    expect(result.code).not.toHaveProperty('codeChallenge')
    expect(result.code).not.toHaveProperty('nonce')
  })

  it('treats unknown codes as invalid', async () => {
    expect(await findCode(newHandle(), t.db)).toEqual({ outcome: 'invalid' })
    expect(await redeemCodeOnce(newHandle(), [], t.db)).toBe(false)
  })

  it('accepts a code one second before it expires', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const { handle } = await newCode({}, 60)
    testClock.advance(59)
    expect((await findCode(handle, t.db)).outcome).toBe('usable')
    expect(await redeemCodeOnce(handle, [], t.db)).toBe(true)
  })

  it('revoking the family deletes its codes (cascade)', async () => {
    const { handle, authorizationId } = await newCode()
    expect(await revokeAuthorization(authorizationId, t.db)).toBe(true)
    expect(await findAuthorization(authorizationId, t.db)).toBeNull()
    expect(await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } })).toBeNull()
    expect(await findCode(handle, t.db)).toEqual({ outcome: 'invalid' })
    expect(await revokeAuthorization(authorizationId, t.db)).toBe(false)
  })
})

describe('findCode + redeemCodeOnce (the token endpoint: read, build, then consume and store at once)', () => {
  /** A reference-token row of the code's family, as the exchange would store it. */
  const tokenOf = (authorizationId: string, handle = newHandle()) => ({ handle, row: grantRow('reference_token', handle, { clientId: 'web', subjectId: 'alice', authorizationId }, new Date(Date.now() + 60_000), { claims: {} }) })
  const stored = (handle: string) => t.db.persistedGrant.count({ where: { key: hashHandle(handle) } })

  it('reads a code with its user and changes nothing', async () => {
    const { handle, data } = await newCode()
    const found = await findCode(handle, t.db)
    expect(found.outcome).toBe('usable')
    if (found.outcome !== 'usable') return
    expect(found.code).toMatchObject(data)
    expect(found.user).toMatchObject({ subjectId: 'alice', username: 'alice', enabled: true, claims: { name: 'Alice' } })
    expect((await t.db.persistedGrant.findUnique({ where: { key: hashHandle(handle) } }))?.consumedTime).toBeNull()
    expect((await findCode(handle, t.db)).outcome).toBe('usable')
  })

  it('consumes the code and stores the tokens together; a second redemption stores nothing', async () => {
    const { handle, authorizationId } = await newCode()
    const first = tokenOf(authorizationId)
    expect(await redeemCodeOnce(handle, [first.row], t.db)).toBe(true)
    expect(await stored(first.handle)).toBe(1)
    expect(await findCode(handle, t.db)).toEqual({ outcome: 'replayed', clientId: 'web', authorizationId })
    const second = tokenOf(authorizationId)
    expect(await redeemCodeOnce(handle, [second.row], t.db)).toBe(false)
    expect(await stored(second.handle)).toBe(0)
  })

  it('of 20 concurrent redemptions exactly one commits, with its tokens only', async () => {
    const { handle, authorizationId } = await newCode()
    const tokens = Array.from({ length: 20 }, () => tokenOf(authorizationId))
    const results = await Promise.all(tokens.map((token) => redeemCodeOnce(handle, [token.row], t.db)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = tokens[results.indexOf(true)]!
    expect(await stored(winner.handle)).toBe(1)
    expect(await t.db.persistedGrant.count({ where: { authorizationId, type: 'reference_token' } })).toBe(1)
  })

  it('leaves nothing half-written when a token cannot be stored: the code stays unconsumed', async () => {
    const { handle, authorizationId } = await newCode()
    const good = tokenOf(authorizationId)
    const orphan = tokenOf('no-such-family') // foreign key violation
    const failure = await redeemCodeOnce(handle, [good.row, orphan.row], t.db).catch((error: unknown) => error)
    // Recognised as "the family is gone", which the code exchange answers with invalid_grant.
    expect(isFamilyGone(failure)).toBe(true)
    expect(await stored(good.handle)).toBe(0)
    expect((await findCode(handle, t.db)).outcome).toBe('usable')
    expect(await redeemCodeOnce(handle, [good.row], t.db)).toBe(true)
  })

  it('a family revoked before the redemption: nothing is stored, and the error says so', async () => {
    const { handle, authorizationId } = await newCode()
    const token = tokenOf(authorizationId)
    await revokeAuthorization(authorizationId, t.db)
    // The code went with its family (cascade): the redemption finds nothing to consume.
    expect(await redeemCodeOnce(handle, [token.row], t.db)).toBe(false)
    expect(await stored(token.handle)).toBe(0)
  })

  it('refuses an expired code without consuming it, and a revoked one', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const expired = await newCode({}, 60)
    testClock.advance(60)
    expect(await findCode(expired.handle, t.db)).toEqual({ outcome: 'invalid' })
    expect(await redeemCodeOnce(expired.handle, [], t.db)).toBe(false)
    expect((await t.db.persistedGrant.findUnique({ where: { key: hashHandle(expired.handle) } }))?.consumedTime).toBeNull()
    testClock.reset()
    const revoked = await newCode()
    await revokeAuthorization(revoked.authorizationId, t.db)
    expect(await findCode(revoked.handle, t.db)).toEqual({ outcome: 'invalid' })
    expect(await redeemCodeOnce(revoked.handle, [], t.db)).toBe(false)
  })
})
