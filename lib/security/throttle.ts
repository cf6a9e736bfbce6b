// Throttling of password sign-in (OWASP Authentication Cheat Sheet, "Protect against
// automated attacks"; the "login endpoint protection" recipe of rate-limiter-flexible):
// failures are counted per account and per client IP in fixed 15-minute windows.
//
// Every attempt takes a point *before* the password is checked (one atomic step, so N
// parallel guesses cannot all slip past a read-then-write check); a success gives the
// points back (the account counter is reset, the IP's point returned). So only failures
// stay counted.
//
// The counters live in this process (RateLimiterMemory), kept on globalThis so that the
// server action and the proxy (proxy.ts, bundled separately) share them. To share them
// between processes, swap the limiter factory for RateLimiterPrisma on the
// RateLimiterFlexible table; nothing outside this module changes. RateLimiterMemory uses
// Date.now(), not lib/clock: tests use a short window instead of moving the clock.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

export interface ThrottleLimits {
  /** Failures allowed per account per window. */
  perAccount: number
  /** Failures allowed per client IP per window (several people may share an IP). */
  perIp: number
  /** Window length in seconds. */
  windowSeconds: number
}

export const DEFAULT_LIMITS: ThrottleLimits = { perAccount: 5, perIp: 20, windowSeconds: 15 * 60 }

export interface LoginAttempt {
  username: string
  /** null when the client IP is unknown: then only the account counter applies. */
  ip: string | null
}

export type ThrottleDecision =
  | { allowed: true }
  | { allowed: false; scope: 'account' | 'ip'; retryAfterSeconds: number }

export interface LoginThrottle {
  /** Takes a point for this attempt; not allowed once the account or the IP is over its limit. */
  beginAttempt(attempt: LoginAttempt): Promise<ThrottleDecision>
  /** The attempt succeeded: reset the account's failures, give the IP its point back. */
  attemptSucceeded(attempt: LoginAttempt): Promise<void>
  /** Whether the IP or the account is over its limit, without taking a point (a 429 before any work). */
  peek(attempt: { username?: string | null; ip: string | null }): Promise<ThrottleDecision>
}

export function createLoginThrottle(limits: ThrottleLimits = DEFAULT_LIMITS): LoginThrottle {
  const account = new RateLimiterMemory({ keyPrefix: 'login-account', points: limits.perAccount, duration: limits.windowSeconds })
  const ip = new RateLimiterMemory({ keyPrefix: 'login-ip', points: limits.perIp, duration: limits.windowSeconds })

  return {
    async beginAttempt(attempt) {
      // The IP first: a blocked IP must not also use up the account's allowance.
      if (attempt.ip) {
        const byIp = await take(ip, attempt.ip)
        if (byIp !== undefined) return { allowed: false, scope: 'ip', retryAfterSeconds: byIp }
      }
      const byAccount = await take(account, accountKey(attempt.username))
      if (byAccount !== undefined) return { allowed: false, scope: 'account', retryAfterSeconds: byAccount }
      return { allowed: true }
    },
    async attemptSucceeded(attempt) {
      await account.delete(accountKey(attempt.username))
      if (attempt.ip) await ip.reward(attempt.ip, 1)
    },
    async peek(attempt) {
      const byIp = attempt.ip ? await ip.get(attempt.ip) : null
      if (byIp && byIp.consumedPoints >= limits.perIp) return { allowed: false, scope: 'ip', retryAfterSeconds: seconds(byIp) }
      const byAccount = attempt.username ? await account.get(accountKey(attempt.username)) : null
      if (byAccount && byAccount.consumedPoints >= limits.perAccount) return { allowed: false, scope: 'account', retryAfterSeconds: seconds(byAccount) }
      return { allowed: true }
    },
  }
}

/** Consumes a point; returns the seconds to wait when over the limit, undefined when allowed. */
async function take(limiter: RateLimiterMemory, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key, 1)
    return undefined
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return seconds(rejection)
    throw rejection
  }
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
}

/** Usernames differing only in case or surrounding spaces share one counter. */
function accountKey(username: string): string {
  return username.trim().toLowerCase()
}

const holder = globalThis as typeof globalThis & { __tokenserviceLoginThrottle?: LoginThrottle }

/** The process-wide throttle used by the login page. */
export function loginThrottle(): LoginThrottle {
  holder.__tokenserviceLoginThrottle ??= createLoginThrottle()
  return holder.__tokenserviceLoginThrottle
}

/** "Too many attempts" in words, with when to retry (rounded up to whole minutes past 90 s). */
export function throttledMessage(retryAfterSeconds: number): string {
  const wait =
    retryAfterSeconds <= 90
      ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`
      : `${Math.ceil(retryAfterSeconds / 60)} minutes`
  return `Too many failed sign-in attempts. Please try again in ${wait}.`
}
