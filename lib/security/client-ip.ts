// The client's IP address as far as this server can tell, for throttling and for the
// session list. Server actions and the proxy only see headers, not the socket; Next.js
// fills `x-forwarded-for` with the socket address when the request has none
// (next/dist/server/base-server.js), and keeps it when the request brings one.
//
// Limitation: without a reverse proxy that overwrites `x-forwarded-for`, a client can
// send its own value, so per-IP counts can be dodged (the per-account counter cannot).
// Deployments behind a proxy should have it set (not append) the header.
import { isIP } from 'node:net'

/** First hop of x-forwarded-for, else x-real-ip, else null; only syntactically valid IPs. */
export function clientIpFromHeaders(headers: Pick<Headers, 'get'>): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  const candidate = forwarded || headers.get('x-real-ip')?.trim() || ''
  const address = candidate.startsWith('::ffff:') && isIP(candidate.slice(7)) === 4 ? candidate.slice(7) : candidate
  return isIP(address) ? address : null
}
