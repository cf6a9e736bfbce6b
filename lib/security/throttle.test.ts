import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RateLimiterMemory } from 'rate-limiter-flexible'
import { createFailureThrottle, createLoginThrottle, createRequestThrottle, createThrottles, throttledMessage, type CounterStore, type FailureThrottle } from './throttle'

// rate-limiter-flexible reads Date.now() and clears keys with setTimeout: fake timers move both.
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

const limits = { perSubjectAndIp: 3, perSubject: 9, perIp: 5, windowSeconds: 900 }
const allowed = async (throttle: FailureThrottle, subject: string | null, ip: string | null) => (await throttle.beginAttempt({ subject, ip })).allowed

describe('sign-in throttle: the lock-out', () => {
  it('allows the configured failures per account from one IP, then refuses that IP with when to retry', async () => {
    const throttle = createLoginThrottle(limits)
    const attempt = { subject: 'alice', ip: '127.0.0.1' }
    for (let i = 0; i < 3; i++) expect(await throttle.beginAttempt(attempt)).toEqual({ allowed: true })
    const refused = await throttle.beginAttempt(attempt)
    expect(refused).toMatchObject({ allowed: false, scope: 'subject-and-ip' })
    if (refused.allowed) return
    expect(refused.retryAfterSeconds).toBe(900)
    vi.advanceTimersByTime(300_000)
    expect(await throttle.peek({ subject: 'ALICE ', ip: '127.0.0.1' })).toEqual({ allowed: false, scope: 'subject-and-ip', retryAfterSeconds: 600 })
  })

  it('locks the guessing IP out of the account, not the account out of its owner', async () => {
    const throttle = createLoginThrottle(limits)
    // The attacker keeps going from one IP: refused after 3, and its refusals count nowhere else.
    for (let i = 0; i < 50; i++) await throttle.beginAttempt({ subject: 'victim', ip: '127.0.0.66' })
    expect(await throttle.peek({ subject: 'victim', ip: '127.0.0.66' })).toMatchObject({ allowed: false })
    // The owner, from their own IP, still gets in (and gets their full allowance).
    expect(await throttle.peek({ subject: 'victim', ip: '127.0.0.7' })).toEqual({ allowed: true })
    for (let i = 0; i < 3; i++) expect(await allowed(throttle, 'victim', '127.0.0.7')).toBe(true)
  })

  it('caps guessing spread over many IPs per account, until the window ends', async () => {
    const throttle = createLoginThrottle(limits)
    // 3 IPs × 3 failures = the account's 9.
    for (const ip of ['127.0.0.11', '127.0.0.12', '127.0.0.13']) for (let i = 0; i < 3; i++) expect(await allowed(throttle, 'bob', ip)).toBe(true)
    const refused = await throttle.beginAttempt({ subject: 'Bob', ip: '127.0.0.14' })
    expect(refused).toMatchObject({ allowed: false, scope: 'subject' })
    expect(await allowed(throttle, 'carol', '127.0.0.14')).toBe(true)
    // The lock expires with the window: the owner can sign in again afterwards.
    vi.advanceTimersByTime(900_000 + 1)
    expect(await throttle.peek({ subject: 'bob', ip: '127.0.0.20' })).toEqual({ allowed: true })
    expect(await allowed(throttle, 'bob', '127.0.0.20')).toBe(true)
  })

  it('cannot keep an account locked from one IP: that IP runs out first', async () => {
    const throttle = createLoginThrottle({ perSubjectAndIp: 5, perSubject: 50, perIp: 20, windowSeconds: 900 })
    // Window after window, one IP spends everything it has on the victim.
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < 30; i++) await throttle.beginAttempt({ subject: 'victim', ip: '127.0.0.66' })
      expect(await throttle.peek({ subject: 'victim', ip: '127.0.0.8' })).toEqual({ allowed: true })
      vi.advanceTimersByTime(900_000 + 1)
    }
  })

  it('counts an IP across accounts; a blocked IP does not use up the account', async () => {
    const throttle = createLoginThrottle(limits)
    for (let i = 0; i < 5; i++) expect(await allowed(throttle, `user${i}`, '127.0.0.9')).toBe(true)
    expect(await throttle.beginAttempt({ subject: 'fresh', ip: '127.0.0.9' })).toMatchObject({ allowed: false, scope: 'ip' })
    expect(await throttle.peek({ subject: null, ip: '127.0.0.9' })).toMatchObject({ allowed: false, scope: 'ip' })
    expect(await throttle.peek({ subject: null, ip: '127.0.0.10' })).toEqual({ allowed: true })
    for (let i = 0; i < 3; i++) expect(await allowed(throttle, 'fresh', '127.0.0.10')).toBe(true)
  })

  it('does not take a point when peeking', async () => {
    const throttle = createLoginThrottle(limits)
    for (let i = 0; i < 10; i++) await throttle.peek({ subject: 'zoe', ip: '127.0.0.30' })
    for (let i = 0; i < 3; i++) expect(await allowed(throttle, 'zoe', '127.0.0.30')).toBe(true)
  })

  it('lets exactly the allowance through when attempts race', async () => {
    const throttle = createLoginThrottle(limits)
    const results = await Promise.all(Array.from({ length: 10 }, () => throttle.beginAttempt({ subject: 'dave', ip: null })))
    expect(results.filter((r) => r.allowed)).toHaveLength(3)
  })

  it("forgets the account's failures on success and gives the IP its point back", async () => {
    const throttle = createLoginThrottle(limits)
    const attempt = { subject: 'erin', ip: '127.0.0.20' }
    for (let i = 0; i < 3; i++) await throttle.beginAttempt(attempt)
    await throttle.attemptSucceeded(attempt)
    for (let i = 0; i < 2; i++) expect(await throttle.beginAttempt(attempt)).toEqual({ allowed: true })
    // IP: 5 taken, 1 returned → one more allowed, then refused.
    expect(await allowed(throttle, 'other', '127.0.0.20')).toBe(true)
    expect(await allowed(throttle, 'other', '127.0.0.20')).toBe(false)
  })
})

