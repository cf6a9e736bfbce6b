// Throttling, with rate-limiter-flexible's limiters underneath (OWASP Authentication Cheat
// Sheet, "Protect against automated attacks"; the library's "login endpoint protection"
// recipe). Two shapes:
//
// - Failure throttles, for guessing: password sign-in (per account) and client
//   authentication (per client_id). Failures are counted in fixed windows under three keys:
//   subject + IP, subject, and IP. The subject + IP counter is the lock-out: it shuts the
//   guessing IP out of that account (client) and nobody else. The subject counter is a much
//   higher cap on guessing spread over many IPs, and the IP counter limits one IP across
//   subjects. So a victim is locked out of their account only by failures from many IPs at
//   once, each of them limited too, and only until the window ends (README "Security").
// - Request budgets per caller and minute: the token endpoint per client, introspection and
//   revocation per caller.
//
// Counters live in this process (RateLimiterMemory) by default, or in the database
// (RateLimiterPrisma on the RateLimiterFlexible table, lib/stores/rate-limits.ts) when
// RATE_LIMIT_STORE=database, so that several processes share them: a CounterStore makes the
// limiter of each counter, and nothing else here knows where they live. The process-wide
// throttles are kept on globalThis, so the server action, route handlers and proxy.ts (bundled
// separately) share them. rate-limiter-flexible reads Date.now(), not lib/clock: unit tests
// move the clock with vitest's fake timers.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { loadSettings, type FailureLimitSettings, type ThrottleSettings } from '../config/env'

// ---------------------------------------------------------------- counters

export interface CounterSpec {
  /** Key prefix: one name per kind of counter (`login-ip`, `token`...). */
  name: string
  /** Points allowed per window. */
  points: number
  durationSeconds: number
}

/** Makes the limiter that keeps one kind of counter: in memory, or in a shared store. */
export type CounterStore = (spec: CounterSpec) => RateLimiterAbstract

export const memoryCounters: CounterStore = (spec) => new SyncMemoryLimiter({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSeconds })

interface MemoryStorage {
  get(key: string): RateLimiterRes | null
  incrby(key: string, value: number, durationSec: number): RateLimiterRes
}

/**
 * RateLimiterMemory with synchronous twins of get() and consume() (no block duration, no
 * execEvenly: the options used here). Its counters are a Map in this process, so there is
 * nothing to wait for, and the token endpoint asks four of them per request: a promise each
 * is measurable on Node 20, where every promise pays the async hooks Next.js turns on.
 * `_memoryStorage` is the library's own (rate-limiter-flexible 11, pinned in package.json);
 * throttle.test.ts checks that both paths count alike.
 */
export class SyncMemoryLimiter extends RateLimiterMemory {
  private get storage(): MemoryStorage {
    return (this as unknown as { _memoryStorage: MemoryStorage })._memoryStorage
  }

  /** get(): the key's state, or null when it has none in this window. */
  getNow(key: string): RateLimiterRes | null {
    return this.storage.get(this.getKey(key))
  }

  /** consume(key, 1): the state after taking the point (over the limit when consumedPoints > points). */
  consumeNow(key: string): RateLimiterRes {
    return this.storage.incrby(this.getKey(key), 1, this.duration)
  }
}

interface Counter {
  /** Takes a point; the seconds to wait when that went over the limit, else undefined. */
  take(key: string): Promise<number | undefined>
  /** Whether the next point would go over the limit (seconds to wait), without taking one. */
  peek(key: string): Promise<number | undefined>
  giveBack(key: string): Promise<void>
  clear(key: string): Promise<void>
  /** take() and peek() without a promise, for counters kept in this process (else absent). */
  takeNow?(key: string): number | undefined
  peekNow?(key: string): number | undefined
}

function counter(store: CounterStore, spec: CounterSpec): Counter {
  const limiter = store(spec)
  const now =
    limiter instanceof SyncMemoryLimiter
      ? {
          takeNow(key: string) {
            const state = limiter.consumeNow(key)
            return state.consumedPoints > spec.points ? seconds(state) : undefined
          },
          peekNow(key: string) {
            const state = limiter.getNow(key)
            return state && state.consumedPoints >= spec.points ? seconds(state) : undefined
          },
        }
      : {}
  return {
    ...now,
    async take(key) {
      try {
        await limiter.consume(key, 1)
        return undefined
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return seconds(rejection)
        throw rejection
      }
    },
    async peek(key) {
      const state = await limiter.get(key)
      return state && state.consumedPoints >= spec.points ? seconds(state) : undefined
    },
    async giveBack(key) {
      await limiter.reward(key, 1)
    },
    async clear(key) {
      await limiter.delete(key)
    },
  }
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
}

