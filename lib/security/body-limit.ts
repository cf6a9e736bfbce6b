// A body limit for everything Next.js serves itself: the pages' form posts (server actions,
// with or without JavaScript) and the demo's route handlers. Protocol endpoints read their
// bodies through lib/oidc/params.ts (MAX_BODY_BYTES) instead.
//
// Next.js's own limit for server actions (experimental.serverActions.bodySizeLimit, 1 MB)
// ends in a 500 with no body (next/dist/server/app-render/action-handler.js throws a 413
// ApiError that nobody turns into a response). proxy.ts calls this first, so an oversized post
// gets a plain 413 before anything reads it. Every form here is small: the largest field is a
// sealed pending authorization (16 KiB at most, see the login and consent actions).
import { MAX_BODY_BYTES } from '../oidc/params'

/** The largest body a page accepts (the same as a protocol endpoint's form). */
export const MAX_PAGE_BODY_BYTES = MAX_BODY_BYTES

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A 413 (RFC 9110 §15.5.14) for a declared length over the limit, a 411 (§15.5.12) for a
 * body of undeclared length (chunked: it could be of any size, and browsers always declare
 * the length of a form post), or null to let the request through.
 */
export function refuseOversizedBody(request: Pick<Request, 'method' | 'headers'>, limit = MAX_PAGE_BODY_BYTES): Response | null {
  if (BODYLESS.has(request.method)) return null
  const declared = request.headers.get('content-length')
  if (declared === null) return request.headers.has('transfer-encoding') ? refusal(411, 'A request body needs a Content-Length.') : null
  if (!/^\d{1,15}$/.test(declared.trim()) || Number(declared) > limit) return refusal(413, 'The request body is too large.')
  return null
}

function refusal(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      // The unread body cannot be followed by another request on this connection.
      Connection: 'close',
    },
  })
}
