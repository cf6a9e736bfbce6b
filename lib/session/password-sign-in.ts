// The password check behind the login page, framework-free (the server action only adds
// cookies and redirects). OWASP Authentication Cheat Sheet: one generic message for every
// failure, the same work whether or not the username exists, throttling before any work.
import type { Db } from '../db/client'
import { log } from '../log'
import { loginThrottle, type LoginThrottle } from '../security/throttle'
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
  deps: { throttle?: LoginThrottle; database?: Db } = {},
): Promise<PasswordSignInResult> {
  const throttle = deps.throttle ?? loginThrottle()
  const attempt = { username: input.username, ip: input.ip }

  const decision = await throttle.beginAttempt(attempt)
  if (!decision.allowed) {
    log.warn({ scope: decision.scope, ip: input.ip }, 'sign-in throttled')
    return { outcome: 'throttled', retryAfterSeconds: decision.retryAfterSeconds }
  }

  const credentials = await findCredentials(input.username, deps.database)
  // An unknown username costs one argon2id verification too, so timing tells nothing.
  const passwordMatches = credentials ? await verifyPassword(credentials.passwordHash, input.password) : await dummyVerify(input.password)
  if (!credentials || !passwordMatches || !credentials.enabled) {
    log.info({ reason: !credentials ? 'unknown user' : !passwordMatches ? 'wrong password' : 'disabled user', ip: input.ip }, 'sign-in failed')
    return { outcome: 'invalid' }
  }

  await throttle.attemptSucceeded(attempt)
  if (needsRehash(credentials.passwordHash)) {
    // Upgrade hashes made with older parameters while the password is at hand.
    await setPassword(input.username, input.password, deps.database).catch((error: unknown) =>
      log.warn({ err: error }, 'could not upgrade a password hash'),
    )
  }
  return { outcome: 'signed-in', subjectId: credentials.subjectId }
}