// ---------------------------------------------------------------- decisions

export type ThrottleScope = 'ip' | 'subject-and-ip' | 'subject' | 'caller'

export type ThrottleDecision = { allowed: true } | { allowed: false; scope: ThrottleScope; retryAfterSeconds: number }

const ALLOWED: ThrottleDecision = Object.freeze({ allowed: true })
const refused = (scope: ThrottleScope, retryAfterSeconds: number): ThrottleDecision => ({ allowed: false, scope, retryAfterSeconds })

// ---------------------------------------------------------------- failure throttles

export interface FailureAttempt {
  /** The account's username or the client_id; null when none was presented (IP only). */
  subject: string | null
  /** null when the client IP is unknown: then only the subject counters apply. */
  ip: string | null
}

export interface FailureThrottle {
  /**
   * Takes a point from each counter before the credentials are checked (one atomic step per
   * counter, so N parallel guesses cannot all slip past a read-then-write check). The IP is
   * asked first, then subject + IP, then the subject: a refused attempt does not use up the
   * later counters, so an attacker's blocked IP stops adding to the account's total.
   */
  beginAttempt(attempt: FailureAttempt): Promise<ThrottleDecision>
  /** The attempt succeeded: the subject's failures are forgotten, the IP gets its point back. */
  attemptSucceeded(attempt: FailureAttempt): Promise<void>
  /** Whether the next attempt would be refused, without taking a point (a 429 before any work). */
  peek(attempt: FailureAttempt): Promise<ThrottleDecision>
  /** peek() without a promise when the counters are in this process; undefined otherwise. */
  peekNow(attempt: FailureAttempt): ThrottleDecision | undefined
  /**
   * Counts a failure after the fact, for checks cheap enough to run first and count later
   * (client secrets: a SHA-256). Parallel guesses may then pass `peek` together, so the limit
   * can be exceeded by the number of requests in flight at once; a price paid so that the
   * token endpoint's successful requests cost no counter writes.
   */
  recordFailure(attempt: FailureAttempt): Promise<void>
}

export interface FailureThrottleOptions {
  /** Key prefix, e.g. `login` or `client-auth`. */
  name: string
  limits: FailureLimitSettings
  store?: CounterStore
  /** Subjects that should share one counter (usernames: case and spaces do not count). */
  normalize?: (subject: string) => string
}

/** Keys are bounded, so a huge presented username or client_id cannot bloat the store. */
const MAX_KEY = 200

export function createFailureThrottle(options: FailureThrottleOptions): FailureThrottle {
  const { limits, name } = options
  const store = options.store ?? memoryCounters
  const normalize = options.normalize ?? ((s: string) => s)
  const byIp = counter(store, { name: `${name}-ip`, points: limits.perIp, durationSeconds: limits.windowSeconds })
  const bySubjectAndIp = counter(store, { name: `${name}-subject-ip`, points: limits.perSubjectAndIp, durationSeconds: limits.windowSeconds })
  const bySubject = counter(store, { name: `${name}-subject`, points: limits.perSubject, durationSeconds: limits.windowSeconds })

  /**
   * The counters an attempt is checked against, in order (IP, then subject + IP, then subject:
   * a refused attempt does not use up the later ones), each with its key. With no known IP
   * the pair counter still applies, under "unknown"; with no subject, only the IP's.
   */
  const lanes = (attempt: FailureAttempt): { scope: ThrottleScope; counter: Counter; key: string }[] => {
    const lanes: { scope: ThrottleScope; counter: Counter; key: string }[] = []
    if (attempt.ip !== null) lanes.push({ scope: 'ip', counter: byIp, key: attempt.ip })
    if (attempt.subject !== null) {
      const subject = normalize(attempt.subject).slice(0, MAX_KEY)
      lanes.push({ scope: 'subject-and-ip', counter: bySubjectAndIp, key: `${subject}|${attempt.ip ?? 'unknown'}` })
      lanes.push({ scope: 'subject', counter: bySubject, key: subject })
    }
    return lanes
  }

  return {
    async beginAttempt(attempt) {
      for (const lane of lanes(attempt)) {
        const wait = await lane.counter.take(lane.key)
        if (wait !== undefined) return refused(lane.scope, wait)
      }
      return ALLOWED
    },
    async attemptSucceeded(attempt) {
      for (const lane of lanes(attempt)) {
        if (lane.scope === 'ip') await lane.counter.giveBack(lane.key)
        else await lane.counter.clear(lane.key)
      }
    },
    async peek(attempt) {
      for (const lane of lanes(attempt)) {
        const wait = await lane.counter.peek(lane.key)
        if (wait !== undefined) return refused(lane.scope, wait)
      }
      return ALLOWED
    },
    peekNow(attempt) {
      if (!byIp.peekNow || !bySubjectAndIp.peekNow || !bySubject.peekNow) return undefined
      for (const lane of lanes(attempt)) {
        const wait = lane.counter.peekNow!(lane.key)
        if (wait !== undefined) return refused(lane.scope, wait)
      }
      return ALLOWED
    },
    async recordFailure(attempt) {
      for (const lane of lanes(attempt)) await lane.counter.take(lane.key)
    },
  }
}

