// GET|POST /connect/endsession: OpenID Connect RP-Initiated Logout 1.0 (§2: the OP supports
// both methods). A browser endpoint: every answer is a 303 to a page or to the client,
// never a JSON error.
//
// - A valid id_token_hint for the person signed in here (same sub, and same sid when the
//   token has one): the client proved who it is signing out, so the session ends at once
//   and the browser goes to the post_logout_redirect_uri (+state) or /logged-out.
// - Anything else while signed in: the person is asked first (§2: the OP "SHOULD ask the
//   End-User whether to log out of the OP"), on /logout?request=<sealed request>.
//   A post_logout_redirect_uri validated by client_id alone is honoured only after that
//   confirmation: that, plus the exact registration, is the "other means of confirming the
//   legitimacy of the post-logout redirection target" §2 requires without a hint.
// - Not signed in: nothing to end. A valid hint still earns the redirect back to the client.
import { audit } from '../../../audit'
import { loadSettings } from '../../../config/env'
import { log } from '../../../log'
import { clientIpFromHeaders } from '../../../security/client-ip'
import { clearSessionCookieHeader, readSession } from '../../../session/current'
import { endSession } from '../../../stores/sessions'
import { sealLogoutRequest } from '../../interaction/logout-seal'
import { isOAuthError } from '../../errors'
import { methodNotAllowed, NO_STORE, SECURITY_HEADERS } from '../../http'
import { readForm, readQuery, type Params } from '../../params'
import { absoluteUrl, ROUTES } from '../../routes'
import { pendingLogoutOf, postLogoutTarget } from './generate'
import { validateEndSessionRequest } from './validate'

const endpoint = 'end_session'

export async function endSessionEndpoint(request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') return methodNotAllowed(['GET', 'POST'])
  const issuer = loadSettings().issuer
  try {
    let params: Params
    try {
      params = request.method === 'GET' ? readQuery(request) : await readForm(request)
    } catch (error) {
      if (!isOAuthError(error)) throw error
      log.info({ endpoint, error: error.code, detail: error.detail }, 'request rejected')
      return seeOther(`${absoluteUrl(issuer, ROUTES.error)}?error=${error.code}`)
    }

    const validated = await validateEndSessionRequest(params)
    const session = await readSession(request.headers.get('cookie'))

    if (!session) {
      return seeOther(validated.hint ? postLogoutTarget(validated, issuer) : absoluteUrl(issuer, ROUTES.loggedOut), clearSessionCookieHeader())
    }

    const { hint } = validated
    if (hint && hint.subjectId === session.subjectId && (hint.sid === undefined || hint.sid === session.sid)) {
      await endSession(session.sid)
      log.info({ endpoint, sid: session.sid, clientId: hint.clientId }, 'signed out (id_token_hint)')
      audit('session.ended', { outcome: 'success', endpoint, sub: session.subjectId, sid: session.sid, client_id: hint.clientId, ip: clientIpFromHeaders(request.headers), reason: 'id_token_hint' })
      return seeOther(postLogoutTarget(validated, issuer), clearSessionCookieHeader())
    }

    if (hint) log.info({ endpoint, clientId: hint.clientId }, 'id_token_hint is for another session; asking the person')
    const sealed = await sealLogoutRequest(pendingLogoutOf(validated))
    return seeOther(`${absoluteUrl(issuer, ROUTES.logout)}?request=${encodeURIComponent(sealed)}`)
  } catch (error) {
    log.error({ endpoint, err: error }, 'unexpected failure')
    return seeOther(`${absoluteUrl(issuer, ROUTES.error)}?error=server_error`)
  }
}

/** Every other method: 405 with `Allow: GET, POST`. */
export async function endSessionMethodNotAllowed(): Promise<Response> {
  return methodNotAllowed(['GET', 'POST'])
}

/** 303: after a POST the browser follows with a GET (RFC 9110 §15.4.4). */
function seeOther(location: string, setCookie?: string): Response {
  const headers = new Headers({ ...SECURITY_HEADERS, ...NO_STORE, Location: location })
  if (setCookie) headers.append('Set-Cookie', setCookie)
  return new Response(null, { status: 303, headers })
}
