// Next.js proxy (formerly middleware): runs before the app renders.
//
// POST /login without the `Next-Action` header is a plain form post (no JavaScript, or a
// script posting the form directly). When the client IP or the account is over its sign-in
// limit, it gets HTTP 429 with Retry-After here, before any password work (RFC 6585 §4).
// The page's own JavaScript form posts are server-action fetches, which must get an action
// response, so they pass through and the page shows the same limit as a message.
//
// The counters are shared with the server action through globalThis (same process;
// lib/security/throttle.ts). Next.js warns that proxy code may run apart from the app on
// some hosts: there, this check just finds no counters and lets the action decide.
//
// Before that, on every page: a cross-site post gets 403 (lib/security/same-origin.ts), a
// post over the page body limit 413 (lib/security/body-limit.ts) and a malformed form body
// 400 (lib/security/form-body.ts), before Next.js reads them (its own checks end in 500s).
//
// And on every answer that passes here: HSTS, decided per request from the ISSUER the server
// runs with, by the same rule as the protocol responses (lib/oidc/http.ts
// strictTransportSecurity). Not in next.config.js: its headers are fixed by `next build`, so
// a build made while ISSUER was http would serve pages without HSTS once ISSUER is https
// (and the other way round).
import { NextResponse, type NextRequest } from 'next/server'
import { audit } from '@/lib/audit'
import { strictTransportSecurity } from '@/lib/oidc/http'
import { refuseOversizedBody } from '@/lib/security/body-limit'
import { refuseMalformedFormBody } from '@/lib/security/form-body'
import { refuseCrossOriginPost } from '@/lib/security/same-origin'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { loginThrottle, throttledMessage } from '@/lib/security/throttle'

export async function proxy(request: NextRequest): Promise<Response> {
  const response = await screen(request)
  for (const [name, value] of Object.entries(strictTransportSecurity(process.env.ISSUER))) response.headers.set(name, value)
  return response
}

async function screen(request: NextRequest): Promise<Response> {
  const refused = refuseCrossOriginPost(request) ?? refuseOversizedBody(request) ?? (await refuseMalformedFormBody(request))
  if (refused) return refused
  if (request.nextUrl.pathname !== '/login' || request.method !== 'POST' || request.headers.has('next-action')) return NextResponse.next()

  let username: string | null = null
  const type = request.headers.get('content-type') ?? ''
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    try {
      const value = (await request.clone().formData()).get('username')
      username = typeof value === 'string' ? value : null
    } catch {
      // A malformed body is the action's problem, not the throttle's.
    }
  }

  const ip = clientIpFromHeaders(request.headers)
  const decision = await loginThrottle().peek({ subject: username, ip })
  if (decision.allowed) return NextResponse.next()
  audit('request.throttled', { outcome: 'failure', endpoint: 'login', ip, reason: decision.scope })
  return new NextResponse(`${throttledMessage(decision.retryAfterSeconds)}\n`, {
    status: 429,
    headers: {
      'Retry-After': String(decision.retryAfterSeconds),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    },
  })
}

// Every page and static file (they get HSTS like the pages; the checks above let any GET
// through); not the protocol endpoints: they limit their own bodies and set their own
// headers (lib/oidc/http.ts SECURITY_HEADERS, HSTS included).
export const config = { matcher: ['/((?!connect/|\\.well-known/).*)'] }
