// Throttling at the token, introspection and revocation endpoints (lib/security/throttle.ts
// has the counters and the policy): client authentication under the failure throttle, then
// the caller's request budget. Either limit answers 429 too_many_requests with Retry-After
// (RFC 6585 §4) and Cache-Control: no-store, like every token error.
import { audit } from '../../audit'
import { clientIpFromHeaders } from '../../security/client-ip'
import { throttles as processThrottles, type ThrottleDecision, type Throttles } from '../../security/throttle'
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
 */
export async function throttledAuthentication<T>(request: Request, params: Params, endpoint: BudgetedEndpoint, authenticate: () => Promise<T>, deps: ThrottleDeps = {}): Promise<T> {
  const limiter = (deps.throttles ?? processThrottles()).clientAuth
  const attempt = { subject: presentedClientId(request, params), ip: clientIpFromHeaders(request.headers) }
  refuseIfThrottled(limiter.peekNow(attempt) ?? (await limiter.peek(attempt)), endpoint, attempt.subject)
  try {
    return await authenticate()
  } catch (error) {
    if (isOAuthError(error) && error.code === 'invalid_client') {
      // The detail is the server's own words (which method, why); never the secret.
      audit('client_auth.failed', { outcome: 'failure', client_id: attempt.subject, reason: error.detail })
      await limiter.recordFailure(attempt)
    }
    throw error
  }
}

/** Takes one request from the authenticated caller's budget for this minute, or throws 429. */
export async function spendRequestBudget(endpoint: BudgetedEndpoint, caller: string, deps: ThrottleDeps = {}): Promise<void> {
  const throttle = (deps.throttles ?? processThrottles())[endpoint]
  refuseIfThrottled(throttle.takeNow(caller) ?? (await throttle.take(caller)), endpoint, caller)
}

function refuseIfThrottled(decision: ThrottleDecision, endpoint: BudgetedEndpoint, clientId: string | null): void {
  if (decision.allowed) return
  audit('request.throttled', { outcome: 'failure', endpoint, client_id: clientId, reason: decision.scope })
  throw tooManyRequests(`${endpoint}: ${decision.scope} over its limit`, decision.retryAfterSeconds)
}
