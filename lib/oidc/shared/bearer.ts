// Bearer token extraction and challenges for protected resources (RFC 6750), used by userinfo.
//
// Accepted: the Authorization header (§2.1) and, on POST, a form-encoded body parameter
// `access_token` (§2.2). Refused: the query string (§2.3 "SHOULD NOT be used" — URLs end up
// in logs and Referer headers; node-oidc-provider refuses it by default too), and more than
// one method in one request (§2: "Clients MUST NOT use more than one method").
import { invalidRequest, type OAuthError } from '../errors'
import { readForm } from '../params'

export type BearerMethod = 'header' | 'body'

export interface BearerToken {
  token: string
  method: BearerMethod
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER_HEADER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i
const BEARER_SCHEME = /^Bearer(?: |$)/i

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'

/**
 * The bearer token of a request, or null when it carries none (no Authorization header,
 * or one with another scheme: RFC 6750 §3.1 treats that as "lacks any authentication
 * information"). Throws invalid_request for a malformed Bearer header, a token in the
 * query string, or a token sent two ways.
 */
export async function extractBearerToken(request: Request): Promise<BearerToken | null> {
  if (new URL(request.url).searchParams.has('access_token')) {
    throw invalidRequest('access_token in the query string is not accepted (RFC 6750 §2.3)')
  }
  const fromHeader = headerToken(request.headers.get('authorization'))
  const fromBody = await bodyToken(request)
  if (fromHeader !== null && fromBody !== null) throw invalidRequest('bearer token sent both in the Authorization header and in the body')
  if (fromHeader !== null) return { token: fromHeader, method: 'header' }
  if (fromBody !== null) return { token: fromBody, method: 'body' }
  return null
}

function headerToken(header: string | null): string | null {
  if (header === null) return null
  const value = header.trim()
  if (!BEARER_SCHEME.test(value)) return null // another scheme (Basic, DPoP, ...): no bearer token
  const match = BEARER_HEADER.exec(value)
  if (!match) throw invalidRequest('malformed Bearer authorization header')
  return match[1]!
}

/** §2.2: only a POST with a form-encoded body; any other body is not ours to read. */
async function bodyToken(request: Request): Promise<string | null> {
  if (request.method !== 'POST') return null
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== FORM_CONTENT_TYPE) return null
  return (await readForm(request)).get('access_token') ?? null
}

/**
 * The WWW-Authenticate value of RFC 6750 §3. Without an error (no token was sent) only the
 * realm: "the resource server SHOULD NOT include an error code or other error information".
 */
export function bearerChallenge(realm: string, error?: OAuthError, extra: { scope?: string } = {}): string {
  const attributes = [`realm="${quoted(realm)}"`]
  if (error) {
    attributes.push(`error="${error.code}"`, `error_description="${quoted(error.description)}"`)
    if (extra.scope) attributes.push(`scope="${quoted(extra.scope)}"`)
  }
  return `Bearer ${attributes.join(', ')}`
}

/** §3: attribute values are limited to %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash). */
function quoted(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')
}
