// The sign-in session from inside Next.js pages and server actions (cookies() / headers()).
// Route handlers use lib/session/current.ts with the Request's Cookie header instead.
import 'server-only'
import { cookies, headers } from 'next/headers'
import { clientIpFromHeaders } from '../security/client-ip'
import { loadSettings } from '../config/env'
import { createSession, endSession, findSessionByHandle } from '../stores/sessions'
import { readSealedSession, sealSessionHandle, sessionCookieOptions, unsealSessionHandle } from './current'
import { SESSION_COOKIE_NAME, type SignInSession } from './types'

const MAX_USER_AGENT_LENGTH = 512

/** The signed-in session of the current request, or null. */
export async function getSignedInSession(): Promise<SignInSession | null> {
  return readSealedSession((await cookies()).get(SESSION_COOKIE_NAME)?.value)
}

export interface StartSessionOptions {
  /** RFC 8176 methods, e.g. ["pwd"]. */
  amr: string[]
}

/**
 * Signs a person in: a new server-side session with a new random handle and a new sid on
 * every sign-in (never reusing the one the browser brought: session fixation), and the
 * cookie pointing at it. The session the browser had before, if any, is ended.
 * Only callable from a server action or route handler (cookies can be set there only).
 */
export async function startSession(subjectId: string, options: StartSessionOptions): Promise<SignInSession> {
  const jar = await cookies()
  const requestHeaders = await headers()

  const previous = await unsealSessionHandle(jar.get(SESSION_COOKIE_NAME)?.value)
  if (previous) {
    const old = await findSessionByHandle(previous)
    if (old) await endSession(old.sid)
  }

  const { handle, session } = await createSession({
    subjectId,
    amr: options.amr,
    // From headers only: a server action cannot see the socket (see lib/security/client-ip.ts).
    ipAddress: clientIpFromHeaders(requestHeaders),
    userAgent: requestHeaders.get('user-agent')?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    lifetimeSeconds: loadSettings().sessionLifetime,
  })
  const { secure, maxAge } = sessionCookieOptions()
  jar.set(SESSION_COOKIE_NAME, await sealSessionHandle(handle), { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge })
  return session
}

/** Signs the current person out: ends the server-side session and removes the cookie. Returns the ended session. */
export async function endCurrentSession(): Promise<SignInSession | null> {
  const jar = await cookies()
  const handle = await unsealSessionHandle(jar.get(SESSION_COOKIE_NAME)?.value)
  const session = handle ? await findSessionByHandle(handle) : null
  if (session) await endSession(session.sid)
  const { secure } = sessionCookieOptions()
  jar.set(SESSION_COOKIE_NAME, '', { httpOnly: true, sameSite: 'lax', path: '/', secure, maxAge: 0 })
  return session
}
