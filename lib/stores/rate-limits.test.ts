// The throttles over the database store (RATE_LIMIT_STORE=database): the same behaviour as in
// memory, and counters shared by every process on the database (two Prisma clients on one
// SQLite file stand for two processes).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFailureThrottle, createLoginThrottle, createRequestThrottle } from '../security/throttle'
import { useTestDbWithOtherProcess } from '../test-support/use-test-db'
import { databaseCounters, listCounters } from './rate-limits'

const t = useTestDbWithOtherProcess()
afterEach(() => {
  vi.useRealTimers()
})

const limits = { perSubjectAndIp: 3, perSubject: 9, perIp: 5, windowSeconds: 900 }

describe('database counters', () => {
  it('keep the sign-in lock-out in the RateLimiterFlexible table', async () => {
    const throttle = createLoginThrottle(limits, databaseCounters(t.db))
    const attempt = { subject: 'Alice', ip: '127.0.0.1' }
    for (let i = 0; i < 3; i++) expect(await throttle.beginAttempt(attempt)).toEqual({ allowed: true })
    expect(await throttle.beginAttempt(attempt)).toMatchObject({ allowed: false, scope: 'subject-and-ip' })
    expect(await throttle.peek({ subject: 'alice', ip: '127.0.0.2' })).toEqual({ allowed: true })
    const keys = (await listCounters(t.db)).map((c) => c.key)
    expect(keys).toEqual(expect.arrayContaining(['login-ip:127.0.0.1', 'login-subject-ip:alice|127.0.0.1', 'login-subject:alice']))
    await throttle.attemptSucceeded({ subject: 'alice', ip: '127.0.0.1' })
    expect(await throttle.beginAttempt(attempt)).toEqual({ allowed: true })
  })

  it('are shared by processes: parallel takes from two clients count together', async () => {
    const here = createRequestThrottle('shared', 5, databaseCounters(t.db))
    const there = createRequestThrottle('shared', 5, databaseCounters(t.other))
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? here : there).take('client-x')))
    expect(results.filter((r) => r.allowed)).toHaveLength(5)
    expect((await listCounters(t.db)).find((c) => c.key === 'shared:client-x')?.points).toBe(16)
  })

  it('a failure recorded by one process is seen by the other', async () => {
    const a = createFailureThrottle({ name: 'client-auth', limits, store: databaseCounters(t.db) })
    const b = createFailureThrottle({ name: 'client-auth', limits, store: databaseCounters(t.other) })
    for (let i = 0; i < 3; i++) await (i % 2 ? a : b).recordFailure({ subject: 'svc', ip: '127.0.0.5' })
    expect(await a.peek({ subject: 'svc', ip: '127.0.0.5' })).toMatchObject({ allowed: false, scope: 'subject-and-ip' })
    expect(await b.peek({ subject: 'svc', ip: '127.0.0.5' })).toMatchObject({ allowed: false, scope: 'subject-and-ip' })
  })

  it('start a new window once the stored one has expired', async () => {
    // Only Date is faked: the database driver keeps its real timers.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') })
    const budget = createRequestThrottle('windowed', 2, databaseCounters(t.db))
    expect((await budget.take('c')).allowed).toBe(true)
    expect((await budget.take('c')).allowed).toBe(true)
    vi.setSystemTime(new Date('2030-01-01T00:00:30Z'))
    expect(await budget.take('c')).toEqual({ allowed: false, scope: 'caller', retryAfterSeconds: 30 })
    vi.setSystemTime(new Date('2030-01-01T00:01:01Z'))
    expect(await budget.take('c')).toEqual({ allowed: true })
  })
})
