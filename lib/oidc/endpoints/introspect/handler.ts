// POST /connect/introspect (RFC 7662): form body, caller authentication, one token in,
// its metadata or {"active":false} out. Never cached.
import { withAuditContext } from '../../../audit'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { json, methodNotAllowed, NO_STORE, oauthErrorResponse } from '../../http'
import { readForm, readFormNow } from '../../params'
import { spendRequestBudget, throttledAuthentication, type ThrottleDeps } from '../../shared/throttle'
import { generateIntrospectionResponse } from './generate'
import { validateIntrospectionRequest, validateIntrospectionRequestNow, type IntrospectionDeps } from './validate'

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

// One async function for the whole pipeline (handleOAuth's try/catch written out), and each
// step awaited only when it had to wait (the form already read, the caller cached, the
// counters in this process: the steps answer at once): on Node 20 every promise costs a
// promise hook while Next.js's AsyncLocalStorage is active in the process.
async function introspect(request: Request, deps: IntrospectionDeps & ThrottleDeps): Promise<Response> {
  try {
    if (request.method !== 'POST') return methodNotAllowed(['POST'])
    const params = readFormNow(request) ?? (await readForm(request))
    // The caller authenticates under the failure throttle, then spends from its budget.
    const authenticated = throttledAuthentication(
      request,
      params,
      'introspection',
      () => validateIntrospectionRequestNow(request, params, deps) ?? validateIntrospectionRequest(request, params, deps),
      deps,
    )
    const validated = authenticated instanceof Promise ? await authenticated : authenticated
    const caller = validated.caller.kind === 'resource' ? `api:${validated.caller.resource.name}` : `client:${validated.caller.client.clientId}`
    const spent = spendRequestBudget('introspection', caller, deps)
    if (spent) await spent
    return json(await generateIntrospectionResponse(validated, deps), { headers: NO_STORE })
  } catch (error) {
    return oauthErrorResponse({ endpoint: 'introspect' }, error)
  }
}
