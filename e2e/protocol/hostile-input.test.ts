// Hostile input, endpoint by endpoint and form by form (hardening issue §1): missing, empty,
// duplicated and unknown parameters; 1 MB values and bodies; wrong methods and content types;
// JSON and multipart where a form is expected; bytes that are not UTF-8 and control
// characters; SQL, HTML and script injection; redirect_uri tricks; malformed PKCE verifiers;
// forged JWTs (alg none, HS256 keyed with the public key, a foreign kid, a tampered payload)
// as id_token_hint and as bearer token; expired, future and malformed timestamps.
//
// Every case expects the spec's error (status and `error` where the spec defines one) or a
// safe error page, and every answer keeps the invariants of support/hostile.ts: never a 5xx,
// no internal detail in the body, no redirect but to this server or a registered URI, no
// new session, and the watched database rows exactly as before (the few cases that really
// sign someone in add exactly one session). The figures per endpoint are printed at the end
// and written to test-results/hostile-input-summary.json (README, security section).
//
// Clients and user: the hi-* entries of fixtures/config.json, used by no other suite.
import { mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { JWK } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { basicAuth } from './support/form-post'
import {
  CONTROL,
  expectSafeAnswer,
  forgeries,
  INJECTIONS,
  INVALID_UTF8,
  mb,
  openRowCounter,
  rawMultipart,
  type Answer,
  type DbCounts,
} from './support/hostile'
import { authorizeOverHttp, signInOverHttp, type HttpSession } from './support/http-sign-in'

const baseUrl = inject('baseUrl')
const databaseFile = inject('databaseFile')
const ROOT = path.resolve(import.meta.dirname, '..', '..')

const WEB = { clientId: 'hi-web', secret: 'hi-web-secret', redirectUri: 'http://127.0.0.1:9/hi/callback', postLogout: 'http://127.0.0.1:9/hi/signed-out' }
const CONSENT = { clientId: 'hi-consent', redirectUri: 'http://127.0.0.1:9/hi/consent-callback' }
const SHORT = { clientId: 'hi-short', secret: 'hi-short-secret', redirectUri: 'http://127.0.0.1:9/hi/short' }
const MACHINE = { clientId: 'hi-machine', secret: 'hi-machine-secret' }
const API = { name: 'hi-api', secret: 'hi-api-secret' }
const USER = { username: 'hi-alice', password: 'hi-alice-password' }

// ------------------------------------------------------------------ what the suite builds up

interface Context {
  as: oauth.AuthorizationServer
  jwks: { keys: JWK[] }
  /** hi-alice, signed in over HTTP. */
  session: HttpSession
  challenge: string
  /** hi-web: openid profile email hi.read offline_access. */
  tokens: { accessToken: string; idToken: string; refreshToken: string }
  /** hi-machine, client_credentials (no openid). */
  machineToken: string
  /** hi-short: tokens one second old at most when issued, expired by the time they are used. */
  expired: { accessToken: string; idToken: string }
  forgedAccessTokens: Record<string, string>
  forgedIdTokens: Record<string, string>
  /** An unredeemed hi-web code and its verifier (the authorization_code cases must not spend it). */
  code: { code: string; verifier: string }
  /** The hidden fields of each page's form, as a browser without JavaScript posts them. */
  forms: { login: [string, string][]; consent: [string, string][]; logout: [string, string][]; revoke: [string, string][]; endSession: [string, string][]; signOutEverywhere: [string, string][] }
  /** Server-action ids, for posting as a script (Next-Action header). */
  actions: { login: string; consent: string; logout: string; revoke: string; endSession: string }
  /** A sealed pending authorization of hi-consent (the consent page's `request`). */
  consentRequest: string
}

let ctx: Context

// ------------------------------------------------------------------ requests

async function send(target: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(new URL(target, baseUrl), { redirect: 'manual', ...init })
  return { status: response.status, headers: response.headers, body: await response.text() }
}

/** A query or form body: `base` with `overrides` (undefined removes), then `raw` pieces as written (already encoded). */
function encode(base: Record<string, string>, overrides: Record<string, string | undefined> = {}, raw: Record<string, string> = {}): string {
  const values: Record<string, string | undefined> = { ...base, ...overrides }
  for (const name of Object.keys(raw)) delete values[name]
  const encoded = new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined)).toString()
  return [encoded, ...Object.entries(raw).map(([name, value]) => `${name}=${value}`)].filter(Boolean).join('&')
}

const FORM = 'application/x-www-form-urlencoded'
const postForm = (target: string, body: BodyInit, headers: Record<string, string> = {}) => send(target, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body })
const postJson = (target: string, value: unknown, headers: Record<string, string> = {}) => send(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) })
const postMultipart = (target: string, values: Record<string, string>, headers: Record<string, string> = {}) => {
  const form = new FormData()
  for (const [name, value] of Object.entries(values)) form.append(name, value)
  return send(target, { method: 'POST', headers, body: form })
}
const postText = (target: string, body: string, headers: Record<string, string> = {}) => send(target, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body })
const rawBytes = (prefix: string) => new Uint8Array([...Buffer.from(prefix), 0xff, 0xfe, 0xc3, 0x28])

// ------------------------------------------------------------------ expectations

type Expected =
  /** An answer with this status; with `error`, a JSON body { error } (RFC 6749 §5.2 and kin). */
  | { status: number | number[]; error?: string; json?: Record<string, unknown>; body?: RegExp; headers?: Record<string, string>; challenge?: 'bare' | 'error' }
  /** 303 to the portal's error page with exactly this code. */
  | { errorPage: string }
  /** 303 to the registered redirect_uri with this error, state (when sent) and iss. */
  | { atClient: string; redirectUri?: string }
  /** 303 to exactly this registered URI (plus a query). */
  | { registered: string }
  /** 303 (or Next.js's 307 from a page) to this address on this server. */
  | { location: RegExp }
  /** An HTML page with this text. */
  | { page: RegExp; status?: number }

interface HostileCase {
  endpoint: string
  name: string
  send: () => Promise<Answer>
  expect: Expected
  /** Text that must not come back verbatim (an injected string). */
  notEchoed?: string
  /** A case that really signs someone in: one new session, and a session cookie. */
  signsIn?: boolean
}

function checkExpected(expected: Expected, answer: Answer): void {
  const location = answer.headers.get('location')
  if ('errorPage' in expected) {
    expect(answer.status).toBe(303)
    const url = new URL(location!, baseUrl)
    expect(`${url.origin}${url.pathname}`).toBe(`${baseUrl}/error`)
    expect(url.searchParams.get('error')).toBe(expected.errorPage)
    return
  }
  if ('atClient' in expected) {
    expect(answer.status).toBe(303)
    const url = new URL(location!)
    expect(`${url.origin}${url.pathname}`).toBe(expected.redirectUri ?? WEB.redirectUri)
    expect(url.searchParams.get('error')).toBe(expected.atClient)
    expect(url.searchParams.get('iss')).toBe(baseUrl)
    expect(url.searchParams.has('code')).toBe(false)
    return
  }
  if ('registered' in expected) {
    expect(answer.status).toBe(303)
    expect(location === expected.registered || location!.startsWith(`${expected.registered}?`), `${location} is ${expected.registered}`).toBe(true)
    return
  }
  if ('location' in expected) {
    expect([303, 307]).toContain(answer.status)
    const url = new URL(location!, baseUrl)
    expect(url.origin).toBe(baseUrl)
    expect(`${url.pathname}${url.search}`).toMatch(expected.location)
    return
  }
  if ('page' in expected) {
    expect(answer.status).toBe(expected.status ?? 200)
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
    expect(answer.body).toMatch(expected.page)
    return
  }
  const statuses = Array.isArray(expected.status) ? expected.status : [expected.status]
  expect(statuses).toContain(answer.status)
  if (expected.error !== undefined) {
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    expect(JSON.parse(answer.body)).toMatchObject({ error: expected.error })
    expect(answer.headers.get('cache-control')).toBe('no-store')
  }
  if (expected.json !== undefined) expect(JSON.parse(answer.body)).toEqual(expected.json)
  if (expected.body !== undefined) expect(answer.body).toMatch(expected.body)
  for (const [name, value] of Object.entries(expected.headers ?? {})) expect(answer.headers.get(name), name).toBe(value)
  if (expected.challenge === 'bare') expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]*"$/)
  if (expected.challenge === 'error') expect(answer.headers.get('www-authenticate')).toContain(`error="${expected.error}"`)
}

// ------------------------------------------------------------------ bookkeeping

const counter = databaseFile ? openRowCounter(databaseFile) : undefined
const tally = new Map<string, { cases: number; passed: number }>()

async function runCase(c: HostileCase): Promise<void> {
  const before = counter?.counts()
  const answer = await c.send()
  expectSafeAnswer(answer, baseUrl, { signsIn: c.signsIn })
  checkExpected(c.expect, answer)
  if (c.notEchoed !== undefined) {
    expect(answer.body.includes(c.notEchoed), 'the injected text comes back verbatim').toBe(false)
    expect(answer.headers.get('location')?.includes(c.notEchoed) ?? false).toBe(false)
  }
  if (c.signsIn) expect(answer.headers.getSetCookie().some((cookie) => /^ts_session=[^;]/.test(cookie))).toBe(true)
  if (counter && before) {
    const expected: DbCounts = { ...before, UserSession: before.UserSession + (c.signsIn ? 1 : 0) }
    expect(counter.counts(), 'the database is unchanged').toEqual(expected)
  }
  tally.get(c.endpoint)!.passed++
}

function table(endpoint: string, cases: Omit<HostileCase, 'endpoint'>[]): void {
  const entry = tally.get(endpoint) ?? { cases: 0, passed: 0 }
  entry.cases += cases.length
  tally.set(endpoint, entry)
  for (const c of cases) it(c.name, () => runCase({ ...c, endpoint }))
}

/** One case per entry of `values`. */
const each = <T,>(values: Readonly<Record<string, T>>, make: (name: string, value: T) => Omit<HostileCase, 'endpoint'>) => Object.entries(values).map(([name, value]) => make(name, value))

// ------------------------------------------------------------------ set-up

