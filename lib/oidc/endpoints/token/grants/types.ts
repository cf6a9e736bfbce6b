// What a grant type contributes to the token endpoint: a validator that turns parameters into
// a typed request, and a generator that turns that request into tokens (Duende's
// TokenRequestValidator / TokenResponseGenerator split, one file per grant).
import type { ClientConfig } from '../../../../config/model'
import type { Params } from '../../../params'

/** RFC 6749 §5.1 (plus OpenID Connect Core §3.1.3.3 `id_token`). */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope?: string
  refresh_token?: string
  id_token?: string
}

export interface GrantHandler<Validated> {
  /**
   * Reads and checks the grant's own parameters; the client is already authenticated. May
   * answer (or throw) at once when it needs nothing read: one promise less per request.
   */
  validate(params: Params, client: ClientConfig): Validated | Promise<Validated>
  /** Issues the tokens; never sees raw parameters. */
  generate(request: Validated): Promise<TokenResponse>
}

/** Erases a handler's request type so handlers of every grant fit in one map. */
export function grantHandler<Validated>(handler: GrantHandler<Validated>): GrantHandler<unknown> {
  return handler as GrantHandler<unknown>
}
