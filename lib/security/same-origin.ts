// Cross-site server-action posts are refused with a 403 before Next.js sees them. Next.js
// makes the same check for them (its CSRF defence: the Origin's host must equal
// x-forwarded-host, else Host; next/dist/server/app-render/action-handler.js), but answers a
// failed one with a 500, and a malformed Origin makes it throw. Here: the same rule, a 4xx,
// for the same requests: POSTs that Next.js may take for a server action and checks (a
// Next-Action header, or a multipart body). Form-encoded posts are not actions to Next.js;
// the demo's route handlers take those and check their origin themselves.
// A request without Origin (not a browser, or a very old one) passes, as with Next.js: it
// carries no credentials its sender did not have anyway.

/** A 403 for a server-action post whose Origin is not this host, or null to let it through. */
export function refuseCrossOriginPost(request: Pick<Request, 'method' | 'headers'>): Response | null {
  if (request.method !== 'POST') return null
  const multipart = request.headers.get('content-type')?.trim().toLowerCase().startsWith('multipart/form-data') ?? false
  if (!multipart && !request.headers.has('next-action')) return null
  const origin = request.headers.get('origin')
  if (origin === null) return null
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host')
  if (host && originHost(origin) === host) return null
  return new Response('Cross-site form posts are not accepted.\n', {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' },
  })
}

/** host[:port] of an Origin header; undefined for `null` or anything that is not a URL. */
function originHost(origin: string): string | undefined {
  if (origin === 'null') return undefined
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}