beforeAll(async () => {
  const issuer = new URL(baseUrl)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }))
  const jwks = (await (await fetch(as.jwks_uri!)).json()) as { keys: JWK[] }
  const session = await signInOverHttp(baseUrl, USER.username, USER.password)

  const exchange = async (client: { clientId: string; secret: string; redirectUri: string }, scope: string) => {
    const { callback, verifier } = await authorizeOverHttp(as, session, client, scope)
    const response = await fetch(as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': FORM, authorization: basicAuth(client.clientId, client.secret) },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.get('code')!, redirect_uri: client.redirectUri, code_verifier: verifier }),
    })
    expect(response.status).toBe(200)
    return (await response.json()) as { access_token: string; id_token: string; refresh_token?: string }
  }
  const web = await exchange(WEB, 'openid profile email hi.read offline_access')
  const short = await exchange(SHORT, 'openid hi.read')
  const machine = await fetch(as.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: basicAuth(MACHINE.clientId, MACHINE.secret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'hi.read' }),
  })
  expect(machine.status).toBe(200)

  const { callback, verifier } = await authorizeOverHttp(as, session, WEB, 'openid hi.read')

  // The consent page for hi-consent, reached the way a browser reaches it.
  const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier())
  const toConsent = await fetch(`${as.authorization_endpoint}?${new URLSearchParams({ client_id: CONSENT.clientId, redirect_uri: CONSENT.redirectUri, response_type: 'code', scope: 'openid profile hi.read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' })}`, {
    headers: { cookie: session.cookie },
    redirect: 'manual',
  })
  const consentUrl = new URL(toConsent.headers.get('location')!, baseUrl)
  expect(consentUrl.pathname).toBe('/consent')
  const consentHtml = await (await fetch(consentUrl, { headers: { cookie: session.cookie } })).text()
  const loginHtml = await (await fetch(`${baseUrl}/login`)).text()
  const logoutHtml = await (await fetch(`${baseUrl}/logout`, { headers: { cookie: session.cookie } })).text()
  const accountHtml = await (await fetch(`${baseUrl}/account`, { headers: { cookie: session.cookie } })).text()

  const login = hiddenFields(loginHtml, /name="username"/)
  const consent = hiddenFields(consentHtml, /name="decision"/)
  const logout = hiddenFields(logoutHtml, /name="decision"/)
  const revoke = hiddenFields(accountHtml, /name="clientId"/)
  /** The action id of a useActionState form (React renders it into $ACTION_1:0). */
  const stateActionId = (fields: [string, string][]) => (JSON.parse(fields.find(([name]) => name === '$ACTION_1:0')![1]) as { id: string }).id
  const endSession = hiddenFields(accountHtml, /name="sid"/)
  ctx = {
    as,
    jwks,
    session,
    challenge,
    tokens: { accessToken: web.access_token, idToken: web.id_token, refreshToken: web.refresh_token! },
    machineToken: ((await machine.json()) as { access_token: string }).access_token,
    expired: { accessToken: short.access_token, idToken: short.id_token },
    forgedAccessTokens: await forgeries(web.access_token, jwks),
    forgedIdTokens: await forgeries(web.id_token, jwks),
    code: { code: callback.get('code')!, verifier },
    forms: {
      login,
      consent: consent.filter(([name]) => name !== 'request'),
      logout,
      revoke: revoke.filter(([name]) => name !== 'clientId'),
      endSession: endSession.filter(([name]) => name !== 'sid'),
      signOutEverywhere: hiddenFields(accountHtml, /Sign out everywhere/),
    },
    actions: {
      login: stateActionId(login),
      consent: stateActionId(consent),
      logout: stateActionId(logout),
      revoke: revoke.find(([name]) => name.startsWith('$ACTION_ID_'))![0].slice('$ACTION_ID_'.length),
      endSession: endSession.find(([name]) => name.startsWith('$ACTION_ID_'))![0].slice('$ACTION_ID_'.length),
    },
    consentRequest: consentUrl.searchParams.get('request')!,
  }
  // hi-short's tokens live one second: wait until they are certainly expired.
  await new Promise((resolve) => setTimeout(resolve, 2100))
}, 60_000)

afterAll(() => {
  counter?.close()
  const rows = [...tally].map(([endpoint, { cases, passed }]) => ({ endpoint, cases, passed }))
  const total = rows.reduce((sum, row) => ({ cases: sum.cases + row.cases, passed: sum.passed + row.passed }), { cases: 0, passed: 0 })
  const summary = { fastPath: process.env.PROTOCOL_FAST_PATH !== 'false', databaseChecked: Boolean(counter), endpoints: rows, total }
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true })
  writeFileSync(path.join(ROOT, 'test-results', 'hostile-input-summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
  const width = Math.max(...rows.map((r) => r.endpoint.length), 'endpoint'.length)
  const line = (a: string, b: string | number, c: string | number) => `${a.padEnd(width)}  ${String(b).padStart(5)}  ${String(c).padStart(6)}`
  console.log(['hostile input: cases per endpoint', line('endpoint', 'cases', 'passed'), ...rows.map((r) => line(r.endpoint, r.cases, r.passed)), line('total', total.cases, total.passed)].join('\n'))
})

/** The hidden inputs of the first form whose markup matches `marker`, by name. */
function hiddenFields(html: string, marker: RegExp): [string, string][] {
  const unescape = (v: string) => v.replace(/&(quot|#x27|#39|lt|gt|amp);/g, (_, e: string) => ({ quot: '"', '#x27': "'", '#39': "'", lt: '<', gt: '>', amp: '&' })[e]!)
  for (const [form] of html.matchAll(/<form\b[\s\S]*?<\/form>/g)) {
    if (!marker.test(form)) continue
    return [...form.matchAll(/<input\b[^>]*>/g)]
      .map(([tag]) => tag)
      .filter((tag) => /\btype="hidden"/.test(tag))
      .map((tag) => [unescape(tag.match(/\bname="([^"]*)"/)![1]!), unescape(tag.match(/\bvalue="([^"]*)"/)?.[1] ?? '')])
  }
  throw new Error(`no form matching ${marker}`)
}

// ================================================================== the cases

const NO_STORE = { 'cache-control': 'no-store' }
const methods = (target: string, allowed: string, others: string[]): Omit<HostileCase, 'endpoint'>[] =>
  others.map((method) => ({ name: `${method} → 405`, send: () => send(target, { method, ...(method !== 'GET' && method !== 'HEAD' && { body: 'x=1', headers: { 'content-type': FORM } }) }), expect: { status: 405, headers: allowed ? { allow: allowed } : undefined } }))

// ------------------------------------------------------------------ discovery and JWKS

function wellKnown(endpoint: string, target: string, shape: RegExp): void {
  describe(endpoint, () => {
    const ok: Expected = { status: 200, body: shape }
    table(endpoint, [
      { name: 'unknown parameters are ignored', send: () => send(`${target}?foo=bar&client_id=x`), expect: ok },
      { name: 'duplicated parameters are ignored', send: () => send(`${target}?a=1&a=2`), expect: ok },
      { name: 'empty parameters are ignored', send: () => send(`${target}?=&a=`), expect: ok },
      ...each(INJECTIONS, (name, value) => ({ name: `${name} in the query is not reflected`, send: () => send(`${target}?q=${encodeURIComponent(value)}`), expect: ok, notEchoed: value })),
      ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in the query`, send: () => send(`${target}?q=${value}`), expect: ok })),
      ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in the query`, send: () => send(`${target}?q=${value}`), expect: ok })),
      { name: 'an 8 KB query', send: () => send(`${target}?q=${mb(8 * 1024)}`), expect: ok },
      { name: 'a 1 MB query → 431/414', send: () => send(`${target}?q=${mb()}`), expect: { status: [414, 431] } },
      { name: 'HEAD → 200 without a body', send: () => send(target, { method: 'HEAD' }), expect: { status: 200 } },
      ...methods(target, 'GET, HEAD', ['POST', 'PUT', 'PATCH', 'DELETE']),
      { name: 'POST of 1 MB → 405', send: () => postForm(target, `x=${mb()}`), expect: { status: 405 } },
      { name: 'POST of JSON → 405', send: () => postJson(target, { a: 1 }), expect: { status: 405 } },
      { name: 'POST of multipart → 405', send: () => postMultipart(target, { a: '1' }), expect: { status: 405 } },
    ])
  })
}

