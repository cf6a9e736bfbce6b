// The RFC 6749 §5.1 response body of a validated token request.
import type { TokenResponse } from './grants/types'
import type { ValidatedTokenRequest } from './validate'

// Not async: it hands on the grant's own promise (one promise less per request; each costs
// a promise hook while Next.js's AsyncLocalStorage is active in the process).
export function generateTokenResponse(validated: ValidatedTokenRequest): Promise<TokenResponse> {
  return validated.handler.generate(validated.request)
}
