// Where the login page may send a person afterwards: only a path on this server. Anything
// else is an open redirect (RFC 9700 §4.11; OWASP Unvalidated Redirects Cheat Sheet).
// Browsers read "//host", "/\host" and "\\host" as other hosts, and drop tabs and newlines
// before parsing ("/\t/host" becomes "//host"), so all of those are refused outright.

export const DEFAULT_RETURN_TO = '/account'

const BASE = 'http://return-to.invalid'

/** A same-origin relative path ("/x?y#z"), or `fallback` when `raw` is anything else. */
export function sanitizeReturnTo(raw: unknown, fallback: string = DEFAULT_RETURN_TO): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return fallback
  if (!raw.startsWith('/') || raw.startsWith('//')) return fallback
  // Backslashes, whitespace and control characters have no business in our own paths.
  if (/[\\\s\u0000-\u001f\u007f]/.test(raw)) return fallback
  let url: URL
  try {
    url = new URL(raw, BASE)
  } catch {
    return fallback
  }
  if (url.origin !== BASE) return fallback
  const path = `${url.pathname}${url.search}${url.hash}`
  // After normalisation ("/./\/..") the path must still be a single-slash path.
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback
}