wellKnown('discovery', '/.well-known/openid-configuration', /"issuer":"http/)
wellKnown('jwks', '/.well-known/openid-configuration/jwks', /^\{"keys":\[/)

// ------------------------------------------------------------------ authorize

const authorizeParams = (): Record<string, string> => ({
  client_id: WEB.clientId,
  redirect_uri: WEB.redirectUri,
  response_type: 'code',
  scope: 'openid hi.read',
  state: 'st-hostile',
  nonce: 'n-hostile',
  code_challenge: ctx.challenge,
  code_challenge_method: 'S256',
})
const az = (overrides: Record<string, string | undefined> = {}, raw: Record<string, string> = {}) => encode(authorizeParams(), overrides, raw)
const toLogin: Expected = { location: /^\/login\?request=Fe26\.2\*/ }
const errorPage = (code: string): Expected => ({ errorPage: code })
const atClient = (code: string): Expected => ({ atClient: code })

/** Values outside RFC 7636 §4.1's 43-128 characters of [A-Za-z0-9-._~]: as code_challenge and as code_verifier. */
const BAD_PKCE_VALUES: Readonly<Record<string, string>> = {
  'too short (42)': 'a'.repeat(42),
  'too long (129)': 'a'.repeat(129),
  'base64, not base64url (+ / =)': `${'a'.repeat(40)}+/=`,
  'a space inside': `${'a'.repeat(21)} ${'a'.repeat(21)}`,
  'non-ASCII letters': 'é'.repeat(43),
}

/** redirect_uri values that are not exactly the registered one (RFC 9700 §4.1.3: exact match). */
const REDIRECT_TRICKS: Readonly<Record<string, string>> = {
  'another host': 'http://127.0.0.2:9/hi/callback',
  'localhost for 127.0.0.1': 'http://localhost:9/hi/callback',
  'another port': 'http://127.0.0.1:10/hi/callback',
  'no port': 'http://127.0.0.1/hi/callback',
  'another path': 'http://127.0.0.1:9/hi/other',
  'a longer path': 'http://127.0.0.1:9/hi/callback/more',
  'a parent path': 'http://127.0.0.1:9/hi',
  'path in upper case': 'http://127.0.0.1:9/HI/callback',
  'scheme in upper case': 'HTTP://127.0.0.1:9/hi/callback',
  'a trailing slash': 'http://127.0.0.1:9/hi/callback/',
  'https instead of http': 'https://127.0.0.1:9/hi/callback',
  'an added query': 'http://127.0.0.1:9/hi/callback?next=https://evil.example',
  'userinfo @ pointing elsewhere': 'http://127.0.0.1:9@evil.example/hi/callback',
  'userinfo on the right host': 'http://attacker@127.0.0.1:9/hi/callback',
  'a fragment': 'http://127.0.0.1:9/hi/callback#x',
  'an empty fragment': 'http://127.0.0.1:9/hi/callback#',
  'a percent-encoded path': 'http://127.0.0.1:9/hi/%63allback',
  'an encoded slash': 'http://127.0.0.1:9/hi%2Fcallback',
  'a double-encoded dot segment': 'http://127.0.0.1:9/hi/callback/%252e%252e/other',
  'a backslash': 'http://127.0.0.1:9\\@evil.example/hi/callback',
  'protocol-relative': '//127.0.0.1:9/hi/callback',
  relative: '/hi/callback',
  'a leading space': ' http://127.0.0.1:9/hi/callback',
  'a decimal IP': 'http://2130706433:9/hi/callback',
  'javascript:': 'javascript:alert(document.domain)//http://127.0.0.1:9/hi/callback',
  'data:': 'data:text/html,<script>alert(1)</script>',
  'vbscript:': 'vbscript:msgbox(1)',
  'file:': 'file:///etc/passwd',
}

/** Free-text and enumerated parameters of an authorization request, and where an injection in each ends. */
const AUTHORIZE_FIELDS: Readonly<Record<string, (value: string) => Expected>> = {
  client_id: () => errorPage('invalid_client'),
  redirect_uri: () => errorPage('invalid_request'),
  response_type: () => atClient('unsupported_response_type'),
  scope: () => atClient('invalid_scope'),
  response_mode: () => atClient('invalid_request'),
  prompt: () => atClient('invalid_request'),
  max_age: () => atClient('invalid_request'),
  code_challenge: () => atClient('invalid_request'),
  code_challenge_method: () => atClient('invalid_request'),
  id_token_hint: () => atClient('invalid_request'),
  // Opaque to the server: sealed with the request, never echoed raw.
  state: () => toLogin,
  nonce: () => toLogin,
  login_hint: () => toLogin,
  ui_locales: () => toLogin,
}

describe('authorize (GET)', () => {
  const get = (query: string, cookie?: string) => send(`/connect/authorize?${query}`, cookie ? { headers: { cookie } } : {})
  table('authorize (GET)', [
    { name: 'no parameters at all → error page', send: () => get(''), expect: errorPage('invalid_request') },
    { name: 'no client_id → error page', send: () => get(az({ client_id: undefined })), expect: errorPage('invalid_request') },
    { name: 'no redirect_uri → error page', send: () => get(az({ redirect_uri: undefined })), expect: errorPage('invalid_request') },
    { name: 'no response_type → client', send: () => get(az({ response_type: undefined })), expect: atClient('invalid_request') },
    { name: 'no scope → client', send: () => get(az({ scope: undefined })), expect: atClient('invalid_scope') },
    { name: 'no code_challenge (PKCE is required) → client', send: () => get(az({ code_challenge: undefined, code_challenge_method: undefined })), expect: atClient('invalid_request') },
    { name: 'empty client_id → error page', send: () => get(az({ client_id: '' })), expect: errorPage('invalid_request') },
    { name: 'empty redirect_uri → error page', send: () => get(az({ redirect_uri: '' })), expect: errorPage('invalid_request') },
    { name: 'empty response_type → client', send: () => get(az({ response_type: '' })), expect: atClient('invalid_request') },
    { name: 'empty scope → client', send: () => get(az({ scope: '' })), expect: atClient('invalid_scope') },
    { name: 'empty code_challenge → client', send: () => get(az({ code_challenge: '' })), expect: atClient('invalid_request') },
    { name: 'empty state is absent: on to sign-in', send: () => get(az({ state: '' })), expect: toLogin },
    ...['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'nonce'].map((name) => ({
      name: `duplicated ${name} → error page`,
      send: () => get(`${az()}&${name}=${encodeURIComponent(authorizeParams()[name]!)}`),
      expect: errorPage('invalid_request'),
    })),
    { name: 'unknown parameters are ignored: on to sign-in', send: () => get(az({ foo: 'bar', claims: '{"userinfo":{"email":null}}', acr: 'x' })), expect: toLogin },
    { name: 'request (unsupported) → client', send: () => get(az({ request: 'eyJhbGciOiJub25lIn0.e30.' })), expect: atClient('request_not_supported') },
    { name: 'request_uri (unsupported) → client', send: () => get(az({ request_uri: 'https://evil.example/request.jwt' })), expect: atClient('request_uri_not_supported') },
    { name: 'registration (unsupported) → client', send: () => get(az({ registration: '{"redirect_uris":["https://evil.example"]}' })), expect: atClient('registration_not_supported') },
    { name: 'a 17 KB client_id → 431 (the request line is over 16 KB)', send: () => get(az({ client_id: mb(17 * 1024) })), expect: { status: [414, 431] } },
    { name: 'a 300-character client_id → error page', send: () => get(az({ client_id: mb(300) })), expect: errorPage('invalid_client') },
    { name: 'a 15 KB client_id → error page', send: () => get(az({ client_id: mb(15 * 1024) })), expect: errorPage('invalid_client') },
    { name: 'a 2001-character state → client, without the state', send: () => get(az({ state: mb(2001) })), expect: atClient('invalid_request') },
    { name: 'a 301-character nonce → client', send: () => get(az({ nonce: mb(301) })), expect: atClient('invalid_request') },
    { name: 'a 101-character login_hint → client', send: () => get(az({ login_hint: mb(101) })), expect: atClient('invalid_request') },
    { name: 'a 16,000-character scope → client', send: () => get(az({ scope: `openid ${'x'.repeat(16_000)}` })), expect: atClient('invalid_scope') },
    { name: 'a 1 MB query → 431/414', send: () => get(az({ state: mb() })), expect: { status: [414, 431] } },
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in state → error page`, send: () => get(az({}, { state: value })), expect: errorPage('invalid_request') })),
    { name: 'invalid UTF-8 in client_id → error page', send: () => get(az({}, { client_id: 'hi-web%FF' })), expect: errorPage('invalid_request') },
    { name: 'invalid UTF-8 in redirect_uri → error page', send: () => get(az({}, { redirect_uri: 'http%3A%2F%2F127.0.0.1%3A9%2Fhi%2Fcallback%C3%28' })), expect: errorPage('invalid_request') },
    { name: 'invalid UTF-8 in a parameter name → error page', send: () => get(az({}, { '%FF': '1' })), expect: errorPage('invalid_request') },
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in state → error page`, send: () => get(az({}, { state: value })), expect: errorPage('invalid_request') })),
    { name: 'CR LF in redirect_uri → error page', send: () => get(az({}, { redirect_uri: `${encodeURIComponent(WEB.redirectUri)}%0D%0ALocation:%20https://evil.example` })), expect: errorPage('invalid_request') },
    ...Object.entries(AUTHORIZE_FIELDS).flatMap(([field, expected]) =>
      each(INJECTIONS, (name, value) => ({ name: `${name} in ${field}`, send: () => get(az({ [field]: value })), expect: expected(value), notEchoed: value })),
    ),
    ...each(INJECTIONS, (name, value) => ({
      name: `${name} in login_hint is shown escaped on the sign-in page`,
      send: async () => {
        const answer = await get(az({ login_hint: value }))
        return send(answer.headers.get('location')!)
      },
      expect: { page: /Sign in/ },
      notEchoed: value.includes('<') || value.includes('"') ? value : undefined,
    })),
    ...each(REDIRECT_TRICKS, (name, value) => ({ name: `redirect_uri with ${name} → error page`, send: () => get(az({ redirect_uri: value })), expect: errorPage('invalid_request') })),
    ...each(
      BAD_PKCE_VALUES,
      (name, value) => ({ name: `code_challenge ${name} → client`, send: () => get(az({ code_challenge: value })), expect: atClient('invalid_request') }),
    ),
    { name: 'code_challenge_method plain → client', send: () => get(az({ code_challenge_method: 'plain' })), expect: atClient('invalid_request') },
    { name: 'code_challenge_method S512 → client', send: () => get(az({ code_challenge_method: 'S512' })), expect: atClient('invalid_request') },
    { name: 'code_challenge_method s256 (case) → client', send: () => get(az({ code_challenge_method: 's256' })), expect: atClient('invalid_request') },
    { name: 'code_challenge_method without code_challenge → client', send: () => get(az({ code_challenge: undefined })), expect: atClient('invalid_request') },
    ...[
      'alg none',
      'alg none, signature kept',
      'HS256 keyed with the public key',
      'a foreign key and kid',
      'a foreign key under our kid',
      'a tampered sub',
      'exp in the past (tampered)',
      'iat and nbf in the future (tampered)',
      'exp "abc" (tampered)',
      'exp 1e309 (tampered)',
      'exp -1 (foreign key)',
      'a five-part JWE shape',
      'not base64url',
    ].map((name) => ({ name: `id_token_hint: ${name} → client`, send: () => get(az({ id_token_hint: ctx.forgedIdTokens[name]! })), expect: atClient('invalid_request') })),
    { name: 'id_token_hint: an access token → client', send: () => get(az({ id_token_hint: ctx.tokens.accessToken })), expect: atClient('invalid_request') },
    { name: "id_token_hint: another client's (expired) identity token → client", send: () => get(az({ id_token_hint: ctx.expired.idToken })), expect: atClient('invalid_request') },
    ...each({ '-1': '-1', '1e309': '1e309', abc: 'abc', '1.5': '1.5', '0x10': '0x10', 'eleven digits': '99999999999', 'a leading space': ' 5', Infinity: 'Infinity' }, (name, value) => ({
      name: `max_age ${name} → client`,
      send: () => get(az({ max_age: value })),
      expect: atClient('invalid_request'),
    })),
    { name: 'signed in: redirect_uri of another host → error page, no code', send: () => get(az({ redirect_uri: REDIRECT_TRICKS['another host']! }), ctx.session.cookie), expect: errorPage('invalid_request') },
    { name: 'signed in: max_age abc → client, no code', send: () => get(az({ max_age: 'abc' }), ctx.session.cookie), expect: atClient('invalid_request') },
    { name: 'signed in: forged id_token_hint → client, no code', send: () => get(az({ id_token_hint: ctx.forgedIdTokens['alg none']! }), ctx.session.cookie), expect: atClient('invalid_request') },
    { name: 'signed in: a short code_challenge → client, no code', send: () => get(az({ code_challenge: 'abc' }), ctx.session.cookie), expect: atClient('invalid_request') },
    { name: 'signed in: an unknown client with prompt=none → error page', send: () => get(az({ client_id: 'hi-nobody', prompt: 'none' }), ctx.session.cookie), expect: errorPage('invalid_client') },
    { name: 'signed in: a forged session cookie → sign-in', send: () => get(az(), 'ts_session=Fe26.2**forged*cookie'), expect: toLogin },
    ...methods('/connect/authorize', '', ['PUT', 'PATCH', 'DELETE']),
  ])
})

