// Tokens of the user flows, produced through each server's real authorization endpoint before
// a run: authorization codes (single use: one per request of the code-exchange workload),
// refresh tokens (from exchanging such codes) and access tokens (for userinfo).
//
// Ours: sign in by posting the login form as a browser without JavaScript does, then ask
// /connect/authorize for codes with the session cookie (e2e/protocol/support/http-sign-in.ts,
// imported as it is through tsx). The peer: its /auth endpoint, where the first request of a
// session goes through the programmatic interaction of bench/peer-oidc-provider.mjs and the
// following ones get a code at once.
import { createHash, randomBytes } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import { tsImport } from 'tsx/esm/api'
import { BENCH, interactiveScope } from './fixtures.mjs'

const { signInOverHttp, authorizeOverHttp } = await tsImport('../e2e/protocol/support/http-sign-in.ts', import.meta.url)

export const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')
const MINT_CONCURRENCY = 16
/** Codes per session on the peer: node-oidc-provider's memory adapter rewrites a grant's member list on every token, so one huge grant would cost what no real user's does. */
const PEER_CODES_PER_SESSION = 100

export const clientNamed = (clientId) => BENCH.interactive.find((c) => c.clientId === clientId)

/** The token request body that redeems a code. */
export function codeBody(client, code, verifier) {
  return `grant_type=authorization_code&code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(client.redirectUri)}&code_verifier=${verifier}`
}

export function refreshBody(refreshToken) {
  return `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`
}

/** How fetch fails when the server closed a kept-alive connection just as it was reused. */
const RETRIED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'])

/**
 * Runs a request again when a kept-alive connection was closed under it (the server dropped a
 * connection that sat idle while the other side was measured).
 */
async function again(request) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request()
    } catch (error) {
      if (attempt === 3 || !RETRIED.has(error?.cause?.code)) throw error
    }
  }
}

export const fetchAgain = (url, init) => again(() => fetch(url, init))

/** Runs `count` jobs (index, worker number), `MINT_CONCURRENCY` at a time; returns their results in order. */
async function mintMany(count, job) {
  const results = new Array(count)
  let next = 0
  const worker = async (_, w) => {
    while (next < count) {
      const i = next++
      results[i] = await job(i, w)
    }
  }
  await Promise.all(Array.from({ length: Math.min(MINT_CONCURRENCY, count) }, worker))
  return results
}

// ---------------------------------------------------------------- ours

export function ourFlows(baseUrl) {
  let as
  const sessions = []
  const discover = async () =>
    (as ??= await again(async () => oauth.processDiscoveryResponse(new URL(baseUrl), await oauth.discoveryRequest(new URL(baseUrl), { [oauth.allowInsecureRequests]: true }))))
  const session = async (i) => {
    // One session per bench user; codes are spread over them.
    const user = BENCH.users[i % BENCH.users.length]
    sessions[i % BENCH.users.length] ??= again(() => signInOverHttp(baseUrl, user.username, user.password))
    return sessions[i % BENCH.users.length]
  }
  return {
    tokenPath: '/connect/token',
    /** `count` fresh codes of `client`, each as the token request body that redeems it. */
    async codes(client, count) {
      const server = await discover()
      return mintMany(count, async (i) => {
        const request = { clientId: client.clientId, redirectUri: client.redirectUri }
        const { callback, verifier } = await again(async () => authorizeOverHttp(server, await session(i), request, interactiveScope(client, 'ours')))
        return codeBody(client, callback.get('code'), verifier)
      })
    },
  }
}

// ---------------------------------------------------------------- the peer

export function peerFlows(baseUrl) {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  /** Follows redirects by hand (keeping cookies) until one goes to the client's redirect URI. */
  async function authorize(client, jar) {
    const url = new URL('/auth', baseUrl)
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: interactiveScope(client, 'peer'),
      state: randomBytes(8).toString('base64url'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      // node-oidc-provider drops offline_access unless consent is prompted for (OIDC Core §11),
      // so every such code goes through the (programmatic) consent interaction.
      ...(client.offline && { prompt: 'consent' }),
    })
    let next = url.href
    for (let hop = 0; hop < 8; hop++) {
      const response = await fetchAgain(next, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } })
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';', 1)
        const eq = pair.indexOf('=')
        jar.set(pair.slice(0, eq), pair.slice(eq + 1))
      }
      const text = await response.text()
      const location = response.headers.get('location')
      if (!location) throw new Error(`peer authorization answered ${response.status} without a redirect: ${text.replace(/<style>[\s\S]*?<\/style>|<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`)
      if (location.startsWith(client.redirectUri)) {
        const code = new URL(location).searchParams.get('code')
        if (!code) throw new Error(`peer authorization failed: ${location}`)
        return code
      }
      next = new URL(location, next).href
    }
    throw new Error('peer authorization: too many redirects')
  }

  return {
    tokenPath: '/token',
    async codes(client, count) {
      // Every consent interaction ends with node-oidc-provider giving the session a new id
      // (resume.js resetIdentifier), so a session carries one request at a time: each worker
      // keeps its own cookie jar, and starts a new session every PEER_CODES_PER_SESSION codes.
      const jars = []
      return mintMany(count, async (i, worker) => {
        const slot = jars[worker] ?? { jar: new Map(), codes: 0 }
        if (slot.codes++ % PEER_CODES_PER_SESSION === 0) slot.jar = new Map()
        jars[worker] = slot
        return codeBody(client, await authorize(client, slot.jar), verifier)
      })
    },
  }
}

// ---------------------------------------------------------------- either

/** Redeems code bodies at the token endpoint; returns the token responses. */
export async function redeem(baseUrl, flows, client, bodies) {
  return mintMany(bodies.length, async (i) => {
    const response = await fetchAgain(baseUrl + flows.tokenPath, {
      method: 'POST',
      headers: { authorization: basic(client.clientId, client.secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: bodies[i],
    })
    const json = await response.json()
    if (!response.ok) throw new Error(`code exchange at ${baseUrl} failed: ${JSON.stringify(json)}`)
    return json
  })
}
