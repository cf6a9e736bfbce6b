// POST /connect/introspect (RFC 7662): form body, caller authentication, one token in,
// its metadata or {"active":false} out. Never cached.
import { withAuditContext } from '../../../audit'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { json, methodNotAllowed, NO_STORE, oauthErrorResponse } from '../../http'
import { readForm } from '../../params'
import { spendRequestBudget, throttledAuthentication, type ThrottleDeps } from '../../shared/throttle'
import { generateIntrospectionResponse } from './generate'
import { validateIntrospectionRequest, type IntrospectionDeps } from './validate'

export async function introspectionEndpoint(request: Request): Promise<Response> {
  return handleIntrospectionRequest(request, {})
}

/** Every other method: 405 with `Allow: POST` (RFC 9110 §15.5.6). */
export async function introspectionMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['POST'])
}

/** The endpoint with injectable stores (tests pass their own database and keys). */
export function handleIntrospectionRequest(request: Request, deps: IntrospectionDeps & ThrottleDeps): Promise<Response> {
  return withAuditContext({ ip: clientIpFromHeaders(request.headers), endpoint: 'introspection' }, () => introspect(request, deps))
}

// One async function for the whole pipeline (handleOAuth's try/catch written out): on Node 20
// every promise costs a promise hook while Next.js's AsyncLocalStorage is active in the process.
async function introspect(request: Request, deps: IntrospectionDeps & ThrottleDeps): Promise<Response> {
  try {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const params = await readForm(request)
    // The caller authenticates under the failure throttle, then spends from its budget.
    const validated = await throttledAuthentication(request, params, 'introspection', () => validateIntrospectionRequest(request, params, deps), deps)
    const caller = validated.caller.kind === 'resource' ? `api:${validated.caller.resource.name}` : `client:${validated.caller.client.clientId}`
    await spendRequestBudget('introspection', caller, deps)
    return json(await generateIntrospectionResponse(validated, deps), { headers: NO_STORE })
  } catch (error) {
    return oauthErrorResponse({ endpoint: 'introspect' }, error)
  }
}
