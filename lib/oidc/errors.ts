// The OAuth 2.x / OpenID Connect error vocabulary, in one place, grouped by the RFC that
// defines each code. Errors are values carried by one exception type: the client gets the
// code and a generic description; the detail goes to the logs only (node-oidc-provider's
// habit, and RFC 9700's advice not to leak internals).

export type OAuthErrorCode =
  // RFC 6749 §4.1.2.1 (authorization endpoint) and §5.2 (token endpoint)
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  // OpenID Connect Core 1.0 §3.1.2.6
  | 'interaction_required'
  | 'login_required'
  | 'account_selection_required'
  | 'consent_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported'
  // RFC 6750 §3.1 (protected resources: userinfo)
  | 'invalid_token'
  | 'insufficient_scope'
  // RFC 7009 §2.2.1 (revocation)
  | 'unsupported_token_type'
  // RFC 6585 §4, used with a Retry-After header by the throttles
  | 'too_many_requests'

const GENERIC: Record<OAuthErrorCode, { status: number; description: string }> = {
  invalid_request: { status: 400, description: 'The request is missing a required parameter, has an invalid or repeated parameter, or is otherwise malformed.' },
  invalid_client: { status: 401, description: 'Client authentication failed.' },
  invalid_grant: { status: 400, description: 'The grant is invalid, expired, revoked or was issued to another client.' },
  unauthorized_client: { status: 400, description: 'The client is not allowed to use this grant or response type.' },
  unsupported_grant_type: { status: 400, description: 'The grant type is not supported.' },
  unsupported_response_type: { status: 400, description: 'The response type is not supported.' },
  invalid_scope: { status: 400, description: 'The requested scope is invalid, unknown or not allowed for this client.' },
  access_denied: { status: 403, description: 'The resource owner or the server denied the request.' },
  server_error: { status: 500, description: 'The server encountered an unexpected condition.' },
  temporarily_unavailable: { status: 503, description: 'The server is temporarily unable to handle the request.' },
  interaction_required: { status: 400, description: 'User interaction is required.' },
  login_required: { status: 400, description: 'The user must sign in.' },
  account_selection_required: { status: 400, description: 'The user must select an account.' },
  consent_required: { status: 400, description: 'The user must consent.' },
  request_not_supported: { status: 400, description: 'The request parameter is not supported.' },
  request_uri_not_supported: { status: 400, description: 'The request_uri parameter is not supported.' },
  registration_not_supported: { status: 400, description: 'The registration parameter is not supported.' },
  invalid_token: { status: 401, description: 'The access token is invalid, expired or revoked.' },
  insufficient_scope: { status: 403, description: 'The access token does not carry the required scope.' },
  unsupported_token_type: { status: 400, description: 'The token type is not supported.' },
  too_many_requests: { status: 429, description: 'Too many requests; retry later.' },
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode
  readonly status: number
  /** Safe to send to the client. */
  readonly description: string
  /** For the logs only. */
  readonly detail: string
  /** Extra response headers (WWW-Authenticate, Retry-After). */
  readonly headers: Record<string, string>

  constructor(code: OAuthErrorCode, detail: string, options: { status?: number; description?: string; headers?: Record<string, string> } = {}) {
    super(`${code}: ${detail}`)
    this.name = 'OAuthError'
    this.code = code
    this.detail = detail
    this.status = options.status ?? GENERIC[code].status
    this.description = options.description ?? GENERIC[code].description
    this.headers = options.headers ?? {}
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description }
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError
}

const make = (code: OAuthErrorCode) => (detail: string, options?: ConstructorParameters<typeof OAuthError>[2]) => new OAuthError(code, detail, options)

export const invalidRequest = make('invalid_request')
export const invalidClient = make('invalid_client')
export const invalidGrant = make('invalid_grant')
export const unauthorizedClient = make('unauthorized_client')
export const unsupportedGrantType = make('unsupported_grant_type')
export const unsupportedResponseType = make('unsupported_response_type')
export const invalidScope = make('invalid_scope')
export const accessDenied = make('access_denied')
export const serverError = make('server_error')
export const loginRequired = make('login_required')
export const consentRequired = make('consent_required')
export const interactionRequired = make('interaction_required')
export const invalidToken = make('invalid_token')
export const insufficientScope = make('insufficient_scope')
export const unsupportedTokenType = make('unsupported_token_type')

export function tooManyRequests(detail: string, retryAfterSeconds: number): OAuthError {
  return new OAuthError('too_many_requests', detail, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } })
}