// ---------------------------------------------------------------- request budgets

export interface RequestThrottle {
  /** Takes one request from the caller's budget for this minute. */
  take(caller: string): Promise<ThrottleDecision>
  /** take() without a promise when the counter is in this process; undefined otherwise. */
  takeNow(caller: string): ThrottleDecision | undefined
}

/** `perMinute` requests per caller in fixed one-minute windows; 0 = no limit. */
export function createRequestThrottle(name: string, perMinute: number, store: CounterStore = memoryCounters): RequestThrottle {
  if (perMinute <= 0) return { take: async () => ALLOWED, takeNow: () => ALLOWED }
  const budget = counter(store, { name, points: perMinute, durationSeconds: 60 })
  const takeNow = budget.takeNow
  return {
    async take(caller) {
      const wait = await budget.take(caller.slice(0, MAX_KEY))
      return wait === undefined ? ALLOWED : refused('caller', wait)
    },
    takeNow(caller) {
      if (!takeNow) return undefined
      const wait = takeNow(caller.slice(0, MAX_KEY))
      return wait === undefined ? ALLOWED : refused('caller', wait)
    },
  }
}

// ---------------------------------------------------------------- the process's throttles

export interface Throttles {
  /** Password sign-in, per account (usernames compared without case and surrounding spaces). */
  login: FailureThrottle
  /** Client (and API) authentication at the token, introspection and revocation endpoints, per client_id. */
  clientAuth: FailureThrottle
  /** Token requests per authenticated client. */
  token: RequestThrottle
  /** Introspection requests per authenticated caller (API or client). */
  introspection: RequestThrottle
  /** Revocation requests per authenticated client. */
  revocation: RequestThrottle
}

/** Usernames differing only in case or surrounding spaces share one counter. */
const accountKey = (username: string) => username.trim().toLowerCase()

export function createLoginThrottle(limits: FailureLimitSettings, store: CounterStore = memoryCounters): FailureThrottle {
  return createFailureThrottle({ name: 'login', limits, store, normalize: accountKey })
}

export function createThrottles(settings: ThrottleSettings, store: CounterStore = memoryCounters): Throttles {
  return {
    login: createLoginThrottle(settings.login, store),
    clientAuth: createFailureThrottle({ name: 'client-auth', limits: settings.clientAuth, store }),
    token: createRequestThrottle('token', settings.tokenPerMinute, store),
    introspection: createRequestThrottle('introspection', settings.introspectionPerMinute, store),
    revocation: createRequestThrottle('revocation', settings.revocationPerMinute, store),
  }
}

const holder = globalThis as typeof globalThis & { __tokenserviceThrottles?: Throttles; __tokenserviceCounterStore?: CounterStore }

/** The process-wide throttles, from the settings and the configured counter store. */
export function throttles(): Throttles {
  holder.__tokenserviceThrottles ??= createThrottles(loadSettings().throttle, holder.__tokenserviceCounterStore ?? memoryCounters)
  return holder.__tokenserviceThrottles
}

/**
 * Where the process-wide counters live from now on (server start-up, RATE_LIMIT_STORE=
 * database). Set before serving: counters already taken in the old store are forgotten.
 */
export function useCounterStore(store: CounterStore): void {
  holder.__tokenserviceCounterStore = store
  holder.__tokenserviceThrottles = undefined
}

/** The process-wide sign-in throttle (the login action and proxy.ts). */
export function loginThrottle(): FailureThrottle {
  return throttles().login
}

/** "Too many attempts" in words, with when to retry (rounded up to whole minutes past 90 s). */
export function throttledMessage(retryAfterSeconds: number): string {
  const wait =
    retryAfterSeconds <= 90
      ? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`
      : `${Math.ceil(retryAfterSeconds / 60)} minutes`
  return `Too many failed sign-in attempts. Please try again in ${wait}.`
}
