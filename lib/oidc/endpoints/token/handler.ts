// POST /connect/token (RFC 6749 §3.2): the same pipeline for every grant — method and content
// type, parameters, grant_type, client authentication (throttled), the client's request
// budget, grant validation, tokens.
import { audit, withAuditContext } from '../../../audit'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { isOAuthError } from '../../errors'
import { handleOAuth, json, methodNotAllowed, NO_STORE } from '../../http'
import { readForm } from '../../params'
import { authenticateClient } from '../../shared/client-auth'
import { spendRequestBudget, throttledAuthentication } from '../../shared/throttle'
import { generateTokenResponse } from './generate'
import { selectGrant, validateTokenRequest } from './validate'

export async function tokenEndpoint(request: Request): Promise<Response> {
  return withAuditContext({ ip: clientIpFromHeaders(request.headers), endpoint: 'token' }, () =>
    handleOAuth({ endpoint: 'token' }, async () => {
      if (request.method !== 'POST') return methodNotAllowed(['POST'])
      const params = await readForm(request)
      const grant = selectGrant(params)
      const client = await throttledAuthentication(request, params, 'token', () => authenticateClient(request, params))
      await spendRequestBudget('token', client.clientId)
      try {
        const validated = await validateTokenRequest(grant, params, client)
        return json(await generateTokenResponse(validated), { headers: NO_STORE })
      } catch (error) {
        // Duende's TokenIssuedFailureEvent: the error code only (details may echo input).
        if (isOAuthError(error)) audit('token.failed', { outcome: 'failure', client_id: client.clientId, grant_type: grant.grantType, reason: error.code })
        throw error
      }
    }),
  )
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function tokenMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}