describe('authorize (POST)', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) => postForm('/connect/authorize', body, headers)
  table('authorize (POST)', [
    { name: 'a form with unknown parameters: on to sign-in', send: () => post(az({ foo: 'bar' })), expect: toLogin },
    { name: 'no client_id → error page', send: () => post(az({ client_id: undefined })), expect: errorPage('invalid_request') },
    { name: 'an empty body → error page', send: () => post(''), expect: errorPage('invalid_request') },
    { name: 'the parameters in the query, not the body → error page', send: () => send(`/connect/authorize?${az()}`, { method: 'POST', headers: { 'content-type': FORM }, body: '' }), expect: errorPage('invalid_request') },
    { name: 'duplicated redirect_uri → error page', send: () => post(`${az()}&redirect_uri=${encodeURIComponent(WEB.redirectUri)}`), expect: errorPage('invalid_request') },
    { name: 'duplicated client_id → error page', send: () => post(`${az()}&client_id=hi-web`), expect: errorPage('invalid_request') },
    { name: 'JSON → error page', send: () => postJson('/connect/authorize', authorizeParams()), expect: errorPage('invalid_request') },
    { name: 'multipart → error page', send: () => postMultipart('/connect/authorize', authorizeParams()), expect: errorPage('invalid_request') },
    { name: 'text/plain → error page', send: () => postText('/connect/authorize', az()), expect: errorPage('invalid_request') },
    { name: 'no content type → error page', send: () => send('/connect/authorize', { method: 'POST', body: new TextEncoder().encode(az()) }), expect: errorPage('invalid_request') },
    { name: 'a 1 MB body → error page', send: () => post(az({ state: mb() })), expect: errorPage('invalid_request') },
    { name: 'a 17 KB value → error page', send: () => post(az({ nonce: mb(17 * 1024) })), expect: errorPage('invalid_request') },
    { name: 'raw bytes that are not UTF-8 → error page', send: () => post(rawBytes(`${az()}&state=`)), expect: errorPage('invalid_request') },
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in state → error page`, send: () => post(az({}, { state: value })), expect: errorPage('invalid_request') })),
    { name: 'a malformed escape (%zz) → error page', send: () => post(az({}, { nonce: '%zz' })), expect: errorPage('invalid_request') },
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in state → error page`, send: () => post(az({}, { state: value })), expect: errorPage('invalid_request') })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in client_id → error page`, send: () => post(az({ client_id: value })), expect: errorPage('invalid_client'), notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in scope → client`, send: () => post(az({ scope: value })), expect: atClient('invalid_scope'), notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in state: on to sign-in`, send: () => post(az({ state: value })), expect: toLogin, notEchoed: value })),
    ...['another host', 'userinfo @ pointing elsewhere', 'a fragment', 'javascript:', 'data:', 'a trailing slash'].map((name) => ({
      name: `redirect_uri with ${name} → error page`,
      send: () => post(az({ redirect_uri: REDIRECT_TRICKS[name]! })),
      expect: errorPage('invalid_request'),
    })),
    { name: 'id_token_hint alg none → client', send: () => post(az({ id_token_hint: ctx.forgedIdTokens['alg none']! })), expect: atClient('invalid_request') },
    { name: 'id_token_hint HS256 keyed with the public key → client', send: () => post(az({ id_token_hint: ctx.forgedIdTokens['HS256 keyed with the public key']! })), expect: atClient('invalid_request') },
    { name: 'max_age 1e309 → client', send: () => post(az({ max_age: '1e309' })), expect: atClient('invalid_request') },
    { name: 'code_challenge too short → client', send: () => post(az({ code_challenge: 'a'.repeat(42) })), expect: atClient('invalid_request') },
    { name: 'signed in: max_age -1 → client, no code', send: () => post(az({ max_age: '-1' }), { cookie: ctx.session.cookie }), expect: atClient('invalid_request') },
  ])
})

// ------------------------------------------------------------------ token

const oauthError = (status: number, error: string): Expected => ({ status, error })
const invalidRequest = oauthError(400, 'invalid_request')
const invalidClient = oauthError(401, 'invalid_client')
const invalidGrant = oauthError(400, 'invalid_grant')
const invalidScope = oauthError(400, 'invalid_scope')
const token = (body: BodyInit, headers: Record<string, string> = {}) => postForm('/connect/token', body, headers)
const machineAuth = () => ({ authorization: basicAuth(MACHINE.clientId, MACHINE.secret) })
const webAuth = () => ({ authorization: basicAuth(WEB.clientId, WEB.secret) })

/** Content-type and size cases every form endpoint shares; `body` is a valid form for it. */
function formShapes(target: string, body: () => string, headers: () => Record<string, string>, expected: Expected): Omit<HostileCase, 'endpoint'>[] {
  return [
    { name: 'JSON instead of a form', send: () => postJson(target, Object.fromEntries(new URLSearchParams(body())), headers()), expect: expected },
    { name: 'multipart instead of a form', send: () => postMultipart(target, Object.fromEntries(new URLSearchParams(body())), headers()), expect: expected },
    { name: 'text/plain instead of a form', send: () => postText(target, body(), headers()), expect: expected },
    { name: 'no content type', send: () => send(target, { method: 'POST', headers: headers(), body: new TextEncoder().encode(body()) }), expect: expected },
    { name: 'a 1 MB body', send: () => postForm(target, `${body()}&pad=${mb()}`, headers()), expect: expected },
    { name: 'a 17 KB value', send: () => postForm(target, `${body()}&pad=${mb(17 * 1024)}`, headers()), expect: expected },
    { name: 'raw bytes that are not UTF-8', send: () => postForm(target, rawBytes(`${body()}&pad=`), headers()), expect: expected },
  ]
}

describe('token: client_credentials', () => {
  const cc = (overrides: Record<string, string | undefined> = {}, raw: Record<string, string> = {}) => encode({ grant_type: 'client_credentials', scope: 'hi.read' }, overrides, raw)
  table('token: client_credentials', [
    { name: 'no grant_type', send: () => token(cc({ grant_type: undefined }), machineAuth()), expect: invalidRequest },
    { name: 'empty grant_type', send: () => token(cc({ grant_type: '' }), machineAuth()), expect: invalidRequest },
    ...each({ password: 'password', implicit: 'implicit', 'device code': 'urn:ietf:params:oauth:grant-type:device_code', 'JWT bearer': 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'upper case': 'CLIENT_CREDENTIALS' }, (name, value) => ({
      name: `grant_type ${name} → unsupported_grant_type`,
      send: () => token(cc({ grant_type: value }), machineAuth()),
      expect: oauthError(400, 'unsupported_grant_type'),
    })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in grant_type`, send: () => token(cc({ grant_type: value }), machineAuth()), expect: oauthError(400, 'unsupported_grant_type'), notEchoed: value })),
    { name: 'duplicated grant_type', send: () => token(`${cc()}&grant_type=client_credentials`, machineAuth()), expect: invalidRequest },
    { name: 'duplicated scope', send: () => token(`${cc()}&scope=hi.read`, machineAuth()), expect: invalidRequest },
    { name: 'duplicated client_id (client_secret_post)', send: () => token(cc({ client_id: MACHINE.clientId, client_secret: MACHINE.secret }) + `&client_id=${MACHINE.clientId}`), expect: invalidRequest },
    { name: 'unknown parameters are ignored: a token', send: () => token(cc({ foo: 'bar', audience: 'https://evil.example', resource: 'https://evil.example' }), machineAuth()), expect: { status: 200, body: /"access_token":"/, headers: NO_STORE } },
    { name: 'a charset parameter on the content type is fine', send: () => token(cc(), { ...machineAuth(), 'content-type': `${FORM}; charset=utf-8` }), expect: { status: 200, body: /"access_token":"/ } },
    { name: 'no client authentication', send: () => token(cc()), expect: invalidClient },
    { name: 'a wrong secret', send: () => token(cc(), { authorization: basicAuth(MACHINE.clientId, 'wrong') }), expect: invalidClient },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as client_secret`, send: () => token(cc({ client_id: MACHINE.clientId, client_secret: value })), expect: invalidClient })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as client_id`, send: () => token(cc({ client_id: value, client_secret: 'x' })), expect: invalidClient, notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as the Basic user name`, send: () => token(cc(), { authorization: basicAuth(value, 'x') }), expect: invalidClient })),
    { name: 'two authentication methods at once', send: () => token(cc({ client_secret: MACHINE.secret }), machineAuth()), expect: invalidRequest },
    { name: 'client_assertion (unsupported)', send: () => token(cc({ client_id: MACHINE.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: ctx.forgedAccessTokens['alg none']! })), expect: invalidClient },
    { name: 'Basic that is not base64', send: () => token(cc(), { authorization: 'Basic %%%not-base64%%%' }), expect: invalidRequest },
    { name: 'Basic without a colon', send: () => token(cc(), { authorization: `Basic ${Buffer.from('hi-machine').toString('base64')}` }), expect: invalidRequest },
    { name: 'Basic with invalid percent-encoding', send: () => token(cc(), { authorization: `Basic ${Buffer.from('hi-machine%FF:x').toString('base64')}` }), expect: invalidRequest },
    { name: 'Basic with an empty secret', send: () => token(cc(), { authorization: `Basic ${Buffer.from('hi-machine:').toString('base64')}` }), expect: invalidRequest },
    { name: 'Basic with raw bytes that are not UTF-8', send: () => token(cc(), { authorization: `Basic ${Buffer.from([0x68, 0x69, 0xff, 0x3a, 0xfe]).toString('base64')}` }), expect: invalidClient },
    { name: 'a 16,000-character scope', send: () => token(cc({ scope: `hi.read ${'x'.repeat(16_000)}` }), machineAuth()), expect: invalidScope },
    { name: 'scope openid (no user here)', send: () => token(cc({ scope: 'openid' }), machineAuth()), expect: invalidScope },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in scope`, send: () => token(cc({ scope: value }), machineAuth()), expect: invalidScope, notEchoed: value })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in scope`, send: () => token(cc({}, { scope: value }), machineAuth()), expect: invalidRequest })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in scope`, send: () => token(cc({}, { scope: value }), machineAuth()), expect: invalidRequest })),
    { name: 'NUL in client_secret', send: () => token(cc({ client_id: MACHINE.clientId }, { client_secret: 'hi-machine-secret%00' })), expect: invalidRequest },
    ...formShapes('/connect/token', () => cc(), machineAuth, invalidRequest),
    ...methods('/connect/token', 'POST', ['GET', 'PUT', 'PATCH', 'DELETE']).map((c) => ({ ...c, expect: { ...oauthError(405, 'invalid_request'), headers: { allow: 'POST' } } })),
  ])
})

