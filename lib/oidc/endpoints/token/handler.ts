// POST /connect/token (RFC 6749 §3.2): the same pipeline for every grant — method and content
// type, parameters, grant_type, client authentication (throttled), the client's request
// budget, grant validation, tokens.
import { audit, withAuditContext } from '../../../audit'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { isOAuthError } from '../../errors'
import { json, methodNotAllowed, NO_STORE, oauthErrorResponse } from '../../http'
import { readForm, readFormNow } from '../../params'
import { authenticateClient, authenticateClientNow } from '../../shared/client-auth'
import { spendRequestBudget, throttledAuthentication } from '../../shared/throttle'
import { generateTokenResponse } from './generate'
import { selectGrant, validateTokenRequest } from './validate'

export function tokenEndpoint(request: Request): Promise<Response> {
  return withAuditContext({ ip: clientIpFromHeaders(request.headers), endpoint: 'token' }, () => token(request))
}

// One async function for the whole pipeline (no wrapper per step), and each step awaited only
// when it had to wait (the form already read, the client cached, the counters in this
// process: the steps answer at once): on Node 20 every promise costs a promise hook while
// Next.js's AsyncLocalStorage is active in the process.
async function token(request: Request): Promise<Response> {
  if (request.method !== 'POST') return methodNotAllowed(['POST'])
  let issuing: { clientId: string; grantType: string } | undefined
  try {
    const params = readFormNow(request) ?? (await readForm(request))
    const grant = selectGrant(params)
    const authenticated = throttledAuthentication(request, params, 'token', () => authenticateClientNow(request, params) ?? authenticateClient(request, params))
    const client = authenticated instanceof Promise ? await authenticated : authenticated
    const spent = spendRequestBudget('token', client.clientId)
    if (spent) await spent
    issuing = { clientId: client.clientId, grantType: grant.grantType }
    const validating = validateTokenRequest(grant, params, client)
    const validated = validating instanceof Promise ? await validating : validating
    return json(await generateTokenResponse(validated), { headers: NO_STORE })
  } catch (error) {
    // Duende's TokenIssuedFailureEvent: the error code only (details may echo input).
    if (issuing && isOAuthError(error)) audit('token.failed', { outcome: 'failure', client_id: issuing.clientId, grant_type: issuing.grantType, reason: error.code })
    return oauthErrorResponse({ endpoint: 'token' }, error)
  }
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function tokenMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}
