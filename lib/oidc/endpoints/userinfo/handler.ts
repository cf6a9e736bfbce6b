// GET|POST /connect/userinfo (OpenID Connect Core 1.0 §5.3), a protected resource in the
// sense of RFC 6750: bearer token in the header or form body, errors in WWW-Authenticate.
import { loadSettings } from '../../../config/env'
import { log } from '../../../log'
import { loadResourceCatalog, peekResourceCatalog } from '../../../stores/resources'
import { isOAuthError, serverError } from '../../errors'
import { errorJson, json, methodNotAllowed, NO_STORE, SECURITY_HEADERS } from '../../http'
import { bearerChallenge, extractBearerToken } from '../../shared/bearer'
import { merge } from '../../shared/merge'
import { generateUserInfoResponse } from './generate'
import { validateUserInfoRequest, type UserInfoDeps } from './validate'

const endpoint = 'userinfo'

export async function userInfoEndpoint(request: Request): Promise<Response> {
  return handleUserInfoRequest(request, {})
}

/** Every other method: 405 with `Allow: GET, POST` (RFC 9110 §15.5.6). */
export async function userInfoMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['GET', 'POST'])
}

/** The endpoint with injectable stores (tests pass their own database and keys). */
export async function handleUserInfoRequest(request: Request, deps: UserInfoDeps): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
  const realm = loadSettings().issuer
  try {
    const bearer = await extractBearerToken(request)
    // RFC 6750 §3.1: no authentication information at all → 401 with a bare challenge.
    if (!bearer) return noTokenResponse(realm)
    const validated = await validateUserInfoRequest(bearer.token, deps)
    // The cached catalog without a promise when the cache can answer at once (nearly always).
    const catalog = peekResourceCatalog(deps.db) ?? (await loadResourceCatalog(deps.db))
    return json(generateUserInfoResponse(validated, catalog.identityResources), { headers: NO_STORE })
  } catch (error) {
    return challengeResponse(realm, error)
  }
}

function noTokenResponse(realm: string): Response {
  return new Response(null, {
    status: 401,
    headers: merge(SECURITY_HEADERS, NO_STORE, { 'WWW-Authenticate': bearerChallenge(realm) }),
  })
}

const RFC6750_CODES: ReadonlySet<string> = new Set(['invalid_request', 'invalid_token', 'insufficient_scope'])

/** RFC 6750 §3: its three errors carry the Bearer challenge (the 400 invalid_request too). */
function challengeResponse(realm: string, error: unknown): Response {
  if (!isOAuthError(error)) {
    log.error({ endpoint, err: error }, 'unexpected failure')
    return errorJson(serverError('unexpected failure'))
  }
  log.info({ endpoint, error: error.code, detail: error.detail }, 'request rejected')
  if (!RFC6750_CODES.has(error.code)) return errorJson(error)
  const scope = error.code === 'insufficient_scope' ? 'openid' : undefined
  return errorJson(error, { 'WWW-Authenticate': bearerChallenge(realm, error, { scope }) })
}