describe('token: authorization_code', () => {
  const ac = (overrides: Record<string, string | undefined> = {}, raw: Record<string, string> = {}) =>
    encode({ grant_type: 'authorization_code', code: ctx.code.code, redirect_uri: WEB.redirectUri, code_verifier: ctx.code.verifier }, overrides, raw)
  const unknownCode = 'hostile-unknown-code-0000000000000000000000'
  table('token: authorization_code', [
    { name: 'no code', send: () => token(ac({ code: undefined }), webAuth()), expect: invalidRequest },
    { name: 'empty code', send: () => token(ac({ code: '' }), webAuth()), expect: invalidRequest },
    { name: 'no redirect_uri', send: () => token(ac({ redirect_uri: undefined }), webAuth()), expect: invalidRequest },
    { name: 'empty redirect_uri', send: () => token(ac({ redirect_uri: '' }), webAuth()), expect: invalidRequest },
    { name: 'duplicated code', send: () => token(`${ac()}&code=${ctx.code.code}`, webAuth()), expect: invalidRequest },
    { name: 'duplicated code_verifier', send: () => token(`${ac()}&code_verifier=${ctx.code.verifier}`, webAuth()), expect: invalidRequest },
    ...each(
      BAD_PKCE_VALUES,
      (name, value) => ({ name: `code_verifier ${name} (the code is not spent)`, send: () => token(ac({ code_verifier: value }), webAuth()), expect: invalidRequest }),
    ),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as code_verifier (the code is not spent)`, send: () => token(ac({ code_verifier: value }), webAuth()), expect: invalidRequest })),
    { name: 'NUL in code_verifier', send: () => token(ac({}, { code_verifier: `${ctx.code.verifier}%00` }), webAuth()), expect: invalidRequest },
    { name: 'invalid UTF-8 in code_verifier', send: () => token(ac({}, { code_verifier: `${ctx.code.verifier}%FF` }), webAuth()), expect: invalidRequest },
    { name: 'a wrong client secret (the code is not spent)', send: () => token(ac(), { authorization: basicAuth(WEB.clientId, 'wrong') }), expect: invalidClient },
    { name: 'no client authentication (the code is not spent)', send: () => token(ac()), expect: invalidClient },
    { name: 'a 600-character code', send: () => token(ac({ code: mb(600) }), webAuth()), expect: invalidGrant },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as code`, send: () => token(ac({ code: value }), webAuth()), expect: invalidGrant, notEchoed: value })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in code`, send: () => token(ac({}, { code: value }), webAuth()), expect: invalidRequest })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in code`, send: () => token(ac({}, { code: value }), webAuth()), expect: invalidRequest })),
    { name: 'unknown parameters with an unknown code', send: () => token(ac({ code: unknownCode, foo: 'bar' }), webAuth()), expect: invalidGrant },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in redirect_uri (unknown code)`, send: () => token(ac({ code: unknownCode, redirect_uri: value }), webAuth()), expect: invalidGrant, notEchoed: value })),
    ...formShapes('/connect/token', () => ac(), webAuth, invalidRequest),
  ])

  it('none of the cases spent the code: it still redeems, once', async () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: ctx.code.code, redirect_uri: WEB.redirectUri, code_verifier: ctx.code.verifier })
    const first = await fetch(`${baseUrl}/connect/token`, { method: 'POST', headers: { 'content-type': FORM, ...webAuth() }, body })
    expect(first.status).toBe(200)
    expect(((await first.json()) as { access_token?: string }).access_token).toBeTruthy()
  })
})

describe('token: refresh_token', () => {
  const rt = (overrides: Record<string, string | undefined> = {}, raw: Record<string, string> = {}) => encode({ grant_type: 'refresh_token', refresh_token: ctx.tokens.refreshToken }, overrides, raw)
  const unknownToken = 'hostile-unknown-refresh-token-00000000000000'
  table('token: refresh_token', [
    { name: 'no refresh_token', send: () => token(rt({ refresh_token: undefined }), webAuth()), expect: invalidRequest },
    { name: 'empty refresh_token', send: () => token(rt({ refresh_token: '' }), webAuth()), expect: invalidRequest },
    { name: 'duplicated refresh_token', send: () => token(`${rt()}&refresh_token=${ctx.tokens.refreshToken}`, webAuth()), expect: invalidRequest },
    { name: 'a 600-character refresh_token', send: () => token(rt({ refresh_token: mb(600) }), webAuth()), expect: invalidGrant },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as refresh_token`, send: () => token(rt({ refresh_token: value }), webAuth()), expect: invalidGrant, notEchoed: value })),
    { name: 'an access token as refresh_token', send: () => token(rt({ refresh_token: ctx.tokens.accessToken }), webAuth()), expect: invalidGrant },
    { name: 'an identity token as refresh_token', send: () => token(rt({ refresh_token: ctx.tokens.idToken }), webAuth()), expect: invalidGrant },
    { name: 'alg none JWT as refresh_token', send: () => token(rt({ refresh_token: ctx.forgedAccessTokens['alg none']! }), webAuth()), expect: invalidGrant },
    { name: 'invalid UTF-8 in refresh_token', send: () => token(rt({}, { refresh_token: `${ctx.tokens.refreshToken}%FF` }), webAuth()), expect: invalidRequest },
    { name: 'NUL in refresh_token', send: () => token(rt({}, { refresh_token: `${ctx.tokens.refreshToken}%00` }), webAuth()), expect: invalidRequest },
    { name: 'a wider scope than granted (the token is not spent)', send: () => token(rt({ scope: 'openid hi.read orders.read' }), webAuth()), expect: invalidScope },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in scope (the token is not spent)`, send: () => token(rt({ scope: value }), webAuth()), expect: invalidScope, notEchoed: value })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in scope`, send: () => token(rt({}, { scope: value }), webAuth()), expect: invalidRequest })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in scope`, send: () => token(rt({}, { scope: value }), webAuth()), expect: invalidRequest })),
    { name: 'a wrong client secret (the token is not spent)', send: () => token(rt(), { authorization: basicAuth(WEB.clientId, 'wrong') }), expect: invalidClient },
    { name: "another client presenting hi-web's token: nothing happens", send: () => token(rt(), { authorization: basicAuth('lc-rotate', 'lc-rotate-secret') }), expect: invalidGrant },
    { name: 'a client without the refresh_token grant', send: () => token(rt(), { authorization: basicAuth(SHORT.clientId, SHORT.secret) }), expect: oauthError(400, 'unauthorized_client') },
    { name: 'unknown parameters with an unknown token', send: () => token(rt({ refresh_token: unknownToken, foo: 'bar' }), webAuth()), expect: invalidGrant },
    ...formShapes('/connect/token', () => rt(), webAuth, invalidRequest),
  ])

  it('none of the cases spent the refresh token: it still refreshes', async () => {
    const response = await fetch(`${baseUrl}/connect/token`, { method: 'POST', headers: { 'content-type': FORM, ...webAuth() }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: ctx.tokens.refreshToken }) })
    expect(response.status).toBe(200)
  })
})

// ------------------------------------------------------------------ userinfo

const FORGED = [
  'alg none',
  'alg none, signature kept',
  'HS256 keyed with the public key',
  'a foreign key and kid',
  'a foreign key under our kid',
  'a tampered sub',
  'a tampered scope',
  'exp in the past (tampered)',
  'iat and nbf in the future (tampered)',
  'exp "abc" (tampered)',
  'exp 1e309 (tampered)',
  'exp -1 (foreign key)',
  'a five-part JWE shape',
  'not base64url',
] as const

describe('userinfo', () => {
  const userinfo = (headers: Record<string, string> = {}, query = '') => send(`/connect/userinfo${query}`, { headers })
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` })
  const invalidToken: Expected = { status: 401, error: 'invalid_token', challenge: 'error' }
  const malformed: Expected = { status: 400, error: 'invalid_request', challenge: 'error' }
  const noToken: Expected = { status: 401, challenge: 'bare' }
  table('userinfo', [
    { name: 'no token → a bare challenge', send: () => userinfo(), expect: noToken },
    { name: '"Bearer" without a token', send: () => userinfo({ authorization: 'Bearer' }), expect: malformed },
    { name: 'a token with a space inside', send: () => userinfo(bearer('abc def')), expect: malformed },
    { name: 'another scheme (Basic) → a bare challenge', send: () => userinfo({ authorization: basicAuth('a', 'b') }), expect: noToken },
    { name: 'the token in the query (RFC 6750 §2.3)', send: () => userinfo({}, `?access_token=${ctx.tokens.accessToken}`), expect: malformed },
    { name: 'the token in the header and the body', send: () => send('/connect/userinfo', { method: 'POST', headers: { ...bearer(ctx.tokens.accessToken), 'content-type': FORM }, body: `access_token=${ctx.tokens.accessToken}` }), expect: malformed },
    ...FORGED.map((name) => ({ name: `a forged access token: ${name}`, send: () => userinfo(bearer(ctx.forgedAccessTokens[name]!)), expect: name === 'not base64url' ? malformed : invalidToken })),
    { name: 'an identity token as bearer', send: () => userinfo(bearer(ctx.tokens.idToken)), expect: invalidToken },
    { name: 'an expired access token', send: () => userinfo(bearer(ctx.expired.accessToken)), expect: invalidToken },
    { name: 'a client_credentials token (no openid) → insufficient_scope', send: () => userinfo(bearer(ctx.machineToken)), expect: { status: 403, error: 'insufficient_scope', challenge: 'error' } },
    { name: 'a refresh token as bearer', send: () => userinfo(bearer(ctx.tokens.refreshToken)), expect: invalidToken },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in the Authorization header`, send: () => userinfo(bearer(value)), expect: malformed, notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as access_token in the body`, send: () => postForm('/connect/userinfo', new URLSearchParams({ access_token: value })), expect: invalidToken, notEchoed: value })),
    { name: 'a 10 KB token', send: () => userinfo(bearer(mb(10 * 1024))), expect: invalidToken },
    { name: 'a 20 KB header → 431', send: () => userinfo(bearer(mb(20 * 1024))), expect: { status: 431 } },
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in the body`, send: () => postForm('/connect/userinfo', `access_token=${value}`), expect: malformed })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in the body`, send: () => postForm('/connect/userinfo', `access_token=${value}`), expect: malformed })),
    { name: 'duplicated access_token in the body', send: () => postForm('/connect/userinfo', `access_token=a&access_token=b`), expect: malformed },
    { name: 'a 1 MB form body', send: () => postForm('/connect/userinfo', `access_token=${mb()}`), expect: malformed },
    { name: 'raw bytes that are not UTF-8 in the body', send: () => postForm('/connect/userinfo', rawBytes('access_token=')), expect: malformed },
    { name: 'the token in a JSON body is not read', send: () => postJson('/connect/userinfo', { access_token: ctx.tokens.accessToken }), expect: noToken },
    { name: 'the token in a multipart body is not read', send: () => postMultipart('/connect/userinfo', { access_token: ctx.tokens.accessToken }), expect: noToken },
    { name: 'a 1 MB JSON body is not read', send: () => postJson('/connect/userinfo', { pad: mb() }), expect: noToken },
    { name: 'unknown parameters with a good token are ignored', send: () => userinfo(bearer(ctx.tokens.accessToken), '?foo=bar&scope=admin'), expect: { status: 200, body: /"sub":"hi-alice-sub"/, headers: NO_STORE } },
    ...methods('/connect/userinfo', 'GET, POST', ['PUT', 'PATCH', 'DELETE']).map((c) => ({ ...c, expect: { ...oauthError(405, 'invalid_request'), headers: { allow: 'GET, POST' } } })),
  ])
})

