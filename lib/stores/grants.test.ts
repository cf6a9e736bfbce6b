import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { newHandle } from '../tokens/handles'
import { findReferenceToken, storeReferenceToken } from './grants'
import { createAuthorization, revokeAuthorization } from './authorizations'

let test: TestDb
beforeAll(async () => {
  test = await createTestDb()
})
afterAll(() => test.dispose())
afterEach(() => testClock.reset())

describe('reference tokens', () => {
  it('are found by their handle until they expire', async () => {
    testClock.set(new Date('2030-06-01T12:00:00Z'))
    const handle = newHandle()
    await storeReferenceToken(handle, { clientId: 'c', expiration: new Date('2030-06-01T13:00:00Z'), claims: { scope: 'a', aud: 'api' } }, test.db)
    const found = await findReferenceToken(handle, test.db)
    expect(found).toMatchObject({ clientId: 'c', claims: { scope: 'a', aud: 'api' }, expiration: new Date('2030-06-01T13:00:00Z') })
    expect(found?.creationTime).toEqual(new Date('2030-06-01T12:00:00Z'))
    testClock.set(new Date('2030-06-01T12:59:59Z'))
    expect(await findReferenceToken(handle, test.db)).not.toBeNull()
    testClock.set(new Date('2030-06-01T13:00:00Z'))
    expect(await findReferenceToken(handle, test.db)).toBeNull()
  })

  it('an unknown handle, or a handle of another grant type, finds nothing', async () => {
    expect(await findReferenceToken(newHandle(), test.db)).toBeNull()
    const handle = newHandle()
    await storeReferenceToken(handle, { clientId: 'c', expiration: new Date('2099-01-01T00:00:00Z'), claims: {} }, test.db)
    await test.db.persistedGrant.updateMany({ where: { clientId: 'c', expiration: new Date('2099-01-01T00:00:00Z') }, data: { type: 'refresh_token' } })
    expect(await findReferenceToken(handle, test.db)).toBeNull()
  })

  it('keep their user, session and family, and go when the family is revoked', async () => {
    const authorizationId = await createAuthorization({ clientId: 'web', subjectId: 'u1', sessionId: 's1', scopes: ['a'] }, test.db)
    const handle = newHandle()
    await storeReferenceToken(handle, { clientId: 'web', subjectId: 'u1', sessionId: 's1', authorizationId, expiration: new Date('2099-01-01T00:00:00Z'), claims: { sub: 'u1' } }, test.db)
    expect(await findReferenceToken(handle, test.db)).toMatchObject({ clientId: 'web', subjectId: 'u1', sessionId: 's1', authorizationId })
    expect(await revokeAuthorization(authorizationId, test.db)).toBe(true)
    expect(await findReferenceToken(handle, test.db)).toBeNull()
  })
})
