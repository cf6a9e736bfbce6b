// POST /connect/token (RFC 6749 §3.2): the same pipeline for every grant — method and content
// type, parameters, grant_type, client authentication, grant validation, tokens.
import { handleOAuth, json, methodNotAllowed, NO_STORE } from '../../http'
import { readForm } from '../../params'
import { authenticateClient } from '../../shared/client-auth'
import { generateTokenResponse } from './generate'
import { selectGrant, validateTokenRequest } from './validate'

export async function tokenEndpoint(request: Request): Promise<Response> {
  return handleOAuth({ endpoint: 'token' }, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const params = await readForm(request)
    const grant = selectGrant(params)
    const client = await authenticateClient(request, params)
    const validated = await validateTokenRequest(grant, params, client)
    return json(await generateTokenResponse(validated), { headers: NO_STORE })
  })
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function tokenMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}