// ------------------------------------------------------------------ introspection

describe('introspect', () => {
  const apiAuth = () => ({ authorization: basicAuth(API.name, API.secret) })
  const introspect = (body: BodyInit, headers: Record<string, string> = apiAuth()) => postForm('/connect/introspect', body, headers)
  const inactive: Expected = { status: 200, json: { active: false }, headers: NO_STORE }
  table('introspect', [
    { name: 'no token', send: () => introspect(''), expect: invalidRequest },
    { name: 'empty token', send: () => introspect('token='), expect: invalidRequest },
    { name: 'duplicated token', send: () => introspect(`token=a&token=b`), expect: invalidRequest },
    { name: 'no caller authentication', send: () => introspect(`token=${ctx.tokens.accessToken}`, {}), expect: invalidClient },
    { name: 'a wrong API secret', send: () => introspect(`token=${ctx.tokens.accessToken}`, { authorization: basicAuth(API.name, 'wrong') }), expect: invalidClient },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as the caller's name`, send: () => introspect(`token=x`, { authorization: basicAuth(value, API.secret) }), expect: invalidClient })),
    ...FORGED.map((name) => ({ name: `a forged access token: ${name} → inactive`, send: () => introspect(new URLSearchParams({ token: ctx.forgedAccessTokens[name]! })), expect: inactive })),
    { name: 'an expired access token → inactive', send: () => introspect(new URLSearchParams({ token: ctx.expired.accessToken })), expect: inactive },
    { name: 'an identity token → inactive', send: () => introspect(new URLSearchParams({ token: ctx.tokens.idToken })), expect: inactive },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as token → inactive`, send: () => introspect(new URLSearchParams({ token: value })), expect: inactive, notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as token_type_hint → inactive`, send: () => introspect(new URLSearchParams({ token: 'unknown', token_type_hint: value })), expect: inactive, notEchoed: value })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in token`, send: () => introspect(`token=${value}`), expect: invalidRequest })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in token`, send: () => introspect(`token=${value}`), expect: invalidRequest })),
    { name: 'a 16 KB token → inactive', send: () => introspect(`token=${mb(16 * 1024)}`), expect: inactive },
    ...formShapes('/connect/introspect', () => `token=${ctx.tokens.accessToken}`, apiAuth, invalidRequest),
    { name: 'unknown parameters with a live token are ignored', send: () => introspect(new URLSearchParams({ token: ctx.tokens.accessToken, foo: 'bar' })), expect: { status: 200, body: /"active":true/, headers: NO_STORE } },
    ...methods('/connect/introspect', 'POST', ['GET', 'PUT', 'PATCH', 'DELETE']).map((c) => ({ ...c, expect: { ...oauthError(405, 'invalid_request'), headers: { allow: 'POST' } } })),
  ])
})

// ------------------------------------------------------------------ revocation

describe('revocation', () => {
  const revoke = (body: BodyInit, headers: Record<string, string> = webAuth()) => postForm('/connect/revocation', body, headers)
  const done: Expected = { status: 200, headers: NO_STORE }
  table('revocation', [
    { name: 'no token', send: () => revoke(''), expect: invalidRequest },
    { name: 'empty token', send: () => revoke('token='), expect: invalidRequest },
    { name: 'duplicated token', send: () => revoke(`token=a&token=b`), expect: invalidRequest },
    { name: 'no client authentication', send: () => revoke(new URLSearchParams({ token: ctx.tokens.refreshToken }), {}), expect: invalidClient },
    { name: 'a wrong client secret', send: () => revoke(new URLSearchParams({ token: ctx.tokens.refreshToken }), { authorization: basicAuth(WEB.clientId, 'wrong') }), expect: invalidClient },
    { name: "another client revoking hi-web's refresh token: 200, nothing revoked", send: () => revoke(new URLSearchParams({ token: ctx.tokens.refreshToken }), { authorization: basicAuth('lc-rotate', 'lc-rotate-secret') }), expect: done },
    { name: "a public client revoking hi-web's refresh token: 200, nothing revoked", send: () => revoke(new URLSearchParams({ token: ctx.tokens.refreshToken, client_id: 'hi-public' }), {}), expect: done },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as token: 200, nothing revoked`, send: () => revoke(new URLSearchParams({ token: value })), expect: done, notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as token_type_hint: 200`, send: () => revoke(new URLSearchParams({ token: 'unknown', token_type_hint: value })), expect: done, notEchoed: value })),
    ...FORGED.map((name) => ({
      name: `a forged access token (${name}) → ${name === 'a five-part JWE shape' ? '200' : 'unsupported_token_type'}`,
      send: () => revoke(new URLSearchParams({ token: ctx.forgedAccessTokens[name]! })),
      expect: name === 'a five-part JWE shape' ? done : oauthError(400, 'unsupported_token_type'),
    })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in token`, send: () => revoke(`token=${value}`), expect: invalidRequest })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in token`, send: () => revoke(`token=${value}`), expect: invalidRequest })),
    { name: 'a 9 KB token: 200, nothing revoked', send: () => revoke(`token=${mb(9 * 1024)}`), expect: done },
    ...formShapes('/connect/revocation', () => `token=${ctx.tokens.refreshToken}`, webAuth, invalidRequest),
    ...methods('/connect/revocation', 'POST', ['GET', 'PUT', 'PATCH', 'DELETE']).map((c) => ({ ...c, expect: { ...oauthError(405, 'invalid_request'), headers: { allow: 'POST' } } })),
  ])
})

// ------------------------------------------------------------------ end session

describe('endsession', () => {
  const loggedOut: Expected = { location: /^\/logged-out$/ }
  const confirm: Expected = { location: /^\/logout\?request=Fe26\.2\*/ }
  const errorPageOf = (code: string): Expected => ({ location: new RegExp(`^/error\\?error=${code}$`) })
  const get = (query: string, cookie?: string) => send(`/connect/endsession?${query}`, cookie ? { headers: { cookie } } : {})
  const withHint = (hint: string, extra: Record<string, string> = {}) => encode({ id_token_hint: hint, post_logout_redirect_uri: WEB.postLogout, state: 'st', ...extra })
  table('endsession', [
    { name: 'no parameters → signed-out page', send: () => get(''), expect: loggedOut },
    { name: 'unknown parameters are ignored', send: () => get('foo=bar&x='), expect: loggedOut },
    ...['state', 'id_token_hint', 'post_logout_redirect_uri', 'client_id'].map((name) => ({ name: `duplicated ${name} → error page`, send: () => get(`${name}=a&${name}=b`), expect: errorPageOf('invalid_request') })),
    { name: 'an empty id_token_hint is absent', send: () => get('id_token_hint=&post_logout_redirect_uri=' + encodeURIComponent(WEB.postLogout)), expect: loggedOut },
    { name: 'post_logout_redirect_uri to another site, no hint', send: () => get(encode({ post_logout_redirect_uri: 'https://evil.example/' })), expect: loggedOut },
    { name: 'a registered post_logout_redirect_uri with client_id but no hint', send: () => get(encode({ client_id: WEB.clientId, post_logout_redirect_uri: WEB.postLogout })), expect: loggedOut },
    ...each(
      { 'a trailing slash': `${WEB.postLogout}/`, 'upper case': WEB.postLogout.toUpperCase(), 'userinfo @': 'http://127.0.0.1:9@evil.example/hi/signed-out', 'a fragment': `${WEB.postLogout}#x`, 'javascript:': 'javascript:alert(1)' },
      (name, value) => ({ name: `a real hint with post_logout_redirect_uri ${name} → signed-out page`, send: () => get(withHint(ctx.tokens.idToken, { post_logout_redirect_uri: value })), expect: loggedOut }),
    ),
    ...FORGED.map((name) => ({ name: `id_token_hint: ${name} → signed-out page, not the client`, send: () => get(withHint(ctx.forgedIdTokens[name]!)), expect: loggedOut })),
    { name: 'id_token_hint: an access token → signed-out page', send: () => get(withHint(ctx.tokens.accessToken)), expect: loggedOut },
    { name: 'a real hint with a client_id that contradicts it → signed-out page', send: () => get(withHint(ctx.tokens.idToken, { client_id: SHORT.clientId })), expect: loggedOut },
    { name: 'an expired hint is accepted (§2): its registered post_logout_redirect_uri', send: () => get(withHint(ctx.expired.idToken, { post_logout_redirect_uri: 'http://127.0.0.1:9/hi/short-signed-out' })), expect: { registered: 'http://127.0.0.1:9/hi/short-signed-out' } },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in state goes back encoded`, send: () => get(withHint(ctx.tokens.idToken, { state: value })), expect: { registered: WEB.postLogout }, notEchoed: value })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} in client_id → signed-out page`, send: () => get(encode({ client_id: value, post_logout_redirect_uri: WEB.postLogout })), expect: loggedOut, notEchoed: value })),
    ...each(INVALID_UTF8, (name, value) => ({ name: `invalid UTF-8 (${name}) in state → error page`, send: () => get(`state=${value}`), expect: errorPageOf('invalid_request') })),
    ...each(CONTROL, (name, value) => ({ name: `a control character (${name}) in state → error page`, send: () => get(`state=${value}`), expect: errorPageOf('invalid_request') })),
    { name: 'POST: a 17 KB id_token_hint → error page', send: () => postForm('/connect/endsession', `id_token_hint=${mb(17 * 1024)}`), expect: errorPageOf('invalid_request') },
    { name: 'a 1 MB query → 431/414', send: () => get(`id_token_hint=${mb()}`), expect: { status: [414, 431] } },
    { name: 'POST: a forged hint → signed-out page', send: () => postForm('/connect/endsession', withHint(ctx.forgedIdTokens['alg none']!)), expect: loggedOut },
    { name: 'POST: JSON → error page', send: () => postJson('/connect/endsession', { id_token_hint: ctx.tokens.idToken }), expect: errorPageOf('invalid_request') },
    { name: 'POST: multipart → error page', send: () => postMultipart('/connect/endsession', { id_token_hint: ctx.tokens.idToken }), expect: errorPageOf('invalid_request') },
    { name: 'POST: a 1 MB body → error page', send: () => postForm('/connect/endsession', `state=${mb()}`), expect: errorPageOf('invalid_request') },
    { name: 'POST: raw bytes that are not UTF-8 → error page', send: () => postForm('/connect/endsession', rawBytes('state=')), expect: errorPageOf('invalid_request') },
    { name: 'signed in: a forged hint → the person is asked, the session stays', send: () => get(withHint(ctx.forgedIdTokens['alg none']!), ctx.session.cookie), expect: confirm },
    { name: 'signed in: a tampered sub → the person is asked', send: () => get(withHint(ctx.forgedIdTokens['a tampered sub']!), ctx.session.cookie), expect: confirm },
    { name: 'signed in: another site as post_logout_redirect_uri → the person is asked', send: () => get(encode({ client_id: WEB.clientId, post_logout_redirect_uri: 'https://evil.example/' }), ctx.session.cookie), expect: confirm },
    { name: 'signed in: POST of a forged hint → the person is asked', send: () => postForm('/connect/endsession', withHint(ctx.forgedIdTokens['HS256 keyed with the public key']!), { cookie: ctx.session.cookie }), expect: confirm },
    ...methods('/connect/endsession', 'GET, POST', ['PUT', 'PATCH', 'DELETE']).map((c) => ({ ...c, expect: { ...oauthError(405, 'invalid_request'), headers: { allow: 'GET, POST' } } })),
  ])
})

