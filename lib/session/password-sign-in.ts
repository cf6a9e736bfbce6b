// The password check behind the login page, framework-free (the server action only adds
// cookies and redirects). OWASP Authentication Cheat Sheet: one generic message for every
// failure, the same work whether or not the username exists, throttling before any work.
import { audit } from '../audit'
import type { Db } from '../db/client'
import { log } from '../log'
import { loginThrottle, type FailureThrottle } from '../security/throttle'
import { findCredentials, setPassword } from '../stores/users'
import { dummyVerify, needsRehash, verifyPassword } from '../users/passwords'

/** The one message for an unknown user, a wrong password and a disabled account. */
export const INVALID_CREDENTIALS_MESSAGE = 'Wrong username or password.'

export interface PasswordSignInInput {
  username: string
  password: string
  /** The client's IP for per-IP throttling; null when unknown. */
  ip: string | null
}

export type PasswordSignInResult =
  | { outcome: 'signed-in'; subjectId: string }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number }

export async function checkPassword(
  input: PasswordSignInInput,
  deps: { throttle?: FailureThrottle; database?: Db } = {},
): Promise<PasswordSignInResult> {
  const throttle = deps.throttle ?? loginThrottle()
  const attempt = { subject: input.username, ip: input.ip }

  const decision = await throttle.beginAttempt(attempt)
  if (!decision.allowed) {
    audit('request.throttled', { outcome: 'failure', endpoint: 'login', ip: input.ip, reason: decision.scope })
    return { outcome: 'throttled', retryAfterSeconds: decision.retryAfterSeconds }
  }

  const credentials = await findCredentials(input.username, deps.database)
  // An unknown username costs one argon2id verification too, so timing tells nothing.
  const passwordMatches = credentials ? await verifyPassword(credentials.passwordHash, input.password) : await dummyVerify(input.password)
  if (!credentials || !passwordMatches || !credentials.enabled) {
    // The subject only when the account exists: never the typed username (it may be a password typed in the wrong field).
    audit('sign_in.failed', { outcome: 'failure', sub: credentials?.subjectId, ip: input.ip, reason: !credentials ? 'unknown user' : !passwordMatches ? 'wrong password' : 'disabled user' })
    return { outcome: 'invalid' }
  }

  await throttle.attemptSucceeded(attempt)
  audit('sign_in.succeeded', { outcome: 'success', sub: credentials.subjectId, ip: input.ip })
  if (needsRehash(credentials.passwordHash)) {
    // Upgrade hashes made with older parameters while the password is at hand.
    await setPassword(input.username, input.password, deps.database).catch((error: unknown) =>
      log.warn({ err: error }, 'could not upgrade a password hash'),
    )
  }
  return { outcome: 'signed-in', subjectId: credentials.subjectId }
}
