// Responses of the protocol endpoints: JSON, no-store, errors, redirects, form_post.
// Every protocol endpoint is a plain `(Request) => Promise<Response>` built with these,
// so it can be served by a Next.js route handler or straight from node:http.
import { log } from '../log'
import { isOAuthError, OAuthError, serverError } from './errors'
import { SerializedResponse } from './held-body'
import { merge } from './shared/merge'

/** RFC 6749 §5.1 / RFC 9700: responses carrying tokens or token errors are never cached. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' })

/**
 * HSTS (RFC 6797) when the issuer is https: one year, subdomains included. Over plain http
 * browsers ignore it (§8.1), so it is not sent. Pages get the same from proxy.ts, per request.
 */
export function strictTransportSecurity(issuer: string | undefined): Record<string, string> {
  return /^https:/i.test(issuer ?? '') ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}
}

/**
 * Headers every protocol response carries (pages get theirs from next.config.js, and HSTS
 * from proxy.ts). ISSUER is read from the environment as loadSettings() reads it, without its
 * side effects at import.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  ...strictTransportSecurity(process.env.ISSUER),
})

export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return serializedJson(JSON.stringify(body), init)
}

/**
 * json() for a body serialized beforehand (discovery and JWKS keep theirs between requests).
 * The Response keeps the text: the fast path writes it without a stream (lib/oidc/held-body.ts).
 */
export function serializedJson(text: string, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new SerializedResponse(text, { status: init.status ?? 200, headers: jsonHeaders(init.headers) })
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS })
const mergedHeaders = new WeakMap<object, Readonly<Record<string, string>>>()

/**
 * JSON_HEADERS with `extra` on top. For a frozen `extra` (NO_STORE: every token answer) the
 * result is one frozen object per `extra`, so SerializedResponse works out its header list
 * once (lib/oidc/held-body.ts); any other `extra` makes a new object each time.
 */
function jsonHeaders(extra: Record<string, string> | undefined): Record<string, string> {
  if (extra === undefined) return JSON_HEADERS
  if (!Object.isFrozen(extra)) return merge(JSON_HEADERS, extra)
  let merged = mergedHeaders.get(extra)
  if (!merged) {
    merged = Object.freeze(merge(JSON_HEADERS, extra))
    mergedHeaders.set(extra, merged)
  }
  return merged
}

/** An RFC 6749 §5.2 error as JSON, never cached. */
export function errorJson(error: OAuthError, extraHeaders: Record<string, string> = {}): Response {
  return json(error.toJSON(), { status: error.status, headers: merge(NO_STORE, error.headers, extraHeaders) })
}

export interface EndpointContext {
  endpoint: string
}

/**
 * Runs an endpoint body: protocol errors become their JSON error, anything unexpected
 * becomes a generic server_error (details to the logs, never to the client).
 */
export async function handleOAuth(context: EndpointContext, body: () => Promise<Response>): Promise<Response> {
  try {
    return await body()
  } catch (error) {
    return oauthErrorResponse(context, error)
  }
}

export function oauthErrorResponse(context: EndpointContext, error: unknown): Response {
  if (isOAuthError(error)) {
    log.info({ endpoint: context.endpoint, error: error.code, detail: error.detail }, 'request rejected')
    return errorJson(error)
  }
  log.error({ endpoint: context.endpoint, err: error }, 'unexpected failure')
  return errorJson(serverError('unexpected failure'))
}

export function methodNotAllowed(allowed: string[]): Response {
  return json({ error: 'invalid_request', error_description: 'Method not allowed.' }, { status: 405, headers: { Allow: allowed.join(', '), ...NO_STORE } })
}
