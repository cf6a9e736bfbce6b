// A signed-in person's server-side session (UserSession row); the iron-session cookie
// holds only a sealed random handle pointing at it.

export interface SignInSession {
  /** Public session id: the `sid` claim of identity and access tokens. */
  sid: string
  subjectId: string
  /** When the person last authenticated (OIDC auth_time). */
  authTime: Date
  /** Authentication methods (RFC 8176), ["pwd"] for password sign-in. */
  amr: string[]
  ipAddress: string | null
  userAgent: string | null
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
}

export const SESSION_COOKIE_NAME = 'ts_session'
