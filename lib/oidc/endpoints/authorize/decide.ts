// What to do with a validated authorization request, given who is signed in and what they
// agreed to: sign in, consent, fail back to the client, or issue a code. A pure function of
// its inputs (the clock comes in as `now`), so every case is one row of a table test.
// Duende's AuthorizeInteractionResponseGenerator (ProcessLoginAsync, ProcessConsentAsync),
// with node-oidc-provider's rule that a sign-in made after the request satisfies
// prompt=login and max_age (no extra state to track).
import type { ClientConfig } from '../../../config/model'
import type { SignInSession } from '../../../session/types'
import { accessDenied, consentRequired, loginRequired, type OAuthError } from '../../errors'
import type { PendingAuthorization } from './request'

export interface DecisionInput {
  pending: PendingAuthorization
  client: ClientConfig
  session: SignInSession | null
  /** Scopes the person once agreed to for this client and asked us to remember (null: none). */
  rememberedScopes: readonly string[] | null
  /** Epoch ms. */
  now: number
}

export type Decision =
  | { kind: 'login'; reason: LoginReason }
  | { kind: 'consent' }
  | { kind: 'error'; error: OAuthError }
  | { kind: 'issue'; session: SignInSession; scopes: string[] }

export type LoginReason = 'no_session' | 'prompt_login' | 'max_age' | 'id_token_hint'

export function decide(input: DecisionInput): Decision {
  const { pending, client, session } = input
  const request = pending.request
  const none = request.prompt.includes('none')

  const loginReason = whyLogin(input)
  if (loginReason) {
    if (none) return { kind: 'error', error: loginRequired(`prompt=none but sign-in needed (${loginReason})`) }
    // A fresh sign-in as somebody other than the id_token_hint names: asking again would loop,
    // so tell the client (OpenID Connect Core §3.1.2.1 uses login_required for this case).
    if (loginReason === 'id_token_hint' && session && session.authTime.getTime() >= request.requestedAt) {
      return { kind: 'error', error: loginRequired('signed in as a different user than id_token_hint names') }
    }
    return { kind: 'login', reason: loginReason }
  }
  const signedIn = session!

  // A consent decision counts only for the session that made it (a different person may have
  // signed in since); otherwise it is as if none was made.
  const outcome = pending.consent && pending.consent.sid === signedIn.sid ? pending.consent : undefined
  if (outcome?.decision === 'deny') return { kind: 'error', error: accessDenied('the user denied the request') }

  if (outcome) {
    // Only what was asked for, in request order, whatever else the consent form sent.
    const granted = new Set(outcome.grantedScopes)
    const scopes = request.scopes.filter((s) => granted.has(s))
    if (scopes.length === 0) return { kind: 'error', error: accessDenied('the user granted no scope') }
    return { kind: 'issue', session: signedIn, scopes }
  }

  if (!client.requireConsent) return { kind: 'issue', session: signedIn, scopes: [...request.scopes] }

  const remembered = client.allowRememberConsent && input.rememberedScopes ? new Set(input.rememberedScopes) : null
  const covered = remembered !== null && request.scopes.every((s) => remembered.has(s))
  if (covered && !request.prompt.includes('consent')) return { kind: 'issue', session: signedIn, scopes: [...request.scopes] }

  if (none) return { kind: 'error', error: consentRequired('prompt=none but consent needed') }
  return { kind: 'consent' }
}

/** Why a (new) sign-in is needed, or undefined when the current session will do. */
function whyLogin({ pending, session, now }: DecisionInput): LoginReason | undefined {
  const request = pending.request
  if (!session) return 'no_session'
  const authTime = session.authTime.getTime()
  // Signed in at or after the request arrived: that sign-in answered prompt=login / max_age.
  const freshForThisRequest = authTime >= request.requestedAt
  if ((request.prompt.includes('login') || request.prompt.includes('select_account')) && !freshForThisRequest) return 'prompt_login'
  if (request.maxAge !== undefined && authTime + request.maxAge * 1000 < now && !freshForThisRequest) return 'max_age'
  if (request.idTokenHintSubject !== undefined && request.idTokenHintSubject !== session.subjectId) return 'id_token_hint'
  return undefined
}
