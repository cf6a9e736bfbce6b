'use server'
// The account page's server actions. Each one reads the session again (a form can be posted
// long after the page was rendered, or forged) and touches only what belongs to that person:
// app revocation is scoped by the session's subject in every statement, and a session is
// ended only after checking whose it is. Next.js checks the Origin of every server action
// (the CSRF defence; the session cookie is SameSite=Lax).
import { headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { z } from 'zod'
import { audit } from '@/lib/audit'
import { log } from '@/lib/log'
import { ROUTES } from '@/lib/oidc/routes'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { endCurrentSession, getSignedInSession } from '@/lib/session/next'
import type { SignInSession } from '@/lib/session/types'
import { revokeAppAccess } from '@/lib/stores/account'
import { endSession, endSessionsForUser, findSessionBySid } from '@/lib/stores/sessions'

const SIGN_IN_AGAIN = `${ROUTES.login}?${new URLSearchParams({ returnTo: ROUTES.account })}`
const Identifier = z.string().min(1).max(200)

async function requireSession(): Promise<SignInSession> {
  const session = await getSignedInSession()
  if (!session) redirect(SIGN_IN_AGAIN)
  return session
}

const requestIp = async () => clientIpFromHeaders(await headers())

const done = (what: string, extra: Record<string, string> = {}) => `${ROUTES.account}?${new URLSearchParams({ done: what, ...extra })}`

/** "Revoke access for <app>": consent, refresh tokens and reference tokens of that app, at once. */
export async function revokeAppAction(formData: FormData): Promise<void> {
  // Any script can call a server action with any arguments (a crafted Next-Action post).
  if (!(formData instanceof FormData)) redirect(ROUTES.account)
  const session = await requireSession()
  const clientId = Identifier.safeParse(formData.get('clientId'))
  if (!clientId.success) redirect(ROUTES.account)
  const result = await revokeAppAccess(session.subjectId, clientId.data)
  log.info({ sub: session.subjectId, clientId: clientId.data, ...result }, 'account: app access revoked')
  const who = { sub: session.subjectId, client_id: clientId.data, ip: await requestIp(), endpoint: 'account' }
  if (result.families + result.strayGrants > 0) audit('grant.revoked', { outcome: 'success', ...who, reason: 'account page', count: result.families })
  if (result.consents > 0) audit('consent.revoked', { outcome: 'success', ...who, reason: 'account page' })
  redirect(done('revoked', { app: clientId.data }))
}

/** "End session" on one row. Ending the current one signs this browser out. */
export async function endSessionAction(formData: FormData): Promise<void> {
  if (!(formData instanceof FormData)) redirect(ROUTES.account)
  const session = await requireSession()
  const sid = Identifier.safeParse(formData.get('sid'))
  if (!sid.success) redirect(ROUTES.account)
  if (sid.data === session.sid) {
    await endCurrentSession()
    log.info({ sub: session.subjectId, sid: session.sid }, 'account: current session ended')
    audit('session.ended', { outcome: 'success', sub: session.subjectId, sid: session.sid, ip: await requestIp(), endpoint: 'account', reason: 'this session, account page' })
    redirect(SIGN_IN_AGAIN)
  }
  const target = await findSessionBySid(sid.data)
  // Someone else's (or an already ended) session: nothing to do, and nothing to tell.
  if (target?.subjectId === session.subjectId) {
    await endSession(target.sid)
    log.info({ sub: session.subjectId, sid: target.sid }, 'account: session ended')
    audit('session.ended', { outcome: 'success', sub: session.subjectId, sid: target.sid, ip: await requestIp(), endpoint: 'account', reason: 'another session, account page' })
  }
  redirect(done('session-ended'))
}

/** Ends every session of this person, this browser's included. Apps' refresh tokens are not touched. */
export async function signOutEverywhereAction(): Promise<void> {
  const session = await requireSession()
  const count = await endSessionsForUser(session.subjectId)
  await endCurrentSession()
  log.info({ sub: session.subjectId, count }, 'account: signed out everywhere')
  audit('session.ended', { outcome: 'success', sub: session.subjectId, ip: await requestIp(), endpoint: 'account', reason: 'signed out everywhere', count })
  redirect(SIGN_IN_AGAIN)
}
