// GET|POST /connect/authorize and GET /connect/authorize/callback (RFC 6749 §3.1, OpenID
// Connect Core §3.1.2). The same pipeline both times: read → validate → decide → respond.
// The callback is where the login and consent pages send the browser back, with the
// pending request sealed (lib/oidc/interaction/seal.ts) so nothing in it can be changed.
import { nowMs } from '../../../clock'
import type { ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { readSession } from '../../../session/current'
import type { SignInSession } from '../../../session/types'
import { findClient } from '../../../stores/clients'
import { findConsent } from '../../../stores/consents'
import { isOAuthError, type OAuthErrorCode } from '../../errors'
import { methodNotAllowed } from '../../http'
import { sealPendingAuthorization, unsealPendingAuthorization } from '../../interaction/seal'
import { readForm, readQuery, type Params } from '../../params'
import { ROUTES } from '../../routes'
import type { FindClient } from './checks/check-client'
import type { VerifyHint } from './checks/check-id-token-hint'
import { decide } from './decide'
import { issueAuthorizationCode } from './generate'
import type { PendingAuthorization } from './request'
import { codeResponse, errorPage, errorResponse, interactionRedirect } from './respond'
import { targetOf, validateAuthorizationRequest } from './validate'

export interface AuthorizeDeps {
  findClient: FindClient
  /** The signed-in session of a request's Cookie header (lib/session/current.ts). */
  readSession: (cookieHeader: string | null) => Promise<SignInSession | null>
  /** Remembered consent of a user for a client (lib/stores/consents.ts), or null. */
  rememberedScopes: (subjectId: string, clientId: string) => Promise<string[] | null>
  verifyHint?: VerifyHint
  database?: Db
}

export function defaultAuthorizeDeps(): AuthorizeDeps {
  return {
    findClient: (clientId) => findClient(clientId),
    readSession: (cookieHeader) => readSession(cookieHeader),
    rememberedScopes: async (subjectId, clientId) => (await findConsent(subjectId, clientId))?.scopes ?? null,
  }
}

/** The route handler (Next passes a second, unrelated argument: do not take deps from it). */
export async function authorizeEndpoint(request: Request): Promise<Response> {
  return handleAuthorize(request, defaultAuthorizeDeps())
}

export async function authorizeCallbackEndpoint(request: Request): Promise<Response> {
  return handleAuthorizeCallback(request, defaultAuthorizeDeps())
}

export async function handleAuthorize(request: Request, deps: AuthorizeDeps): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
  return guarded('authorize', async () => {
    let params: Params
    try {
      // Duplicated, oversized or (POST) non-form parameters: nothing is verified yet → error page.
      params = request.method === 'GET' ? readQuery(request) : await readForm(request)
    } catch (error) {
      if (isOAuthError(error)) return rejected(error.code, error.detail)
      throw error
    }
    const validation = await validateAuthorizationRequest(params, deps)
    if (!validation.ok) {
      log.info({ endpoint: 'authorize', error: validation.error.code, detail: validation.error.detail, toClient: Boolean(validation.target) }, 'authorization request rejected')
      return validation.target ? errorResponse(validation.target, validation.error) : errorPage(validation.error.code)
    }
    return proceed({ request: validation.request }, validation.client, request, deps)
  })
}

export async function handleAuthorizeCallback(request: Request, deps: AuthorizeDeps): Promise<Response> {
  if (request.method !== 'GET') return methodNotAllowed(['GET'])
  return guarded('authorize_callback', async () => {
    const values = new URL(request.url).searchParams.getAll('request')
    const pending = values.length === 1 ? await unsealPendingAuthorization(values[0]) : null
    if (!pending) return rejected('invalid_request', 'missing, forged or expired pending authorization')
    // The configuration may have changed while the person was on the login or consent page.
    const client = await deps.findClient(pending.request.clientId)
    if (!client || !client.enabled || !client.allowedGrantTypes.includes('authorization_code')) {
      return rejected('unauthorized_client', `client ${pending.request.clientId} no longer allowed`)
    }
    if (!client.redirectUris.includes(pending.request.redirectUri)) return rejected('invalid_request', 'redirect_uri no longer registered')
    return proceed(pending, client, request, deps)
  })
}

/** decide() on the current session and consent, then act on the decision. */
async function proceed(pending: PendingAuthorization, client: ClientConfig, request: Request, deps: AuthorizeDeps): Promise<Response> {
  const session = await deps.readSession(request.headers.get('cookie'))
  const rememberedScopes = session && client.requireConsent && client.allowRememberConsent ? await deps.rememberedScopes(session.subjectId, client.clientId) : null
  const decision = decide({ pending, client, session, rememberedScopes, now: nowMs() })
  const target = targetOf(pending.request)
  switch (decision.kind) {
    case 'login':
      // A consent given in an earlier session must not ride along into the next one.
      return interactionRedirect(ROUTES.login, await sealPendingAuthorization({ request: pending.request }))
    case 'consent':
      return interactionRedirect(ROUTES.consent, await sealPendingAuthorization({ request: pending.request }))
    case 'error':
      log.info({ endpoint: 'authorize', clientId: client.clientId, error: decision.error.code, detail: decision.error.detail }, 'authorization ended with an error')
      return errorResponse(target, decision.error)
    case 'issue': {
      const code = await issueAuthorizationCode({ request: pending.request, client, session: decision.session, scopes: decision.scopes }, deps.database)
      return codeResponse(target, code)
    }
  }
}

function rejected(code: OAuthErrorCode, detail: string): Response {
  log.info({ endpoint: 'authorize', error: code, detail }, 'authorization request rejected')
  return errorPage(code)
}

/** Anything unexpected: a generic server_error on the error page (never a 5xx page, never a redirect). */
async function guarded(endpoint: string, body: () => Promise<Response>): Promise<Response> {
  try {
    return await body()
  } catch (error) {
    log.error({ endpoint, err: error }, 'unexpected failure')
    return errorPage('server_error')
  }
}
