// The demo app's route handlers (app/demo/*/route.ts re-export them): plain
// `(Request) => Response` functions, like the portal's protocol endpoints.
//   POST /demo/login     start signing in: remember state/nonce/verifier, go to /connect/authorize
//   GET  /demo/callback  finish: exchange the code, call userinfo, show /demo
//   POST /demo/userinfo  call userinfo again with the stored access token
//   POST /demo/logout    forget the tokens here, then RP-initiated logout at the portal
import { loadSettings } from '../config/env'
import { log } from '../log'
import { callUserInfo, completeSignIn, errorCode, signOutUrl, startSignIn } from './client'
import { demoClient } from './config'
import { clearDemoCookie, demoCookie, readDemoStateFromRequest } from './state'

const DEMO_PATH = '/demo'

export async function demoLogin(request: Request): Promise<Response> {
  const client = demoClient(loadSettings().issuer)
  if (!sameOrigin(request, client.issuer)) return forbidden()
  try {
    const { url, login } = await startSignIn(client)
    return seeOther(url.href, await demoCookie({ login }))
  } catch (error) {
    log.warn({ err: error }, 'demo: could not start signing in')
    return seeOther(demoUrl(client.issuer, { error: 'discovery_failed' }))
  }
}

export async function demoCallback(request: Request): Promise<Response> {
  const client = demoClient(loadSettings().issuer)
  const state = await readDemoStateFromRequest(request)
  const query = new URL(request.url).searchParams
  if (!state.login) {
    // No sign-in in progress in this browser (cookie lost, or a stale/forged callback).
    return seeOther(demoUrl(client.issuer, { error: 'no_login_in_progress' }), clearDemoCookie())
  }
  try {
    const signedIn = await completeSignIn(client, query, state.login)
    return seeOther(demoUrl(client.issuer), await demoCookie({ signedIn }))
  } catch (error) {
    log.info({ err: error }, 'demo: sign-in did not complete')
    return seeOther(demoUrl(client.issuer, { error: errorCode(error) }), clearDemoCookie())
  }
}

export async function demoUserInfo(request: Request): Promise<Response> {
  const client = demoClient(loadSettings().issuer)
  if (!sameOrigin(request, client.issuer)) return forbidden()
  const state = await readDemoStateFromRequest(request)
  if (!state.signedIn) return seeOther(demoUrl(client.issuer))
  const signedIn = { ...state.signedIn, userinfo: await callUserInfo(client, state.signedIn) }
  return seeOther(demoUrl(client.issuer), await demoCookie({ signedIn }))
}

export async function demoLogout(request: Request): Promise<Response> {
  const client = demoClient(loadSettings().issuer)
  if (!sameOrigin(request, client.issuer)) return forbidden()
  const state = await readDemoStateFromRequest(request)
  try {
    // The app forgets its tokens first, then asks the portal to end the person's session
    // there too; the portal sends the browser back to /demo.
    return seeOther((await signOutUrl(client, state.signedIn?.idToken)).href, clearDemoCookie())
  } catch (error) {
    log.warn({ err: error }, 'demo: could not build the end-session URL')
    return seeOther(demoUrl(client.issuer), clearDemoCookie())
  }
}

export async function demoMethodNotAllowed(): Promise<Response> {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } })
}

/**
 * The demo's POST handlers are plain route handlers, not server actions, so they make their
 * own same-origin check. Fetch Metadata first (Sec-Fetch-Site, sent by current browsers and
 * not affected by Referrer-Policy); the Origin header otherwise, where "null" (what browsers
 * send for a form POST under this site's Referrer-Policy: no-referrer) proves nothing either
 * way. Another site's form is refused; its SameSite=Lax cookie would not come along anyway.
 */
function sameOrigin(request: Request, issuer: string): boolean {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null) return site === 'same-origin' || site === 'none'
  const origin = request.headers.get('origin')
  return origin === null || origin === 'null' || origin === new URL(issuer).origin
}

function demoUrl(issuer: string, query?: Record<string, string>): string {
  return `${issuer}${DEMO_PATH}${query ? `?${new URLSearchParams(query)}` : ''}`
}

function seeOther(location: string, setCookie?: string): Response {
  const headers = new Headers({ Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
  if (setCookie) headers.append('Set-Cookie', setCookie)
  return new Response(null, { status: 303, headers })
}

function forbidden(): Response {
  return new Response('Cross-site request refused.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } })
}
