// Signing in over plain HTTP, as a browser without JavaScript does: GET the login page, post
// its form (Next.js renders the server action's ids as hidden inputs for exactly this case),
// keep the session cookie. Protocol tests use it to reach the user grants (codes, refresh
// tokens) without a browser; the browser suite covers the same pages with Chromium.
import * as oauth from 'oauth4webapi'

export interface HttpSession {
  /** The Cookie header to send (the sealed session cookie). */
  cookie: string
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' }
const decodeEntities = (value: string) => value.replace(/&(?:quot|#x27|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity]!)

/** The hidden inputs of the first form on a page, by name. */
function hiddenInputs(html: string): [string, string][] {
  const form = html.match(/<form\b[\s\S]*?<\/form>/)?.[0]
  if (!form) throw new Error('no form on the login page')
  const inputs: [string, string][] = []
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    if (!/\btype="hidden"/.test(tag)) continue
    const name = tag.match(/\bname="([^"]*)"/)?.[1]
    if (name === undefined) continue
    inputs.push([decodeEntities(name), decodeEntities(tag.match(/\bvalue="([^"]*)"/)?.[1] ?? '')])
  }
  return inputs
}

/** Posts the login form once and returns the answer as it is (throttling tests pass X-Forwarded-For). */
export async function postLoginForm(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const page = `${baseUrl}/login?returnTo=%2Faccount`
  const html = await (await fetch(page)).text()
  const form = new FormData()
  for (const [name, value] of hiddenInputs(html)) form.append(name, value)
  form.append('username', username)
  form.append('password', password)
  return fetch(page, { method: 'POST', body: form, redirect: 'manual', headers: { origin: baseUrl, ...headers } })
}

export async function signInOverHttp(baseUrl: string, username: string, password: string): Promise<HttpSession> {
  const response = await postLoginForm(baseUrl, username, password)
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0]!)
    .find((c) => c.startsWith('ts_session=') && c !== 'ts_session=')
  if (response.status !== 303 || !cookie) throw new Error(`sign-in of ${username} failed: HTTP ${response.status}`)
  return { cookie }
}

export interface CodeClient {
  clientId: string
  redirectUri: string
}

/**
 * An authorization request for a signed-in session (a client that needs no consent): the
 * code from the redirect, and its PKCE verifier.
 */
export async function authorizeOverHttp(as: oauth.AuthorizationServer, session: HttpSession, client: CodeClient, scope: string): Promise<{ callback: URLSearchParams; verifier: string }> {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  const response = await fetch(url, { headers: { cookie: session.cookie }, redirect: 'manual' })
  const location = response.headers.get('location')
  if (!location?.startsWith(client.redirectUri)) throw new Error(`authorize answered ${response.status} ${location ?? ''}`)
  return { callback: oauth.validateAuthResponse(as, { client_id: client.clientId }, new URL(location), state), verifier }
}
