// The demo relying party's OpenID Connect client: openid-client v6, configured from the
// portal's own discovery document, as any other application would be.
import { decodeJwt } from 'jose'
import * as oidc from 'openid-client'
import { log } from '../log'
import { DEMO_SCOPE, type DemoClient } from './config'
import type { DemoLogin, DemoSignedIn, DemoUserInfo } from './state'

let cached: { issuer: string; config: Promise<oidc.Configuration> } | undefined

/** The discovered configuration, fetched once per process (again after a failure). */
export function demoConfiguration(client: DemoClient): Promise<oidc.Configuration> {
  if (cached?.issuer === client.issuer) return cached.config
  const config = oidc.discovery(new URL(client.issuer), client.clientId, client.clientSecret, undefined, {
    // openid-client refuses plain-http servers (OAuth 2.0 requires TLS: RFC 6749 §3.1). The
    // embedded default runs on http://localhost, where there is no network to protect, so
    // http is allowed for a loopback issuer only; any other issuer must be https.
    execute: isLoopbackHttp(client.issuer) ? [oidc.allowInsecureRequests] : [],
  })
  cached = { issuer: client.issuer, config }
  config.catch(() => {
    if (cached?.config === config) cached = undefined
  })
  return config
}

function isLoopbackHttp(issuer: string): boolean {
  const url = new URL(issuer)
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/** Step 1: where to send the browser, and what to remember until it comes back. */
export async function startSignIn(client: DemoClient): Promise<{ url: URL; login: DemoLogin }> {
  const config = await demoConfiguration(client)
  const login: DemoLogin = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() }
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope: DEMO_SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(login.codeVerifier),
    code_challenge_method: 'S256',
    state: login.state,
    nonce: login.nonce,
  })
  return { url, login }
}

/**
 * Step 2, on /demo/callback: openid-client checks state and iss (RFC 9207), exchanges the
 * code with the PKCE verifier, and validates the identity token (signature, iss, aud, exp,
 * nonce). Then userinfo, whose `sub` must be the identity token's.
 */
export async function completeSignIn(client: DemoClient, callbackQuery: URLSearchParams, login: DemoLogin): Promise<DemoSignedIn> {
  const config = await demoConfiguration(client)
  // The URL the server redirected to, rebuilt from the registered redirect_uri so the
  // token request repeats it exactly, whatever Host header this request came with.
  const currentUrl = new URL(client.redirectUri)
  currentUrl.search = callbackQuery.toString()
  const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
    pkceCodeVerifier: login.codeVerifier,
    expectedState: login.state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  })
  if (!tokens.id_token) throw new Error('no identity token in the token response')
  const expiresIn = tokens.expiresIn()
  const signedIn: DemoSignedIn = {
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    hasRefreshToken: !!tokens.refresh_token,
    ...(expiresIn !== undefined && { expiresAt: Date.now() + expiresIn * 1000 }),
    ...(tokens.scope && { scope: tokens.scope }),
  }
  signedIn.userinfo = await callUserInfo(client, signedIn)
  return signedIn
}

/** GET /connect/userinfo with the access token; failures are shown, not thrown. */
export async function callUserInfo(client: DemoClient, signedIn: Pick<DemoSignedIn, 'idToken' | 'accessToken'>): Promise<DemoUserInfo> {
  try {
    const config = await demoConfiguration(client)
    const sub = subjectOf(signedIn.idToken)
    const claims = await oidc.fetchUserInfo(config, signedIn.accessToken, sub ?? oidc.skipSubjectCheck)
    return { at: Date.now(), claims: { ...claims } }
  } catch (error) {
    log.info({ err: error }, 'demo: userinfo call failed')
    return { at: Date.now(), error: errorCode(error) }
  }
}

/** RP-Initiated Logout: the end_session_endpoint with id_token_hint and our post-logout URI. */
export async function signOutUrl(client: DemoClient, idToken: string | undefined): Promise<URL> {
  const config = await demoConfiguration(client)
  return oidc.buildEndSessionUrl(config, {
    post_logout_redirect_uri: client.postLogoutRedirectUri,
    ...(idToken ? { id_token_hint: idToken } : { client_id: client.clientId }),
  })
}

function subjectOf(idToken: string): string | undefined {
  try {
    return decodeJwt(idToken).sub
  } catch {
    return undefined
  }
}

/** A short code for the page: the OAuth `error` when there is one (access_denied, invalid_token...). */
export function errorCode(error: unknown): string {
  const candidate = (error as { error?: unknown; code?: unknown } | null)?.error ?? (error as { code?: unknown } | null)?.code
  return typeof candidate === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(candidate) ? candidate : 'request_failed'
}
