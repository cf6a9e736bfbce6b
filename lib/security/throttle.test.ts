import { describe, expect, it } from 'vitest'
import { createLoginThrottle, throttledMessage } from './throttle'

const limits = { perAccount: 3, perIp: 5, windowSeconds: 900 }

describe('login throttle', () => {
  it('allows the configured number of failures per account, then refuses with when to retry', async () => {
    const throttle = createLoginThrottle(limits)
    const attempt = { username: 'alice', ip: '127.0.0.1' }
    for (let i = 0; i < 3; i++) expect(await throttle.beginAttempt(attempt)).toEqual({ allowed: true })
    const refused = await throttle.beginAttempt(attempt)
    expect(refused.allowed).toBe(false)
    if (refused.allowed) return
    expect(refused.scope).toBe('account')
    expect(refused.retryAfterSeconds).toBeGreaterThan(0)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(900)
    expect(await throttle.peek({ username: 'ALICE', ip: '127.0.0.2' })).toMatchObject({ allowed: false, scope: 'account' })
    expect(await throttle.peek({ username: 'bob', ip: '127.0.0.2' })).toEqual({ allowed: true })
  })

  it('does not take a point when peeking', async () => {
    const throttle = createLoginThrottle(limits)
    for (let i = 0; i < 10; i++) await throttle.peek({ username: 'zoe', ip: '127.0.0.30' })
    for (let i = 0; i < 3; i++) expect((await throttle.beginAttempt({ username: 'zoe', ip: '127.0.0.30' })).allowed).toBe(true)
  })

  it('counts an account across IPs and regardless of case', async () => {
    const throttle = createLoginThrottle(limits)
    await throttle.beginAttempt({ username: 'Bob', ip: '127.0.0.1' })
    await throttle.beginAttempt({ username: 'bob ', ip: '127.0.0.2' })
    await throttle.beginAttempt({ username: 'BOB', ip: '127.0.0.3' })
    expect((await throttle.beginAttempt({ username: 'bob', ip: '127.0.0.4' })).allowed).toBe(false)
    expect((await throttle.beginAttempt({ username: 'carol', ip: '127.0.0.4' })).allowed).toBe(true)
  })

  it('counts an IP across accounts', async () => {
    const throttle = createLoginThrottle(limits)
    for (let i = 0; i < 5; i++) expect((await throttle.beginAttempt({ username: `user${i}`, ip: '127.0.0.9' })).allowed).toBe(true)
    const refused = await throttle.beginAttempt({ username: 'fresh', ip: '127.0.0.9' })
    expect(refused).toMatchObject({ allowed: false, scope: 'ip' })
    expect(await throttle.peek({ ip: '127.0.0.9' })).toMatchObject({ allowed: false, scope: 'ip' })
    expect(await throttle.peek({ ip: '127.0.0.10' })).toEqual({ allowed: true })
    // A blocked IP does not use up the account's allowance.
    for (let i = 0; i < 3; i++) expect((await throttle.beginAttempt({ username: 'fresh', ip: '127.0.0.10' })).allowed).toBe(true)
  })

  it('does not lock anybody out when parallel attempts race', async () => {
    const throttle = createLoginThrottle(limits)
    const results = await Promise.all(Array.from({ length: 10 }, () => throttle.beginAttempt({ username: 'dave', ip: null })))
    expect(results.filter((r) => r.allowed)).toHaveLength(3)
  })

  it('resets the account on success and gives the IP its point back', async () => {
    const throttle = createLoginThrottle(limits)
    const attempt = { username: 'erin', ip: '127.0.0.20' }
    await throttle.beginAttempt(attempt)
    await throttle.beginAttempt(attempt)
    await throttle.beginAttempt(attempt)
    await throttle.attemptSucceeded(attempt)
    for (let i = 0; i < 2; i++) expect((await throttle.beginAttempt(attempt)).allowed).toBe(true)
    // IP: 5 taken, 1 returned → one more allowed, then refused.
    expect((await throttle.beginAttempt({ username: 'other', ip: '127.0.0.20' })).allowed).toBe(true)
    expect((await throttle.beginAttempt({ username: 'other', ip: '127.0.0.20' })).allowed).toBe(false)
  })

  it('forgets failures after the window', async () => {
    const throttle = createLoginThrottle({ perAccount: 1, perIp: 10, windowSeconds: 1 })
    const attempt = { username: 'frank', ip: null }
    await throttle.beginAttempt(attempt)
    expect((await throttle.beginAttempt(attempt)).allowed).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await throttle.beginAttempt(attempt)).allowed).toBe(true)
  })

  it('says when to retry in words', () => {
    expect(throttledMessage(1)).toBe('Too many failed sign-in attempts. Please try again in 1 second.')
    expect(throttledMessage(45)).toBe('Too many failed sign-in attempts. Please try again in 45 seconds.')
    expect(throttledMessage(840)).toBe('Too many failed sign-in attempts. Please try again in 14 minutes.')
  })
})
