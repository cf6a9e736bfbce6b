'use server'
// The sign-out confirmation's action. CSRF: Next.js refuses server actions whose Origin is
// not this host, and the session cookie is SameSite=Lax.
import { headers } from 'next/headers'
import { z } from 'zod'
import { audit } from '@/lib/audit'
import { log } from '@/lib/log'
import { postLogoutTarget } from '@/lib/oidc/endpoints/end-session/generate'
import { unsealLogoutRequest } from '@/lib/oidc/interaction/logout-seal'
import { ROUTES } from '@/lib/oidc/routes'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { endCurrentSession } from '@/lib/session/next'
import { navigateAfterAction } from '../interaction'

export interface LogoutState {
  redirectTo?: string
}

const LogoutForm = z.object({
  decision: z.enum(['logout', 'cancel']),
  request: z.string().max(16_384).optional(),
})

export async function logoutAction(_previous: LogoutState, formData: FormData): Promise<LogoutState> {
  // Any script can call a server action with any arguments (a crafted Next-Action post).
  if (!(formData instanceof FormData)) return navigateAfterAction(ROUTES.logout)
  const parsed = LogoutForm.safeParse({
    decision: formData.get('decision') ?? undefined,
    request: formData.get('request') || undefined,
  })
  if (!parsed.success) return navigateAfterAction(ROUTES.logout)
  if (parsed.data.decision === 'cancel') return navigateAfterAction('/')

  // Only values validated by the end-session endpoint are in the seal (a registered
  // post_logout_redirect_uri, its state); a forged or expired seal just means no redirect back.
  const pending = await unsealLogoutRequest(parsed.data.request)
  const ended = await endCurrentSession()
  if (ended) {
    log.info({ sid: ended.sid, clientId: pending?.clientId }, 'signed out (confirmed)')
    audit('session.ended', { outcome: 'success', sub: ended.subjectId, sid: ended.sid, client_id: pending?.clientId, ip: clientIpFromHeaders(await headers()), endpoint: 'logout', reason: 'sign-out confirmed' })
  }
  return navigateAfterAction(postLogoutTarget(pending))
}
