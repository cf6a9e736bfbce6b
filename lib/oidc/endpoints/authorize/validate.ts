// Validation of an authorization request, in node-oidc-provider's order, as one small check
// per module (./checks). Two phases, because where an error may be sent depends on them:
//   1. client, then redirect_uri. Until both are verified an error goes to the portal's error
//      page and never to a redirect_uri (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3).
//   2. everything else. Errors now go back to the client's verified redirect_uri, in the
//      requested response_mode, with state and iss (RFC 9207).
// The result is a value, not an exception (Duende's AuthorizeRequestValidationResult).
import { nowMs } from '../../../clock'
import type { ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { isOAuthError, type OAuthError } from '../../errors'
import type { Params } from '../../params'
import { checkClient, type FindClient } from './checks/check-client'
import { checkIdTokenHint, type VerifyHint } from './checks/check-id-token-hint'
import { checkInputLengths, echoableState } from './checks/check-input-lengths'
import { checkMaxAge } from './checks/check-max-age'
import { checkPkce } from './checks/check-pkce'
import { checkPrompt } from './checks/check-prompt'
import { checkRedirectUri } from './checks/check-redirect-uri'
import { checkResponseMode } from './checks/check-response-mode'
import { checkResponseType } from './checks/check-response-type'
import { checkScope } from './checks/check-scope'
import { rejectRegistration } from './checks/reject-registration'
import { rejectRequestObject } from './checks/reject-request-object'
import type { ResponseMode, ValidatedAuthorizationRequest } from './request'

/** Where (and how) an error or a code may be sent once the redirect_uri is verified. */
export interface ClientTarget {
  redirectUri: string
  responseMode: ResponseMode
  state?: string
}

export type AuthorizeValidation =
  | { ok: true; client: ClientConfig; request: ValidatedAuthorizationRequest }
  /** Without `target`: show the error page. With it: send the error to the client. */
  | { ok: false; error: OAuthError; target?: ClientTarget }

export interface ValidateDeps {
  findClient: FindClient
  verifyHint?: VerifyHint
  database?: Db
}

export async function validateAuthorizationRequest(params: Params, deps: ValidateDeps): Promise<AuthorizeValidation> {
  // Phase 1: who is asking, and where may we answer.
  let client: ClientConfig
  let redirectUri: string
  try {
    client = await checkClient(params, deps.findClient)
    redirectUri = checkRedirectUri(params, client)
  } catch (error) {
    if (isOAuthError(error)) return { ok: false, error }
    throw error
  }

  // Phase 2: the rest; errors go to the verified redirect_uri.
  const target: ClientTarget = { redirectUri, responseMode: 'query', state: echoableState(params) }
  try {
    target.responseMode = checkResponseMode(params)
    rejectRequestObject(params)
    rejectRegistration(params)
    checkResponseType(params)
    checkInputLengths(params)
    const prompt = checkPrompt(params)
    const scopes = await checkScope(params, client, deps.database)
    const pkce = checkPkce(params, client)
    const maxAge = checkMaxAge(params)
    const idTokenHintSubject = await checkIdTokenHint(params, client, deps.verifyHint)

    // Absent optional members stay undefined (and vanish when the request is sealed as JSON).
    const request: ValidatedAuthorizationRequest = {
      clientId: client.clientId,
      redirectUri,
      responseMode: target.responseMode,
      state: params.get('state'),
      nonce: params.get('nonce'),
      scopes,
      codeChallenge: pkce.codeChallenge,
      codeChallengeMethod: pkce.codeChallengeMethod,
      prompt,
      maxAge,
      loginHint: params.get('login_hint'),
      idTokenHintSubject,
      // Accepted and carried for the pages (the portal speaks English only for now).
      uiLocales: params.get('ui_locales'),
      requestedAt: nowMs(),
    }
    return { ok: true, client, request }
  } catch (error) {
    if (isOAuthError(error)) return { ok: false, error, target }
    throw error
  }
}

/** The target of an already validated request (after login/consent). */
export function targetOf(request: ValidatedAuthorizationRequest): ClientTarget {
  const target: ClientTarget = { redirectUri: request.redirectUri, responseMode: request.responseMode }
  if (request.state !== undefined) target.state = request.state
  return target
}
