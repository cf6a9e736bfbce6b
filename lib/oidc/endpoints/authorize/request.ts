// The authorization request after validation (validate.ts produces it; nothing later
// sees raw parameters). It travels through the login and consent pages sealed
// (lib/oidc/interaction/seal.ts), so the browser can carry it but cannot change it.

export type ResponseMode = 'query' | 'form_post'
export type Prompt = 'none' | 'login' | 'consent' | 'select_account'

export interface ValidatedAuthorizationRequest {
  clientId: string
  /** Exactly one of the client's registered redirect URIs. */
  redirectUri: string
  responseMode: ResponseMode
  state?: string
  nonce?: string
  /** Requested scopes, already checked against the client and the resource catalog. */
  scopes: string[]
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
  prompt: Prompt[]
  /** Seconds (OIDC Core §3.1.2.1). */
  maxAge?: number
  loginHint?: string
  /** `sub` of a validated id_token_hint. */
  idTokenHintSubject?: string
  uiLocales?: string
  /** Epoch ms when the request arrived: a sign-in at or after this satisfies prompt=login / max_age. */
  requestedAt: number
}

/**
 * What the consent page decided during this interaction (sealed with the request, bound
 * to the session that decided it).
 */
export interface ConsentOutcome {
  sid: string
  decision: 'allow' | 'deny'
  /** The scopes granted (may be fewer than requested when some were optional). */
  grantedScopes: string[]
  remember: boolean
}

export interface PendingAuthorization {
  request: ValidatedAuthorizationRequest
  consent?: ConsentOutcome
}
