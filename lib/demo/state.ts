// The demo app's own cookie, `demo_rp`: an iron-session seal (iron-session's sealData, the
// same primitive getIronSession uses) holding the sign-in in progress (state, nonce, PKCE
// verifier) or the tokens it received. HttpOnly, SameSite=Lax (the callback arrives as a
// top-level GET from the server, so the cookie comes along), Path=/demo (no other page
// carries it), Secure when the issuer is https. Framework-free: route handlers read it from
// the Cookie header, the page passes in the value it got from next/headers.
import { createHash } from 'node:crypto'
import { sealData, unsealData } from 'iron-session'
import { loadSettings } from '../config/env'
import { readCookie } from '../session/current'

export const DEMO_COOKIE_NAME = 'demo_rp'
const COOKIE_PATH = '/demo'
/** A sign-in in progress or a demo session lasts at most this long. */
const TTL_SECONDS = 8 * 60 * 60

export interface DemoLogin {
  state: string
  nonce: string
  codeVerifier: string
}

export interface DemoUserInfo {
  /** epoch ms of the call */
  at: number
  claims?: Record<string, unknown>
  /** Error code or message when the call failed. */
  error?: string
}

export interface DemoSignedIn {
  idToken: string
  accessToken: string
  /** epoch ms */
  expiresAt?: number
  scope?: string
  hasRefreshToken: boolean
  userinfo?: DemoUserInfo
}

export interface DemoState {
  login?: DemoLogin
  signedIn?: DemoSignedIn
}

/**
 * A password of its own, derived from the cookie secret: a separate app would have its own
 * secret, and no seal of the portal (sessions, interactions) can be replayed as this cookie.
 */
function password(): string {
  return createHash('sha256').update(`demo-relying-party:${loadSettings().cookieSecret}`).digest('base64url')
}

export async function readDemoState(cookieValue: string | null | undefined): Promise<DemoState> {
  if (!cookieValue || cookieValue.length > 4096) return {}
  try {
    const data = await unsealData<{ purpose?: string; state?: DemoState }>(cookieValue, { password: password(), ttl: TTL_SECONDS })
    return data.purpose === DEMO_COOKIE_NAME && data.state ? data.state : {}
  } catch {
    return {}
  }
}

export function readDemoStateFromRequest(request: Request): Promise<DemoState> {
  return readDemoState(readCookie(request.headers.get('cookie'), DEMO_COOKIE_NAME))
}

function attributes(maxAge: number): string {
  const parts = [`Path=${COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`]
  if (loadSettings().issuer.startsWith('https:')) parts.push('Secure')
  return parts.join('; ')
}

/** Browsers keep cookies up to 4096 bytes (RFC 6265 §6.1); leave room for name and attributes. */
const MAX_SEALED_LENGTH = 3900

/**
 * A Set-Cookie value storing `state`. Two signed tokens and a userinfo response fit (about
 * 3 KB for the demo users); should a userinfo response not, it is dropped with a note, and
 * the page offers to call userinfo again.
 */
export async function demoCookie(state: DemoState): Promise<string> {
  const seal = (value: DemoState) => sealData({ purpose: DEMO_COOKIE_NAME, state: value }, { password: password(), ttl: TTL_SECONDS })
  let sealed = await seal(state)
  if (sealed.length > MAX_SEALED_LENGTH && state.signedIn?.userinfo?.claims) {
    sealed = await seal({ ...state, signedIn: { ...state.signedIn, userinfo: { at: state.signedIn.userinfo.at, error: 'response_too_large_to_keep_in_a_cookie' } } })
  }
  if (sealed.length > MAX_SEALED_LENGTH) throw new Error(`the demo app's state does not fit in a cookie (${sealed.length} characters)`)
  return `${DEMO_COOKIE_NAME}=${sealed}; ${attributes(TTL_SECONDS)}`
}

/** A Set-Cookie value removing the cookie. */
export function clearDemoCookie(): string {
  return `${DEMO_COOKIE_NAME}=; ${attributes(0)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`
}
