'use server'
// The login form's server action. Next.js checks the Origin header of every server action
// against the Host (its CSRF defence); the session cookie is SameSite=Lax on top.
import { headers } from 'next/headers'
import { z } from 'zod'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { DEFAULT_RETURN_TO, sanitizeReturnTo } from '@/lib/security/return-to'
import { throttledMessage } from '@/lib/security/throttle'
import { startSession } from '@/lib/session/next'
import { checkPassword, INVALID_CREDENTIALS_MESSAGE } from '@/lib/session/password-sign-in'
import { callbackUrl, navigateAfterAction, requirePending } from '../interaction'

export interface LoginState {
  /** Shown above the form (role=alert). */
  error?: string
  /** Whether the error is the throttling one (the page then also says so in words). */
  throttled?: boolean
  /** Kept so the person does not type it again; the password never comes back. */
  username?: string
  /** Where the form navigates next (see navigateAfterAction). */
  redirectTo?: string
}

const LoginForm = z.object({
  username: z.string().trim().min(1).max(256),
  password: z.string().min(1).max(1024),
  request: z.string().min(1).max(16_384).optional(),
  returnTo: z.string().max(2048).optional(),
})

const text = (formData: FormData, name: string) => {
  const value = formData.get(name)
  return typeof value === 'string' && value !== '' ? value : undefined
}

export async function signIn(_previous: LoginState, formData: FormData): Promise<LoginState> {
  // Any script can call a server action with any arguments (a crafted Next-Action post).
  if (!(formData instanceof FormData)) return { error: 'Enter your username and password.' }
  const parsed = LoginForm.safeParse({
    username: text(formData, 'username'),
    password: text(formData, 'password'),
    request: text(formData, 'request'),
    returnTo: text(formData, 'returnTo'),
  })
  const username = typeof formData.get('username') === 'string' ? String(formData.get('username')).slice(0, 256) : ''
  if (!parsed.success) return { error: 'Enter your username and password.', username }
  const form = parsed.data

  // Checked before the password: a request that expired while the person typed goes to the
  // error page instead of signing them in for nothing.
  if (form.request) await requirePending(form.request)

  const result = await checkPassword({ username: form.username, password: form.password, ip: clientIpFromHeaders(await headers()) })
  if (result.outcome === 'throttled') {
    // A server action cannot choose its HTTP status (it is always 200 for a fetch action),
    // so the page says it; a plain POST from a throttled IP gets a 429 from proxy.ts first.
    return { error: throttledMessage(result.retryAfterSeconds), throttled: true, username: form.username }
  }
  if (result.outcome === 'invalid') return { error: INVALID_CREDENTIALS_MESSAGE, username: form.username }

  await startSession(result.subjectId, { amr: ['pwd'] })
  return navigateAfterAction(form.request ? callbackUrl(form.request) : sanitizeReturnTo(form.returnTo, DEFAULT_RETURN_TO))
}
