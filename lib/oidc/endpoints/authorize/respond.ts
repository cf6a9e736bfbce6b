// The HTTP answers of the authorization endpoint: to the client (query redirect or
// form_post page), to the portal's error page, and on to the login and consent pages.
// None of them may be cached or leak the URL onward (codes travel in them).
import { createHash } from 'node:crypto'
import { loadSettings } from '../../../config/env'
import type { OAuthError, OAuthErrorCode } from '../../errors'
import { NO_STORE, SECURITY_HEADERS } from '../../http'
import { ROUTES } from '../../routes'
import { merge } from '../../shared/merge'
import type { ClientTarget } from './validate'

const REDIRECT_HEADERS = { ...SECURITY_HEADERS, ...NO_STORE }

/** A 303 See Other: after a POST the browser follows it with GET (RFC 9110 §15.4.4). */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: merge(REDIRECT_HEADERS, { Location: location }) })
}

/** The portal's error page, for errors that must not reach an unverified redirect_uri. Only the code travels. */
export function errorPage(code: OAuthErrorCode): Response {
  return seeOther(`${loadSettings().issuer}${ROUTES.error}?${new URLSearchParams({ error: code })}`)
}

/** On to the login or consent page with the sealed pending authorization. */
export function interactionRedirect(route: typeof ROUTES.login | typeof ROUTES.consent, sealed: string): Response {
  return seeOther(`${loadSettings().issuer}${route}?${new URLSearchParams({ request: sealed })}`)
}

/** RFC 6749 §4.1.2 + RFC 9207: the code, state and iss, sent to the verified redirect_uri. */
export function codeResponse(target: ClientTarget, code: string): Response {
  return clientResponse(target, { code, ...(target.state !== undefined && { state: target.state }) })
}

/** RFC 6749 §4.1.2.1 + RFC 9207: error, error_description, state and iss. */
export function errorResponse(target: ClientTarget, error: OAuthError): Response {
  return clientResponse(target, {
    error: error.code,
    error_description: error.description,
    ...(target.state !== undefined && { state: target.state }),
  })
}

function clientResponse(target: ClientTarget, values: Record<string, string>): Response {
  // RFC 9207 §2: iss in every authorization response, success or error.
  const parameters = { ...values, iss: loadSettings().issuer }
  return target.responseMode === 'form_post' ? formPost(target.redirectUri, parameters) : seeOther(appendQuery(target.redirectUri, parameters))
}

/**
 * Appends to the registered URI exactly as registered (no URL round trip that could change
 * its spelling); an existing query is kept (RFC 6749 §3.1.2).
 */
export function appendQuery(uri: string, values: Record<string, string>): string {
  const query = new URLSearchParams(values).toString()
  if (!uri.includes('?')) return `${uri}?${query}`
  return uri.endsWith('?') || uri.endsWith('&') ? `${uri}${query}` : `${uri}&${query}`
}

// ---------------------------------------------------------------- form_post

/** The one inline script of the form_post page, allowed by its hash and nothing else. */
export const FORM_POST_SCRIPT = 'document.forms[0].submit();'
const FORM_POST_SCRIPT_HASH = `sha256-${createHash('sha256').update(FORM_POST_SCRIPT).digest('base64')}`

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML page whose form posts the parameters to the
 * redirect_uri as soon as it loads (the code travels in the POST body, never in a URL).
 * Its own CSP allows only that script (by hash); there is
 * no form-action directive because the client's endpoint may redirect after the POST, which
 * browsers would check against form-action too.
 */
export function formPost(redirectUri: string, values: Record<string, string>): Response {
  const inputs = Object.entries(values)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n')
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Returning to the application</title>
</head>
<body>
<form method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><p>JavaScript is turned off. Select Continue to return to the application.</p><button type="submit">Continue</button></noscript>
</form>
<script>${FORM_POST_SCRIPT}</script>
</body>
</html>
`
  return new Response(html, {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      ...NO_STORE,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; script-src '${FORM_POST_SCRIPT_HASH}'; base-uri 'none'; frame-ancestors 'none'`,
      // The portal's policy (next.config.js): nothing about this page reaches another site,
      // yet the POST to the client keeps a real Origin header (no-referrer would make it
      // `Origin: null`, which CSRF checks on the client's side may reject).
      'Referrer-Policy': 'same-origin',
    },
  })
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
