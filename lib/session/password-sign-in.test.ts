import { beforeAll, describe, expect, it } from 'vitest'
import { createLoginThrottle } from '../security/throttle'
import { createUser, findCredentials } from '../stores/users'
import { useTestDb } from '../test-support/use-test-db'
import { hash } from '@node-rs/argon2'
import { checkPassword } from './password-sign-in'

const t = useTestDb()
let alice: string
beforeAll(async () => {
  alice = (await createUser({ username: 'alice', password: 'alice-password' }, t.db)).subjectId
  await createUser({ username: 'mallory', password: 'mallory-password', enabled: false }, t.db)
})

const fresh = () => ({ throttle: createLoginThrottle({ perSubjectAndIp: 3, perSubject: 30, perIp: 10, windowSeconds: 900 }), database: t.db })

describe('password sign-in', () => {
  it('signs in with the right password', async () => {
    expect(await checkPassword({ username: 'alice', password: 'alice-password', ip: '127.0.0.1' }, fresh())).toEqual({
      outcome: 'signed-in',
      subjectId: alice,
    })
  })

  it('gives the same answer for a wrong password, an unknown user and a disabled user', async () => {
    const deps = fresh()
    const wrong = await checkPassword({ username: 'alice', password: 'nope', ip: null }, deps)
    const unknown = await checkPassword({ username: 'nobody', password: 'alice-password', ip: null }, deps)
    const disabled = await checkPassword({ username: 'mallory', password: 'mallory-password', ip: null }, deps)
    expect(wrong).toEqual({ outcome: 'invalid' })
    expect(unknown).toEqual(wrong)
    expect(disabled).toEqual(wrong)
  })

  it('throttles repeated failures, even with the right password, and says when to retry', async () => {
    const deps = fresh()
    for (let i = 0; i < 3; i++) expect((await checkPassword({ username: 'alice', password: 'x', ip: null }, deps)).outcome).toBe('invalid')
    const throttled = await checkPassword({ username: 'alice', password: 'alice-password', ip: null }, deps)
    expect(throttled.outcome).toBe('throttled')
    if (throttled.outcome === 'throttled') expect(throttled.retryAfterSeconds).toBeGreaterThan(0)
  })

  it('resets the account counter after a success', async () => {
    const deps = fresh()
    for (let i = 0; i < 2; i++) await checkPassword({ username: 'alice', password: 'x', ip: null }, deps)
    expect((await checkPassword({ username: 'alice', password: 'alice-password', ip: null }, deps)).outcome).toBe('signed-in')
    for (let i = 0; i < 3; i++) expect((await checkPassword({ username: 'alice', password: 'x', ip: null }, deps)).outcome).toBe('invalid')
  })

  it('upgrades a hash made with weaker parameters', async () => {
    const weak = await hash('legacy-password', { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 })
    await t.db.user.create({ data: { subjectId: 'legacy', username: 'legacy', passwordHash: weak, claims: {} } })
    expect((await checkPassword({ username: 'legacy', password: 'legacy-password', ip: null }, fresh())).outcome).toBe('signed-in')
    const upgraded = (await findCredentials('legacy', t.db))?.passwordHash
    expect(upgraded).not.toBe(weak)
    expect(upgraded).toMatch(/m=19456,t=2,p=1/)
  })
})
