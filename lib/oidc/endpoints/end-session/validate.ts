// End-session request validation: OpenID Connect RP-Initiated Logout 1.0 §2 and §3.
//
// Nothing here is an error the browser sees: a request that does not hold together (a forged
// hint, a client_id that contradicts the hint, an unknown client) loses its client context
// and becomes a plain "sign out?" question with no redirect back (Duende's
// EndSessionRequestValidator does the same). The detail goes to the logs.
import type { JWTPayload } from 'jose'
import type { ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { findClient } from '../../../stores/clients'
import { verifyOwnJwt, type JwtDeps } from '../../../tokens/jwt'
import type { Params } from '../../params'

export interface EndSessionDeps {
  db?: Db
  jwt?: JwtDeps
}

/** The verified id_token_hint: who the client believes is signed in. */
export interface EndSessionHint {
  subjectId: string
  /** The session the identity token was issued in, when it carries `sid`. */
  sid?: string
  clientId: string
}

/** What may travel through the confirmation page (sealed): only already-validated values. */
export interface PendingLogout {
  clientId?: string
  clientName?: string
  /** Exactly one of the client's registered post_logout_redirect_uris. */
  postLogoutRedirectUri?: string
  /** Echoed on the redirect, only together with postLogoutRedirectUri. */
  state?: string
  /** Accepted (§2) but the pages speak only English for now. */
  uiLocales?: string
}

export interface ValidatedEndSessionRequest extends PendingLogout {
  hint?: EndSessionHint
}

export async function validateEndSessionRequest(params: Params, deps: EndSessionDeps = {}): Promise<ValidatedEndSessionRequest> {
  const uiLocales = params.get('ui_locales')
  const plain: ValidatedEndSessionRequest = uiLocales ? { uiLocales } : {}
  const rawHint = params.get('id_token_hint')
  const clientIdParam = params.get('client_id')

  let hint: EndSessionHint | undefined
  if (rawHint !== undefined) {
    const payload = await verifyHint(rawHint, deps)
    if (!payload) return plain
    const clientId = hintClient(payload, clientIdParam)
    if (typeof payload.sub !== 'string' || !clientId) {
      log.info({ endpoint: 'end_session' }, 'id_token_hint has no sub or no single audience; request ignored')
      return plain
    }
    // §2: "When both client_id and id_token_hint are present, the OP MUST verify that the
    // Client Identifier matches the one used when issuing the ID Token."
    if (clientIdParam !== undefined && clientIdParam !== clientId) {
      log.info({ endpoint: 'end_session', clientId: clientIdParam, hintClientId: clientId }, 'client_id does not match the id_token_hint; request ignored')
      return plain
    }
    hint = { subjectId: payload.sub, clientId, ...(typeof payload.sid === 'string' && { sid: payload.sid }) }
  }

  const clientId = hint?.clientId ?? clientIdParam
  if (clientId === undefined) {
    // §2 lets post_logout_redirect_uri be honoured only for a known client; with neither a
    // hint nor a client_id there is nothing to check it against, so it is ignored.
    if (params.has('post_logout_redirect_uri')) log.info({ endpoint: 'end_session' }, 'post_logout_redirect_uri without client_id or id_token_hint ignored')
    return plain
  }

  const client = await findClient(clientId, deps.db)
  if (!client?.enabled) {
    log.info({ endpoint: 'end_session', clientId }, 'unknown or disabled client; request ignored')
    return plain
  }

  const validated: ValidatedEndSessionRequest = { ...plain, clientId: client.clientId, ...(client.clientName && { clientName: client.clientName }) }
  if (hint) validated.hint = hint
  const redirect = registeredPostLogoutRedirect(params.get('post_logout_redirect_uri'), client)
  if (redirect) {
    validated.postLogoutRedirectUri = redirect
    const state = params.get('state')
    if (state !== undefined) validated.state = state
  }
  return validated
}

/**
 * §2: the OP checks that it issued the hint. Expired is fine: "The OP SHOULD accept ID Tokens
 * when the RP identified by the ID Token's aud claim and/or sid claim has a current session or
 * had a recent session at the OP, even when the exp time has passed."
 */
async function verifyHint(hint: string, deps: EndSessionDeps): Promise<JWTPayload | null> {
  try {
    return await verifyOwnJwt(hint, { allowExpired: true }, deps.jwt)
  } catch (error) {
    log.info({ endpoint: 'end_session', reason: (error as { reason?: string }).reason }, 'id_token_hint refused; request ignored')
    return null
  }
}

/**
 * The client an identity token was issued to: its `aud` (OIDC Core §2: the client_id, possibly
 * in an array). With several audiences, `azp` or the client_id parameter must pick one of them.
 */
function hintClient(payload: JWTPayload, clientIdParam: string | undefined): string | undefined {
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : []
  if (audiences.length === 1) return audiences[0]
  if (typeof payload.azp === 'string' && audiences.includes(payload.azp)) return payload.azp
  if (clientIdParam !== undefined && audiences.includes(clientIdParam)) return clientIdParam
  return undefined
}

/**
 * §3: "The OP MUST NOT perform post-logout redirection if the post_logout_redirect_uri value
 * supplied does not exactly match one of the previously registered post_logout_redirect_uris
 * values." A mismatch is ignored (the person lands on the signed-out page) rather than shown
 * as an error, as Duende does; node-oidc-provider answers invalid_request instead.
 */
function registeredPostLogoutRedirect(uri: string | undefined, client: ClientConfig): string | undefined {
  if (uri === undefined) return undefined
  if (client.postLogoutRedirectUris.includes(uri)) return uri
  log.info({ endpoint: 'end_session', clientId: client.clientId }, 'post_logout_redirect_uri not registered for the client; ignored')
  return undefined
}