// ------------------------------------------------------------------ the pages' forms

/** A form post as a browser without JavaScript makes it: the page's hidden fields, then `fields`. */
function formPost(target: string, hidden: [string, string][], fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const form = new FormData()
  for (const [name, value] of hidden) if (!(name in fields)) form.append(name, value)
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return send(target, { method: 'POST', body: form, headers: { origin: baseUrl, ...headers } })
}

/** The same form with raw bytes in one field. */
function rawFormPost(target: string, hidden: [string, string][], fields: [string, string | Uint8Array][], headers: Record<string, string> = {}): Promise<Answer> {
  const { body, contentType } = rawMultipart([...hidden, ...fields])
  return send(target, { method: 'POST', body, headers: { origin: baseUrl, 'content-type': contentType, ...headers } })
}

/** Cases every form shares: posts from elsewhere, oversized, malformed, or as a script would send them. */
function formAbuse(targetOf: string | (() => string), hidden: () => [string, string][], fields: () => Record<string, string>, actionId: (() => string) | undefined, headers: () => Record<string, string>, scriptPost: Expected): Omit<HostileCase, 'endpoint'>[] {
  const t = () => (typeof targetOf === 'string' ? targetOf : targetOf())
  const cases: Omit<HostileCase, 'endpoint'>[] = [
    { name: 'from another site (Origin) → 403', send: () => formPost(t(), hidden(), fields(), { ...headers(), origin: 'https://evil.example' }), expect: { status: 403 } },
    { name: 'with Origin: null → 403', send: () => formPost(t(), hidden(), fields(), { ...headers(), origin: 'null' }), expect: { status: 403 } },
    { name: 'with a malformed Origin → 403', send: () => formPost(t(), hidden(), fields(), { ...headers(), origin: 'not a url' }), expect: { status: 403 } },
    { name: 'a 1 MB field → 413', send: () => formPost(t(), hidden(), { ...fields(), pad: mb() }, headers()), expect: { status: 413 } },
    { name: 'a 100 KB field → 413', send: () => formPost(t(), hidden(), { ...fields(), pad: mb(100 * 1024) }, headers()), expect: { status: 413 } },
    { name: 'multipart with a wrong boundary → 400', send: () => send(t(), { method: 'POST', headers: { origin: baseUrl, 'content-type': 'multipart/form-data; boundary=nope', ...headers() }, body: '--other\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--other--\r\n' }), expect: { status: 400 } },
    { name: 'multipart without a boundary → 400', send: () => send(t(), { method: 'POST', headers: { origin: baseUrl, 'content-type': 'multipart/form-data', ...headers() }, body: 'x' }), expect: { status: 400 } },
    { name: 'multipart without the action fields → 400', send: () => postMultipart(t(), fields(), { origin: baseUrl, ...headers() }), expect: { status: 400 } },
    { name: 'a forged action id → 4xx', send: () => formPost(t(), [[`$ACTION_ID_${'ab'.repeat(21)}`, '']], fields(), headers()), expect: { status: [400, 404, 409] } },
    { name: 'as a script: form-encoded, no action → the page', send: () => postForm(t(), new URLSearchParams(fields()), { origin: baseUrl, ...headers() }), expect: scriptPost },
    { name: 'as a script: JSON → the page', send: () => postJson(t(), fields(), { origin: baseUrl, ...headers() }), expect: scriptPost },
  ]
  if (actionId) {
    cases.push(
      { name: 'as a script: Next-Action with a plain form (no React reply) → 400', send: () => postMultipart(t(), fields(), { origin: baseUrl, 'next-action': actionId(), ...headers() }), expect: { status: 400 } },
      { name: 'as a script: Next-Action with garbage → 400', send: () => postText(t(), 'garbage{{', { origin: baseUrl, 'next-action': actionId(), ...headers() }), expect: { status: 400 } },
      { name: 'as a script: Next-Action with an empty body → 400', send: () => send(t(), { method: 'POST', headers: { origin: baseUrl, 'next-action': actionId(), ...headers() } }), expect: { status: 400 } },
      { name: 'as a script: Next-Action with arguments of the wrong type', send: () => postText(t(), '["a",1,{"b":[]}]', { origin: baseUrl, 'next-action': actionId(), ...headers() }), expect: { status: [200, 303] } },
      { name: 'as a script: Next-Action with an unknown id → 4xx', send: () => postText(t(), '[]', { origin: baseUrl, 'next-action': 'cd'.repeat(21), ...headers() }), expect: { status: [400, 404, 409] } },
    )
  }
  return cases
}

const ENTER: Expected = { page: /Enter your username and password\./ }
const WRONG: Expected = { page: /Wrong username or password\./ }
/** Text that would be markup if it came back unescaped (quotes may appear, escaped for their context, in the page's data). */
const echoesEscaped = (value: string) => (/[<>]/.test(value) ? value : undefined)

describe('login form', () => {
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) => formPost('/login', ctx.forms.login, fields, headers)
  const signIn = (returnTo: string): Omit<HostileCase, 'endpoint'> => ({
    name: `a real sign-in with returnTo ${JSON.stringify(returnTo)} stays on this server`,
    send: () => post({ username: USER.username, password: USER.password, returnTo }),
    expect: { location: /^\/account$/ },
    signsIn: true,
  })
  table('login form', [
    { name: 'no username and no password', send: () => post({}), expect: ENTER },
    { name: 'no password', send: () => post({ username: 'hi-nobody' }), expect: ENTER },
    { name: 'no username', send: () => post({ password: 'x' }), expect: ENTER },
    { name: 'empty username', send: () => post({ username: '', password: 'x' }), expect: ENTER },
    { name: 'empty password', send: () => post({ username: 'hi-nobody', password: '' }), expect: ENTER },
    { name: 'a username of spaces', send: () => post({ username: '   ', password: 'x' }), expect: ENTER },
    { name: 'a 257-character username', send: () => post({ username: mb(257), password: 'x' }), expect: ENTER },
    { name: 'a 1025-character password', send: () => post({ username: 'hi-nobody', password: mb(1025) }), expect: ENTER },
    { name: 'duplicated username (the first counts, not the real one after it)', send: () => rawFormPost('/login', ctx.forms.login, [['username', 'hi-nobody'], ['username', USER.username], ['password', USER.password]]), expect: WRONG },
    { name: 'unknown fields are ignored', send: () => post({ username: 'hi-nobody', password: 'x', admin: 'true', subjectId: 'hi-alice-sub' }), expect: WRONG },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as username`, send: () => post({ username: value, password: 'x' }), expect: WRONG, notEchoed: echoesEscaped(value) })),
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as password`, send: () => post({ username: 'hi-nobody', password: value }), expect: WRONG, notEchoed: value })),
    { name: 'raw bytes that are not UTF-8 in the username', send: () => rawFormPost('/login', ctx.forms.login, [['username', rawBytes('hi-')], ['password', 'x']]), expect: WRONG },
    { name: 'NUL in the username', send: () => post({ username: 'hi-alice\u0000', password: USER.password }), expect: WRONG },
    { name: 'CR LF in the username', send: () => post({ username: 'hi-alice\r\nSet-Cookie: x=y', password: USER.password }), expect: WRONG },
    { name: 'a garbage pending request → error page', send: () => post({ username: USER.username, password: USER.password, request: 'garbage' }), expect: { location: /^\/error\?error=invalid_request$/ } },
    { name: 'a forged sealed request → error page', send: () => post({ username: USER.username, password: USER.password, request: 'Fe26.2**0123456789abcdef*AAAA*BBBB**CCCC*DDDD' }), expect: { location: /^\/error\?error=invalid_request$/ } },
    { name: 'a 17 KB pending request', send: () => post({ username: USER.username, password: USER.password, request: mb(17 * 1024) }), expect: ENTER },
    signIn('https://evil.example/'),
    signIn('//evil.example/'),
    signIn('/\\evil.example/'),
    signIn('javascript:alert(1)'),
    { name: 'the login page with a hostile returnTo renders a safe one', send: () => send(`/login?returnTo=${encodeURIComponent('javascript:alert(1)')}`), expect: { page: /name="returnTo" value="\/account"/ }, notEchoed: 'javascript:alert(1)' },
    { name: 'the login page with a garbage request → error page', send: () => send('/login?request=%FF%00'), expect: { location: /^\/error\?error=invalid_request$/ } },
    ...formAbuse('/login', () => ctx.forms.login, () => ({ username: 'hi-nobody', password: 'x' }), () => ctx.actions.login, () => ({}), { page: /Sign in/ }),
    { name: 'PUT → no action runs', send: () => send('/login', { method: 'PUT', body: 'username=hi-alice&password=hi-alice-password', headers: { 'content-type': FORM, origin: baseUrl } }), expect: { status: [200, 405] } },
  ])
})