describe('client authentication throttle (count after the fact)', () => {
  it('refuses at peek once the failures are recorded, per client and IP, per client, per IP', async () => {
    const throttle = createFailureThrottle({ name: 'client-auth', limits })
    for (let i = 0; i < 3; i++) await throttle.recordFailure({ subject: 'svc', ip: '127.0.0.1' })
    expect(await throttle.peek({ subject: 'svc', ip: '127.0.0.1' })).toMatchObject({ allowed: false, scope: 'subject-and-ip' })
    expect(await throttle.peek({ subject: 'svc', ip: '127.0.0.2' })).toEqual({ allowed: true })
    // Client ids are case-sensitive: no normalising.
    expect(await throttle.peek({ subject: 'SVC', ip: '127.0.0.1' })).toEqual({ allowed: true })
    // No client id presented: only the IP counts.
    for (let i = 0; i < 5; i++) await throttle.recordFailure({ subject: null, ip: '127.0.0.3' })
    expect(await throttle.peek({ subject: 'anyone', ip: '127.0.0.3' })).toMatchObject({ allowed: false, scope: 'ip' })
  })
})

describe('synchronous twins of the in-process counters', () => {
  it('peekNow and takeNow count exactly as peek and take, sharing one counter', async () => {
    const throttle = createFailureThrottle({ name: 'client-auth', limits })
    const attempt = { subject: 'svc', ip: '127.0.0.1' }
    expect(throttle.peekNow(attempt)).toEqual({ allowed: true })
    for (let i = 0; i < 3; i++) await throttle.recordFailure(attempt)
    expect(throttle.peekNow(attempt)).toEqual(await throttle.peek(attempt))
    expect(throttle.peekNow(attempt)).toMatchObject({ allowed: false, scope: 'subject-and-ip', retryAfterSeconds: 900 })
    vi.advanceTimersByTime(900_001)
    expect(throttle.peekNow(attempt)).toEqual({ allowed: true })

    const budget = createRequestThrottle('token', 3)
    expect(budget.takeNow('c')).toEqual({ allowed: true })
    expect(await budget.take('c')).toEqual({ allowed: true })
    expect(budget.takeNow('c')).toEqual({ allowed: true })
    expect(budget.takeNow('c')).toEqual({ allowed: false, scope: 'caller', retryAfterSeconds: 60 })
    expect(await budget.take('c')).toMatchObject({ allowed: false })
  })

  it('are absent for counters kept elsewhere (the database store): callers then await', async () => {
    const elsewhere: CounterStore = (spec) => new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSeconds })
    expect(createFailureThrottle({ name: 'x', limits, store: elsewhere }).peekNow({ subject: 'a', ip: null })).toBeUndefined()
    expect(createRequestThrottle('token', 3, elsewhere).takeNow('c')).toBeUndefined()
  })
})

describe('request budgets', () => {
  it('allows the per-minute budget per caller, then refuses until the minute is over', async () => {
    const budget = createRequestThrottle('token', 3)
    for (let i = 0; i < 3; i++) expect(await budget.take('client-a')).toEqual({ allowed: true })
    expect(await budget.take('client-a')).toEqual({ allowed: false, scope: 'caller', retryAfterSeconds: 60 })
    expect(await budget.take('client-b')).toEqual({ allowed: true })
    vi.advanceTimersByTime(45_000)
    expect(await budget.take('client-a')).toEqual({ allowed: false, scope: 'caller', retryAfterSeconds: 15 })
    vi.advanceTimersByTime(15_001)
    expect(await budget.take('client-a')).toEqual({ allowed: true })
  })

  it('0 means no limit', async () => {
    const budget = createRequestThrottle('token', 0)
    for (let i = 0; i < 1000; i++) expect((await budget.take('client-a')).allowed).toBe(true)
  })

  it('are built from the settings, one budget per endpoint', async () => {
    const t = createThrottles({ store: 'memory', tokenPerMinute: 1, introspectionPerMinute: 2, revocationPerMinute: 0, login: limits, clientAuth: limits })
    expect((await t.token.take('c')).allowed).toBe(true)
    expect((await t.token.take('c')).allowed).toBe(false)
    expect((await t.introspection.take('c')).allowed).toBe(true)
    expect((await t.introspection.take('c')).allowed).toBe(true)
    expect((await t.introspection.take('c')).allowed).toBe(false)
    expect((await t.revocation.take('c')).allowed).toBe(true)
  })
})

describe('throttledMessage', () => {
  it('says when to retry in words', () => {
    expect(throttledMessage(1)).toBe('Too many failed sign-in attempts. Please try again in 1 second.')
    expect(throttledMessage(45)).toBe('Too many failed sign-in attempts. Please try again in 45 seconds.')
    expect(throttledMessage(840)).toBe('Too many failed sign-in attempts. Please try again in 14 minutes.')
  })
})
