// redirect_uri: required, and identical (simple string comparison, RFC 3986 §6.2.1) to one
// the client registered (RFC 9700 §4.1.3 / §2.1; OpenID Connect Core §3.1.2.1). No
// normalisation: a different case, port, path, trailing slash, query, userinfo or fragment
// is a different URI. Duende's default validator also matches exactly; the RFC 8252 §7.3
// "any port on loopback" allowance is not made (register each port instead).
import type { ClientConfig } from '../../../../config/model'
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'

/** Schemes that would run code or carry data instead of navigating to an application. */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:'])

export function checkRedirectUri(params: Params, client: ClientConfig): string {
  const redirectUri = params.get('redirect_uri')
  // OpenID Connect Core §3.1.2.1 makes it REQUIRED; we require it for plain OAuth too (OAuth 2.1).
  if (redirectUri === undefined) throw invalidRequest('missing parameter redirect_uri')
  let parsed: URL
  try {
    parsed = new URL(redirectUri)
  } catch {
    throw invalidRequest('redirect_uri is not an absolute URI')
  }
  // RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component". Checked on the
  // raw string: an empty fragment ("...#") leaves no trace in URL.hash.
  if (redirectUri.includes('#')) throw invalidRequest('redirect_uri has a fragment')
  if (FORBIDDEN_SCHEMES.has(parsed.protocol)) throw invalidRequest(`redirect_uri has a forbidden scheme ${parsed.protocol}`)
  if (!client.redirectUris.includes(redirectUri)) throw invalidRequest(`redirect_uri is not registered for client ${client.clientId}`)
  return redirectUri
}
