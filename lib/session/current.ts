// The sign-in session cookie, framework-free: route handlers (authorize callback, end
// session) read it from a Request's Cookie header; pages and server actions go through
// lib/session/next.ts, which builds on this.
//
// The cookie holds `{ purpose, handle }` sealed with iron (iron-session's sealData: AES-256-CBC
// + HMAC-SHA-256 under the cookie secret). The handle is a random 256-bit secret whose SHA-256
// keys the UserSession row, so ending the row ends the session even if the cookie lives on.
import { loadSettings } from '../config/env'
import type { Db } from '../db/client'
import { log } from '../log'
import { sealFor, unsealFor } from '../security/purpose-seal'
import { endSession, findSessionByHandle, touchSession } from '../stores/sessions'
import { findUserBySubject } from '../stores/users'
import { SESSION_COOKIE_NAME, type SignInSession } from './types'

export interface SessionCookieOptions {
  /** Secure attribute: on when the issuer is https. */
  secure: boolean
  /** Cookie lifetime in seconds. */
  maxAge: number
}

/** The cookie attributes every session cookie gets (HttpOnly, SameSite=Lax, Path=/). */
export function sessionCookieOptions(): SessionCookieOptions {
  const settings = loadSettings()
  return { secure: settings.issuer.startsWith('https:'), maxAge: settings.sessionLifetime }
}

export function sealSessionHandle(handle: string): Promise<string> {
  return sealFor('sign-in-session', handle, loadSettings().sessionLifetime)
}

/** The handle inside a sealed cookie value; null when forged, altered, expired or not ours. */
export async function unsealSessionHandle(sealed: string | null | undefined): Promise<string | null> {
  const handle = await unsealFor<unknown>('sign-in-session', sealed, loadSettings().sessionLifetime, 4096)
  return typeof handle === 'string' ? handle : null
}

/** The value of one cookie in a Cookie header (RFC 6265 §5.4 syntax), or null. */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value)
    } catch {
      return value
    }
  }
  return null
}

/**
 * The signed-in session behind a sealed cookie value: null when missing, forged, expired,
 * ended, or when the user is gone or disabled. Records activity (at most once a minute).
 */
export async function readSealedSession(sealed: string | null | undefined, database?: Db): Promise<SignInSession | null> {
  const handle = await unsealSessionHandle(sealed)
  if (!handle) return null
  const session = await findSessionByHandle(handle, database)
  if (!session) return null
  const user = await findUserBySubject(session.subjectId, database)
  if (!user || !user.enabled) return null
  try {
    await touchSession(session.sid, database)
  } catch (error) {
    // Activity tracking must never sign anybody out.
    log.warn({ err: error, sid: session.sid }, 'could not record session activity')
  }
  return session
}

/** The signed-in session of a request, from its Cookie header. */
export async function readSession(cookieHeader: string | null | undefined, database?: Db): Promise<SignInSession | null> {
  return readSealedSession(readCookie(cookieHeader, SESSION_COOKIE_NAME), database)
}

/**
 * Ends the server-side session a request's cookie points at (sign-out from a route handler).
 * Returns the session that was ended, or null. Pair with clearSessionCookieHeader().
 */
export async function endSessionFromCookie(cookieHeader: string | null | undefined, database?: Db): Promise<SignInSession | null> {
  const handle = await unsealSessionHandle(readCookie(cookieHeader, SESSION_COOKIE_NAME))
  if (!handle) return null
  const session = await findSessionByHandle(handle, database)
  if (!session) return null
  await endSession(session.sid, database)
  return session
}

/** A Set-Cookie value carrying a sealed session handle. */
export function sessionCookieHeader(sealed: string, options: SessionCookieOptions = sessionCookieOptions()): string {
  const attributes = [`${SESSION_COOKIE_NAME}=${sealed}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAge}`]
  if (options.secure) attributes.push('Secure')
  return attributes.join('; ')
}

/** A Set-Cookie value that removes the session cookie. */
export function clearSessionCookieHeader(options: Pick<SessionCookieOptions, 'secure'> = sessionCookieOptions()): string {
  const attributes = [`${SESSION_COOKIE_NAME}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT']
  if (options.secure) attributes.push('Secure')
  return attributes.join('; ')
}
