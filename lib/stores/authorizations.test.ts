// "Last used" of a family: recorded to the minute, without a write on every refresh.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { createAuthorization, findAuthorization, touchAuthorization } from './authorizations'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

const T0 = new Date('2030-01-01T00:00:00Z')
const lastUsed = async (id: string) => (await findAuthorization(id, t.db))!.lastUsedAt

describe('touchAuthorization', () => {
  it('leaves a time recorded less than a minute ago, and moves an older one to now', async () => {
    testClock.set(T0)
    const id = await createAuthorization({ clientId: 'web', subjectId: 'alice', scopes: ['openid'] }, t.db)
    testClock.advance(59)
    await touchAuthorization(id, t.db)
    expect(await lastUsed(id)).toEqual(T0)
    testClock.advance(2)
    await touchAuthorization(id, t.db)
    expect(await lastUsed(id)).toEqual(new Date(+T0 + 61_000))
  })

  it('does nothing for a family that is gone', async () => {
    await expect(touchAuthorization('no-such-family', t.db)).resolves.toBeUndefined()
  })
})
