// The RFC 6749 §5.1 response body of a validated token request.
import type { TokenResponse } from './grants/types'
import type { ValidatedTokenRequest } from './validate'

export async function generateTokenResponse(validated: ValidatedTokenRequest): Promise<TokenResponse> {
  return validated.handler.generate(validated.request)
}
