// The authorize endpoint and its callback end to end against a real SQLite file: the fixture
// configuration, real code storage, real seals and (for id_token_hint) real signing keys.
// Only the session is handed in, as lib/session/current.ts would read it from the cookie.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testClock } from '../../../clock'
import { loadSettings } from '../../../config/env'
import type { SignInSession } from '../../../session/types'
import { findClient } from '../../../stores/clients'
import { findCode } from '../../../stores/codes'
import { findConsent, rememberConsent } from '../../../stores/consents'
import { useAsDefaultDb } from '../../../test-support/default-db'
import { useTestDb } from '../../../test-support/use-test-db'
import { signJwt } from '../../../tokens/jwt'
import { sealPendingAuthorization, unsealPendingAuthorization } from '../../interaction/seal'
import { handleAuthorize, handleAuthorizeCallback, type AuthorizeDeps } from './handler'
import { importFixture } from './test-fixture'

const issuer = loadSettings().issuer
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

const t = useTestDb()
let current: SignInSession | null
let deps: AuthorizeDeps

beforeAll(async () => {
  useAsDefaultDb(t.db)
  await importFixture(t.db)
  deps = {
    findClient: (id) => findClient(id, t.db),
    readSession: async () => current,
    rememberedScopes: async (sub, clientId) => (await findConsent(sub, clientId, t.db))?.scopes ?? null,
    database: t.db,
  }
})
afterEach(() => testClock.reset())
beforeEach(async () => {
  current = null
  await t.db.consent.deleteMany()
})

const alice = (overrides: Partial<SignInSession> = {}): SignInSession => ({
  sid: 'sid-alice',
  subjectId: 'alice-sub',
  authTime: new Date(Date.now() - 60_000),
  amr: ['pwd'],
  ipAddress: '127.0.0.1',
  userAgent: 'test',
  createdAt: new Date(),
  lastSeenAt: new Date(),
  expiresAt: new Date(Date.now() + 3_600_000),
  ...overrides,
})

const valid = (overrides: Record<string, string | undefined> = {}): Record<string, string> => {
  const values: Record<string, string | undefined> = {
    client_id: 'web',
    redirect_uri: 'https://web.example/cb',
    response_type: 'code',
    scope: 'openid profile api1',
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined))
}

const get = (values: Record<string, string> | string) =>
  handleAuthorize(new Request(`${issuer}/connect/authorize?${typeof values === 'string' ? values : new URLSearchParams(values)}`), deps)

