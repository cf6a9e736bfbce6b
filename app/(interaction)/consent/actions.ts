'use server'
// The consent form's server action. It trusts nothing from the form but the sealed request
// (unsealed again here), the decision button and the ticked scopes; the session is read
// again, and the outcome is bound to its sid so another person's session cannot use it.
import { headers } from 'next/headers'
import { z } from 'zod'
import { audit } from '@/lib/audit'
import { describeScopes, scopesToGrant } from '@/lib/oidc/interaction/consent'
import { sealPendingAuthorization } from '@/lib/oidc/interaction/seal'
import { clientIpFromHeaders } from '@/lib/security/client-ip'
import { getSignedInSession } from '@/lib/session/next'
import { findClient } from '@/lib/stores/clients'
import { rememberConsent } from '@/lib/stores/consents'
import { loadResourceCatalog } from '@/lib/stores/resources'
import { callbackUrl, errorUrl, loginUrl, navigateAfterAction, requirePending } from '../interaction'

export interface ConsentState {
  error?: string
  redirectTo?: string
}

const ConsentForm = z.object({
  request: z.string().min(1).max(16_384),
  decision: z.enum(['allow', 'deny']),
  remember: z.boolean(),
  scopes: z.array(z.string().max(200)).max(100),
})

export async function decideConsent(_previous: ConsentState, formData: FormData): Promise<ConsentState> {
  // Any script can call a server action with any arguments (a crafted Next-Action post).
  if (!(formData instanceof FormData)) return { error: 'Choose Allow or Deny.' }
  const parsed = ConsentForm.safeParse({
    request: formData.get('request'),
    decision: formData.get('decision'),
    remember: formData.get('remember') === 'on',
    scopes: formData.getAll('scope'),
  })
  if (!parsed.success) return { error: 'Choose Allow or Deny.' }
  const form = parsed.data

  const pending = await requirePending(form.request)
  const session = await getSignedInSession()
  if (!session) return navigateAfterAction(loginUrl(form.request))
  const client = await findClient(pending.request.clientId)
  if (!client || !client.enabled) return navigateAfterAction(errorUrl('unauthorized_client'))

  const requested = pending.request.scopes
  const granted = form.decision === 'allow' ? scopesToGrant(requested, form.scopes, describeScopes(requested, await loadResourceCatalog())) : []
  if (form.decision === 'allow' && granted.length === 0) return { error: 'Choose at least one permission, or deny the request.' }

  // Remembered only for an "allow", and only when the client permits it (Duende's AllowRememberConsent).
  const remember = form.decision === 'allow' && form.remember && client.allowRememberConsent
  if (remember) await rememberConsent(session.subjectId, client.clientId, granted)
  // Duende's ConsentGrantedEvent / ConsentDeniedEvent.
  audit(form.decision === 'allow' ? 'consent.granted' : 'consent.denied', {
    outcome: form.decision === 'allow' ? 'success' : 'failure',
    client_id: client.clientId,
    sub: session.subjectId,
    sid: session.sid,
    ip: clientIpFromHeaders(await headers()),
    endpoint: 'consent',
    ...(form.decision === 'allow' && { scope: granted.join(' '), reason: remember ? 'remembered' : 'this request only' }),
  })

  const resealed = await sealPendingAuthorization({
    request: pending.request,
    consent: { sid: session.sid, decision: form.decision, grantedScopes: granted, remember },
  })
  return navigateAfterAction(callbackUrl(resealed))
}
