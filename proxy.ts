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
import { NextResponse, type NextRequest } from 'next/server'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { loginThrottle, throttledMessage } from '@/lib/security/throttle'

export async function proxy(request: NextRequest) {
  if (request.method !== 'POST' || request.headers.has('next-action')) return NextResponse.next()

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

  const decision = await loginThrottle().peek({ username, ip: clientIpFromHeaders(request.headers) })
  if (decision.allowed) return NextResponse.next()
  return new NextResponse(`${throttledMessage(decision.retryAfterSeconds)}\n`, {
    status: 429,
    headers: {
      'Retry-After': String(decision.retryAfterSeconds),
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    },
  })
}

export const config = { matcher: ['/login'] }
