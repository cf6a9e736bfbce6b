// Throttling at the token, introspection and revocation endpoints (lib/security/throttle.ts
// has the counters and the policy): client authentication under the failure throttle, then
// the caller's request budget. Either limit answers 429 too_many_requests with Retry-After
// (RFC 6585 §4) and Cache-Control: no-store, like every token error.
import { audit } from '../../audit'
import { clientIpFromHeaders } from '../../security/client-ip'
import { throttles as processThrottles, type FailureAttempt, type FailureThrottle, type ThrottleDecision, type Throttles } from '../../security/throttle'
import { isOAuthError, tooManyRequests } from '../errors'
import type { Params } from '../params'
import { readBasic } from './client-auth'

export interface ThrottleDeps {
  /** Defaults to the process-wide throttles. */
  throttles?: Throttles
}

export type BudgetedEndpoint = 'token' | 'introspection' | 'revocation'

/** The client_id a request presents (Basic credentials, else the body), before anything is checked. */
export function presentedClientId(request: Request, params: Params): string | null {
  try {
    return readBasic(request.headers.get('authorization'))?.clientId ?? params.get('client_id') ?? null
  } catch {
    // A malformed Basic header fails authentication anyway; count it by IP alone.
    return params.get('client_id') ?? null
  }
}

/**
 * Runs `authenticate` (client or API authentication) unless the presenting IP or client is
 * over its failure limit; an invalid_client it throws is counted. Successful authentications
 * cost one read per counter and no write (see FailureThrottle.recordFailure).
 *
 * Without a promise when the counters are in this process and `authenticate` answers at once
 * (the caller awaits only what is a promise): on Node 20 each promise costs a promise hook
 * while Next.js's AsyncLocalStorage is active in the process. Every failure (a refusal, a
 * failed authentication) comes as a rejected promise; an invalid_client once it is counted.
 */
export function throttledAuthentication<T>(request: Request, params: Params, endpoint: BudgetedEndpoint, authenticate: () => T | Promise<T>, deps: ThrottleDeps = {}): T | Promise<T> {
  const limiter = (deps.throttles ?? processThrottles()).clientAuth
  const attempt = { subject: presentedClientId(request, params), ip: clientIpFromHeaders(request.headers) }
  const decision = limiter.peekNow(attempt)
  if (decision === undefined) return limiter.peek(attempt).then((later) => (refuseIfThrottled(later, endpoint, attempt.subject), counted(limiter, attempt, authenticate)))
  try {
    refuseIfThrottled(decision, endpoint, attempt.subject)
  } catch (error) {
    return Promise.reject(error)
  }
  return counted(limiter, attempt, authenticate)
}

/** `authenticate`'s answer, or a rejection once an invalid_client it threw is counted. */
function counted<T>(limiter: FailureThrottle, attempt: FailureAttempt, authenticate: () => T | Promise<T>): T | Promise<T> {
  let answer: T | Promise<T>
  try {
    answer = authenticate()
  } catch (error) {
    return countFailure(limiter, attempt, error)
  }
  return answer instanceof Promise ? answer.catch((error: unknown) => countFailure(limiter, attempt, error)) : answer
}

async function countFailure(limiter: FailureThrottle, attempt: FailureAttempt, error: unknown): Promise<never> {
  if (isOAuthError(error) && error.code === 'invalid_client') {
    // The detail is the server's own words (which method, why); never the secret.
    audit('client_auth.failed', { outcome: 'failure', client_id: attempt.subject, reason: error.detail })
    await limiter.recordFailure(attempt)
  }
  throw error
}

/**
 * Takes one request from the authenticated caller's budget for this minute, or fails with 429.
 * Undefined when that was decided at once (counters in this process), else a promise to await.
 */
export function spendRequestBudget(endpoint: BudgetedEndpoint, caller: string, deps: ThrottleDeps = {}): Promise<void> | undefined {
  const throttle = (deps.throttles ?? processThrottles())[endpoint]
  const decision = throttle.takeNow(caller)
  if (decision === undefined) return throttle.take(caller).then((later) => refuseIfThrottled(later, endpoint, caller))
  try {
    refuseIfThrottled(decision, endpoint, caller)
  } catch (error) {
    return Promise.reject(error)
  }
  return undefined
}

function refuseIfThrottled(decision: ThrottleDecision, endpoint: BudgetedEndpoint, clientId: string | null): void {
  if (decision.allowed) return
  audit('request.throttled', { outcome: 'failure', endpoint, client_id: clientId, reason: decision.scope })
  throw tooManyRequests(`${endpoint}: ${decision.scope} over its limit`, decision.retryAfterSeconds)
}
