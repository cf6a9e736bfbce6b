// POST /connect/revocation (RFC 7009): form body, client authentication, one token. The
// answer is 200 with an empty body whether or not anything was revoked (§2.2).
import { withAuditContext } from '../../../audit'
import type { Db } from '../../../db/client'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { handleOAuth, methodNotAllowed, NO_STORE, SECURITY_HEADERS } from '../../http'
import { readForm } from '../../params'
import { spendRequestBudget, throttledAuthentication, type ThrottleDeps } from '../../shared/throttle'
import { revokeToken } from './generate'
import { validateRevocationRequest } from './validate'

const REVOKED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...SECURITY_HEADERS, ...NO_STORE })

export async function revocationEndpoint(request: Request): Promise<Response> {
  return handleRevocationRequest(request)
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function revocationMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}

/** The endpoint with an injectable database (tests pass their own). */
export async function handleRevocationRequest(request: Request, database?: Db, deps: ThrottleDeps = {}): Promise<Response> {
  return withAuditContext({ ip: clientIpFromHeaders(request.headers), endpoint: 'revocation' }, () =>
    handleOAuth({ endpoint: 'revocation' }, async () => {
      if (request.method !== 'POST') return methodNotAllowed(['POST'])
      const params = await readForm(request)
      // The client authenticates under the failure throttle, then spends from its budget.
      const validated = await throttledAuthentication(request, params, 'revocation', () => validateRevocationRequest(request, params, database), deps)
      await spendRequestBudget('revocation', validated.client.clientId, deps)
      await revokeToken(validated, database)
      return new Response(null, { status: 200, headers: REVOKED_HEADERS })
    }),
  )
}