const post = (values: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
  handleAuthorize(new Request(`${issuer}/connect/authorize`, { method: 'POST', headers: { 'content-type': contentType }, body: new URLSearchParams(values).toString() }), deps)

const callback = (sealed: string) => handleAuthorizeCallback(new Request(`${issuer}/connect/authorize/callback?${new URLSearchParams({ request: sealed })}`), deps)

function location(response: Response): URL {
  expect(response.status).toBe(303)
  return new URL(response.headers.get('location')!)
}

function expectErrorPage(response: Response, code: string): void {
  const url = location(response)
  expect(url.origin + url.pathname).toBe(`${issuer}/error`)
  expect(url.searchParams.get('error')).toBe(code)
}

function expectAtClient(response: Response, redirectUri: string): URLSearchParams {
  const url = location(response)
  expect(url.origin + url.pathname).toBe(redirectUri)
  expect(url.searchParams.get('iss')).toBe(issuer)
  return url.searchParams
}

async function sealedFrom(response: Response, route: string) {
  const url = location(response)
  expect(url.origin + url.pathname).toBe(`${issuer}${route}`)
  const sealed = url.searchParams.get('request')!
  return { sealed, pending: (await unsealPendingAuthorization(sealed))! }
}

describe('before client and redirect_uri are verified: the error page, never the client', () => {
  it.each([
    ['unknown client', valid({ client_id: 'nobody' }), 'invalid_client'],
    ['missing client_id', valid({ client_id: undefined }), 'invalid_request'],
    ['missing redirect_uri', valid({ redirect_uri: undefined }), 'invalid_request'],
    ['unregistered redirect_uri', valid({ redirect_uri: 'https://evil.example/cb' }), 'invalid_request'],
    ['redirect_uri of another client', valid({ redirect_uri: 'https://spa.example/cb' }), 'invalid_request'],
  ])('%s → %s', async (_name, values, code) => {
    expectErrorPage(await get(values), code)
  })

  it('refuses duplicated parameters on the error page', async () => {
    expectErrorPage(await get(`${new URLSearchParams(valid())}&state=again`), 'invalid_request')
  })

  it('refuses a POST that is not a form', async () => {
    expectErrorPage(await post(valid(), 'application/json'), 'invalid_request')
  })

  it('answers other methods with 405', async () => {
    const response = await handleAuthorize(new Request(`${issuer}/connect/authorize`, { method: 'PUT' }), deps)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
  })
})

describe('after validation: errors go to the client with state and iss', () => {
  it.each([
    ['unsupported response_type', valid({ response_type: 'token' }), 'unsupported_response_type'],
    ['missing response_type', valid({ response_type: undefined }), 'invalid_request'],
    ['a scope the client may not have', valid({ scope: 'openid api2' }), 'invalid_scope'],
    ['missing PKCE', valid({ code_challenge: undefined, code_challenge_method: undefined }), 'invalid_request'],
    ['plain PKCE', valid({ code_challenge_method: 'plain' }), 'invalid_request'],
    ['prompt=none login', valid({ prompt: 'none login' }), 'invalid_request'],
    ['a bad max_age', valid({ max_age: '-1' }), 'invalid_request'],
    ['a request object', valid({ request: 'eyJ...' }), 'request_not_supported'],
    ['a request_uri', valid({ request_uri: 'https://web.example/r' }), 'request_uri_not_supported'],
    ['registration', valid({ registration: '{}' }), 'registration_not_supported'],
    ['an id_token_hint that is not ours', valid({ id_token_hint: 'not.a.jwt' }), 'invalid_request'],
  ])('%s → %s', async (_name, values, code) => {
    const params = expectAtClient(await get(values), 'https://web.example/cb')
    expect(params.get('error')).toBe(code)
    expect(params.get('state')).toBe('st-1')
    expect(params.get('error_description')).toBeTruthy()
  })

  it('sends errors in form_post when asked', async () => {
    const response = await get(valid({ response_mode: 'form_post', response_type: 'token' }))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('action="https://web.example/cb"')
    expect(html).toContain('name="error" value="unsupported_response_type"')
    expect(html).toContain('name="state" value="st-1"')
  })

  it('falls back to query when the response_mode itself is invalid', async () => {
    expect(expectAtClient(await get(valid({ response_mode: 'fragment' })), 'https://web.example/cb').get('error')).toBe('invalid_request')
  })

  it('prompt=none without a session → login_required at the client', async () => {
    const params = expectAtClient(await get(valid({ prompt: 'none' })), 'https://web.example/cb')
    expect(params.get('error')).toBe('login_required')
    expect(params.get('state')).toBe('st-1')
  })
})

describe('sign-in, consent and the code', () => {
  it('without a session sends the person to /login with the sealed request', async () => {
    const { pending } = await sealedFrom(await get(valid({ login_hint: 'alice' })), '/login')
    expect(pending.request).toMatchObject({
      clientId: 'web',
      redirectUri: 'https://web.example/cb',
      responseMode: 'query',
      state: 'st-1',
      nonce: 'n-1',
      scopes: ['openid', 'profile', 'api1'],
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      loginHint: 'alice',
      prompt: [],
    })
    expect(pending.consent).toBeUndefined()
  })

  it('with a session issues a code bound to the request, the session and a new family', async () => {
    testClock.set(Date.now())
    const session = alice()
    current = session
    const params = expectAtClient(await get(valid()), 'https://web.example/cb')
    expect(params.get('state')).toBe('st-1')
    const code = params.get('code')!
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/)

    const found = await findCode(code, t.db)
    if (found.outcome !== 'usable') throw new Error(`expected a code, got ${found.outcome}`)
    expect(found.code).toMatchObject({
      clientId: 'web',
      subjectId: 'alice-sub',
      sessionId: 'sid-alice',
      redirectUri: 'https://web.example/cb',
      scopes: ['openid', 'profile', 'api1'],
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      nonce: 'n-1',
      authTime: Math.floor(session.authTime.getTime() / 1000),
      amr: ['pwd'],
    })
    // Lifetime = the client's authorizationCodeLifetime (300 s by default).
    expect(found.code.expiration.getTime() - found.code.creationTime.getTime()).toBe(300_000)
    const family = await t.db.authorization.findUnique({ where: { id: found.code.authorizationId } })
    expect(family).toMatchObject({ clientId: 'web', subjectId: 'alice-sub', sessionId: 'sid-alice' })
  })

  it('answers a POSTed request the same way', async () => {
    current = alice()
    expect(expectAtClient(await post(valid()), 'https://web.example/cb').get('code')).toBeTruthy()
  })

  it('delivers the code by form_post', async () => {
    current = alice()
    const response = await get(valid({ response_mode: 'form_post' }))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toMatch(/name="code" value="[A-Za-z0-9_-]{43}"/)
    expect(html).toContain(`name="iss" value="${issuer}"`)
  })

  it('login → callback: the callback issues the code once a session exists', async () => {
    const { sealed } = await sealedFrom(await get(valid()), '/login')
    current = alice({ authTime: new Date() })
    expect(expectAtClient(await callback(sealed), 'https://web.example/cb').get('code')).toBeTruthy()
  })

  it('prompt=login: the old session is not enough, a sign-in after the request is', async () => {
    current = alice({ authTime: new Date(Date.now() - 3_600_000) })
    const { sealed } = await sealedFrom(await get(valid({ prompt: 'login' })), '/login')
    expect((await sealedFrom(await callback(sealed), '/login')).pending.request.prompt).toEqual(['login'])
    current = alice({ authTime: new Date(Date.now() + 1000) })
    expect(expectAtClient(await callback(sealed), 'https://web.example/cb').get('code')).toBeTruthy()
  })

  it('consent: asks, then issues only what was granted, and honours remembered consent', async () => {
    current = alice()
    const request = valid({ client_id: 'consent', redirect_uri: 'https://consent.example/cb' })
    const { pending } = await sealedFrom(await get(request), '/consent')

    const granted = await sealPendingAuthorization({ ...pending, consent: { sid: 'sid-alice', decision: 'allow', grantedScopes: ['openid', 'api1'], remember: false } })
    const code = expectAtClient(await callback(granted), 'https://consent.example/cb').get('code')!
    const found = await findCode(code, t.db)
    expect(found.outcome === 'usable' && found.code.scopes).toEqual(['openid', 'api1'])

    await rememberConsent('alice-sub', 'consent', ['openid', 'profile', 'api1'], {}, t.db)
    expect(expectAtClient(await get(request), 'https://consent.example/cb').get('code')).toBeTruthy()
    expect(expectAtClient(await get({ ...request, prompt: 'none' }), 'https://consent.example/cb').get('code')).toBeTruthy()
    await sealedFrom(await get({ ...request, prompt: 'consent' }), '/consent')
  })

  it('consent denied → access_denied at the client', async () => {
    current = alice()
    const { pending } = await sealedFrom(await get(valid({ client_id: 'consent', redirect_uri: 'https://consent.example/cb', scope: 'openid profile' })), '/consent')
    const denied = await sealPendingAuthorization({ ...pending, consent: { sid: 'sid-alice', decision: 'deny', grantedScopes: [], remember: false } })
    const params = expectAtClient(await callback(denied), 'https://consent.example/cb')
    expect(params.get('error')).toBe('access_denied')
    expect(params.get('state')).toBe('st-1')
  })

  it('prompt=none without consent → consent_required', async () => {
    current = alice()
    const params = expectAtClient(await get(valid({ client_id: 'consent', redirect_uri: 'https://consent.example/cb', scope: 'openid', prompt: 'none' })), 'https://consent.example/cb')
    expect(params.get('error')).toBe('consent_required')
  })

  it('id_token_hint naming someone else sends the person to sign in again', async () => {
    current = alice()
    const hintFor = (sub: string, aud: string) => signJwt({ sub, aud, exp: Math.floor(Date.now() / 1000) - 60 }, { alg: 'RS256' })
    // An expired hint is still a hint (OpenID Connect Core §3.1.2.1).
    expect(expectAtClient(await get(valid({ id_token_hint: await hintFor('alice-sub', 'web') })), 'https://web.example/cb').get('code')).toBeTruthy()
    const { pending } = await sealedFrom(await get(valid({ id_token_hint: await hintFor('bob-sub', 'web') })), '/login')
    expect(pending.request.idTokenHintSubject).toBe('bob-sub')
    const params = expectAtClient(await get(valid({ id_token_hint: await hintFor('alice-sub', 'spa') })), 'https://web.example/cb')
    expect(params.get('error')).toBe('invalid_request')
  })
})

describe('the callback', () => {
  it.each([
    ['a forged seal', 'Fe26.2**forged'],
    ['garbage', 'x'],
  ])('sends %s to the error page', async (_name, sealed) => {
    expectErrorPage(await callback(sealed), 'invalid_request')
  })

  it('refuses a missing or repeated request parameter', async () => {
    expectErrorPage(await handleAuthorizeCallback(new Request(`${issuer}/connect/authorize/callback`), deps), 'invalid_request')
    const { sealed } = await sealedFrom(await get(valid()), '/login')
    const twice = `${issuer}/connect/authorize/callback?${new URLSearchParams([['request', sealed], ['request', sealed]])}`
    expectErrorPage(await handleAuthorizeCallback(new Request(twice), deps), 'invalid_request')
  })

  it('re-checks the redirect_uri against the current registration', async () => {
    const pending = { request: { clientId: 'web', redirectUri: 'https://old.example/cb', responseMode: 'query' as const, scopes: ['openid'], prompt: [], requestedAt: Date.now() } }
    current = alice()
    expectErrorPage(await callback(await sealPendingAuthorization(pending)), 'invalid_request')
  })
})
