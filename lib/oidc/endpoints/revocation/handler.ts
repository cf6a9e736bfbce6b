// POST /connect/revocation (RFC 7009): form body, client authentication, one token. The
// answer is 200 with an empty body whether or not anything was revoked (§2.2).
import type { Db } from '../../../db/client'
import { handleOAuth, methodNotAllowed, NO_STORE, SECURITY_HEADERS } from '../../http'
import { readForm } from '../../params'
import { revokeToken } from './generate'
import { validateRevocationRequest } from './validate'

export async function revocationEndpoint(request: Request): Promise<Response> {
  return handleRevocationRequest(request)
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function revocationMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}

/** The endpoint with an injectable database (tests pass their own). */
export async function handleRevocationRequest(request: Request, database?: Db): Promise<Response> {
  return handleOAuth({ endpoint: 'revocation' }, async () => {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const params = await readForm(request)
    await revokeToken(await validateRevocationRequest(request, params, database), database)
    return new Response(null, { status: 200, headers: { ...SECURITY_HEADERS, ...NO_STORE } })
  })
}