describe('consent form', () => {
  // The form's action is the page itself, so a browser posts it to /consent?request=… .
  const page = () => `/consent?${new URLSearchParams({ request: ctx.consentRequest })}`
  const post = (fields: Record<string, string>, cookie = true, headers: Record<string, string> = {}) =>
    formPost(page(), ctx.forms.consent, { request: ctx.consentRequest, ...fields }, { ...(cookie && { cookie: ctx.session.cookie }), ...headers })
  const CHOOSE: Expected = { page: /Choose Allow or Deny\./ }
  const toCallback: Expected = { location: /^\/connect\/authorize\/callback\?request=Fe26\.2\*/ }
  table('consent form', [
    { name: 'no decision', send: () => post({}), expect: CHOOSE },
    { name: 'an empty decision', send: () => post({ decision: '' }), expect: CHOOSE },
    { name: 'decision "maybe"', send: () => post({ decision: 'maybe' }), expect: CHOOSE },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as decision`, send: () => post({ decision: value }), expect: CHOOSE, notEchoed: value })),
    { name: 'no pending request', send: () => formPost(page(), ctx.forms.consent, { decision: 'allow' }, { cookie: ctx.session.cookie }), expect: CHOOSE },
    { name: 'a garbage pending request → error page', send: () => post({ decision: 'allow', request: 'garbage' }), expect: { location: /^\/error\?error=invalid_request$/ } },
    { name: 'a 17 KB pending request', send: () => post({ decision: 'allow', request: mb(17 * 1024) }), expect: CHOOSE },
    { name: 'raw bytes that are not UTF-8 in the pending request → error page', send: () => rawFormPost(page(), ctx.forms.consent, [['request', rawBytes('Fe26.2**')], ['decision', 'allow']], { cookie: ctx.session.cookie }), expect: { location: /^\/error\?error=invalid_request$/ } },
    ...each(INJECTIONS, (name, value) => ({ name: `${name} as the only ticked scope: only the required ones are granted`, send: () => post({ decision: 'allow', scope: value }), expect: toCallback, notEchoed: value })),
    { name: 'deny with remember ticked: nothing remembered', send: () => post({ decision: 'deny', remember: 'on' }), expect: toCallback },
    { name: 'a decision sent twice (the first counts)', send: () => rawFormPost(page(), ctx.forms.consent, [['request', ctx.consentRequest], ['decision', 'deny'], ['decision', 'allow']], { cookie: ctx.session.cookie }), expect: toCallback },
    { name: 'not signed in → sign-in', send: () => post({ decision: 'allow', scope: 'hi.read', remember: 'on' }, false), expect: { location: /^\/login\?request=Fe26\.2\*/ } },
    { name: 'a forged session cookie → sign-in', send: () => post({ decision: 'allow', scope: 'hi.read', remember: 'on' }, false, { cookie: 'ts_session=Fe26.2**forged' }), expect: { location: /^\/login\?request=Fe26\.2\*/ } },
    { name: 'the consent page with a garbage request → error page', send: () => send('/consent?request=%FF', { headers: { cookie: ctx.session.cookie } }), expect: { location: /^\/error\?error=invalid_request$/ } },
    ...formAbuse(
      page,
      () => ctx.forms.consent,
      () => ({ request: ctx.consentRequest, decision: 'allow', scope: 'hi.read', remember: 'on' }),
      () => ctx.actions.consent,
      () => ({ cookie: ctx.session.cookie }),
      { page: /wants to access your account|Sign-in could not continue/ },
    ),
  ])
})

describe('logout form', () => {
  const post = (fields: Record<string, string>, cookie = true, headers: Record<string, string> = {}) =>
    formPost('/logout', ctx.forms.logout, fields, { ...(cookie && { cookie: ctx.session.cookie }), ...headers })
  table('logout form', [
    { name: 'signed in, no decision → the question again', send: () => post({}), expect: { location: /^\/logout$/ } },
    { name: 'signed in, decision "maybe" → the question again', send: () => post({ decision: 'maybe' }), expect: { location: /^\/logout$/ } },
    ...each(INJECTIONS, (name, value) => ({ name: `signed in, ${name} as decision → the question again`, send: () => post({ decision: value }), expect: { location: /^\/logout$/ }, notEchoed: value })),
    { name: 'signed in, cancel with a garbage request → home, still signed in', send: () => post({ decision: 'cancel', request: 'garbage' }), expect: { location: /^\/$/ } },
    { name: 'signed in, a 17 KB request → the question again', send: () => post({ decision: 'logout', request: mb(17 * 1024) }), expect: { location: /^\/logout$/ } },
    { name: 'not signed in, a forged request → signed-out page, no redirect', send: () => post({ decision: 'logout', request: 'Fe26.2**forged*request' }, false), expect: { location: /^\/logged-out$/ } },
    ...each(INJECTIONS, (name, value) => ({ name: `not signed in, ${name} as request → signed-out page`, send: () => post({ decision: 'logout', request: value }, false), expect: { location: /^\/logged-out$/ }, notEchoed: value })),
    { name: 'the sign-out page with a garbage request says it expired', send: () => send('/logout?request=%FF%00', { headers: { cookie: ctx.session.cookie } }), expect: { page: /This sign-out request has expired/ } },
    ...formAbuse('/logout', () => ctx.forms.logout, () => ({ decision: 'logout' }), () => ctx.actions.logout, () => ({ cookie: ctx.session.cookie }), { page: /Sign out of Token Service\?/ }),
  ])
})

describe('account actions', () => {
  const revoke = (fields: Record<string, string>, cookie = true, headers: Record<string, string> = {}) => formPost('/account', ctx.forms.revoke, fields, { ...(cookie && { cookie: ctx.session.cookie }), ...headers })
  const endSession = (fields: Record<string, string>, cookie = true) => formPost('/account', ctx.forms.endSession, fields, cookie ? { cookie: ctx.session.cookie } : {})
  const account: Expected = { location: /^\/account$/ }
  const signInAgain: Expected = { location: /^\/login\?returnTo=%2Faccount$/ }
  table('account actions', [
    { name: 'revoke: no clientId', send: () => revoke({}), expect: account },
    { name: 'revoke: an empty clientId', send: () => revoke({ clientId: '' }), expect: account },
    { name: 'revoke: a 201-character clientId', send: () => revoke({ clientId: mb(201) }), expect: account },
    ...each(INJECTIONS, (name, value) => ({ name: `revoke: ${name} as clientId revokes nothing`, send: () => revoke({ clientId: value }), expect: { location: /^\/account\?done=revoked&app=/ }, notEchoed: value })),
    { name: 'revoke: NUL as clientId revokes nothing', send: () => revoke({ clientId: '\u0000' }), expect: { location: /^\/account\?done=revoked&app=/ } },
    { name: 'revoke: raw bytes that are not UTF-8 revoke nothing', send: () => rawFormPost('/account', ctx.forms.revoke, [['clientId', rawBytes('hi-web')]], { cookie: ctx.session.cookie }), expect: { location: /^\/account\?done=revoked&app=/ } },
    { name: 'revoke: not signed in → sign-in', send: () => revoke({ clientId: WEB.clientId }, false), expect: signInAgain },
    { name: 'revoke: a forged session cookie → sign-in', send: () => revoke({ clientId: WEB.clientId }, false, { cookie: 'ts_session=Fe26.2**forged' }), expect: signInAgain },
    { name: 'end session: no sid', send: () => endSession({}), expect: account },
    { name: 'end session: a 201-character sid', send: () => endSession({ sid: mb(201) }), expect: account },
    ...each(INJECTIONS, (name, value) => ({ name: `end session: ${name} as sid ends nothing`, send: () => endSession({ sid: value }), expect: { location: /^\/account\?done=session-ended$/ } })),
    { name: 'end session: not signed in → sign-in', send: () => endSession({ sid: 'x' }, false), expect: signInAgain },
    { name: 'sign out everywhere: from another site → 403', send: () => formPost('/account', ctx.forms.signOutEverywhere, {}, { cookie: ctx.session.cookie, origin: 'https://evil.example' }), expect: { status: 403 } },
    { name: 'sign out everywhere: not signed in → sign-in', send: () => formPost('/account', ctx.forms.signOutEverywhere, {}), expect: signInAgain },
    ...each(INJECTIONS, (name, value) => ({
      name: `the account page shows ${name} from its query escaped`,
      send: () => send(`/account?done=revoked&app=${encodeURIComponent(value)}`, { headers: { cookie: ctx.session.cookie } }),
      expect: { page: /Your account/ },
      notEchoed: echoesEscaped(value),
    })),
    ...formAbuse('/account', () => ctx.forms.revoke, () => ({ clientId: WEB.clientId }), () => ctx.actions.revoke, () => ({ cookie: ctx.session.cookie }), { page: /Your account/ }),
    { name: 'as a script: Next-Action end session with arguments of the wrong type', send: () => postText('/account', '[{"sid":"x"}]', { origin: baseUrl, 'next-action': ctx.actions.endSession, cookie: ctx.session.cookie }), expect: { status: [200, 303] } },
  ])
})

// ------------------------------------------------------------------ slow clients

/** Opens a connection, sends `text` and never finishes; resolves with what the server answered when it hung up. */
function stall(text: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(text))
    let received = ''
    socket.on('data', (chunk) => (received += chunk.toString('latin1')))
    socket.on('close', () => resolve(received))
    // Never rejects: it is awaited only at the end; a reset shows up as what was received.
    socket.on('error', (error: NodeJS.ErrnoException) => (received += `[${error.code ?? error.message}]`))
  })
}

// Only against the server the suite started (its timeouts are lib/server/start.ts's). Opened
// now, checked at the end: the cases above run meanwhile.
const stalled = databaseFile === null
  ? undefined
  : {
      headers: stall('GET /.well-known/openid-configuration HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '),
      body: stall('POST /connect/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type='),
    }

describe.runIf(stalled !== undefined)('slow clients', () => {
  it('a request whose headers never end is cut off with 408', async () => {
    expect(await stalled!.headers).toMatch(/^HTTP\/1\.1 408 /)
  }, 90_000)

  it('a request whose body never arrives is cut off with 408', async () => {
    expect(await stalled!.body).toMatch(/^HTTP\/1\.1 408 /)
  }, 90_000)
})
