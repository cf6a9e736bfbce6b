import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { epochSeconds, testClock } from '../../../clock'
import { upsertClient } from '../../../stores/clients'
import { testClientRecord } from '../../../test-support/clients'
import { useTestDb } from '../../../test-support/use-test-db'
import { signJwt, type JwtDeps } from '../../../tokens/jwt'
import { createKeyManager } from '../../../tokens/keys'
import { paramsFrom } from '../../params'
import { postLogoutTarget } from './generate'
import { validateEndSessionRequest, type EndSessionDeps } from './validate'

const ISSUER = 'http://localhost:3000'
const RP_LOGOUT = 'https://rp.example/signed-out'
const OTHER_LOGOUT = 'https://other.example/bye'

const testDb = useTestDb()
let deps: EndSessionDeps & { jwt: JwtDeps }

const client = testClientRecord

beforeAll(async () => {
  const keys = createKeyManager({ db: testDb.db })
  await keys.ensure()
  deps = { db: testDb.db, jwt: { keys, issuer: ISSUER } }
  await upsertClient(testDb.db, client('rp', { postLogoutRedirectUris: [RP_LOGOUT] }), true)
  await upsertClient(testDb.db, client('other', { postLogoutRedirectUris: [OTHER_LOGOUT] }), true)
  await upsertClient(testDb.db, client('off', { enabled: false, postLogoutRedirectUris: ['https://off.example/bye'] }), true)
})
afterEach(() => testClock.reset())

/** An identity token as the token endpoint makes it. */
async function idToken(claims: Record<string, unknown> = {}, lifetime = 300): Promise<string> {
  const iat = epochSeconds()
  return signJwt({ sub: 'alice-sub', aud: 'rp', sid: 'SID1', iat, exp: iat + lifetime, ...claims }, { alg: 'RS256' }, deps.jwt)
}

const validate = (params: Record<string, string>) => validateEndSessionRequest(paramsFrom(new URLSearchParams(params)), deps)

describe('end session: id_token_hint', () => {
  it('accepts our identity token and takes the client from its aud', async () => {
    const request = await validate({ id_token_hint: await idToken() })
    expect(request.hint).toEqual({ subjectId: 'alice-sub', sid: 'SID1', clientId: 'rp' })
    expect(request.clientId).toBe('rp')
    expect(request.clientName).toBe('rp app')
  })

  it('accepts an expired identity token (RP-Initiated Logout §2)', async () => {
    const hint = await idToken({}, 60)
    testClock.advance(7 * 86_400)
    const request = await validate({ id_token_hint: hint, post_logout_redirect_uri: RP_LOGOUT })
    expect(request.hint?.subjectId).toBe('alice-sub')
    expect(request.postLogoutRedirectUri).toBe(RP_LOGOUT)
  })

  it('refuses a tampered hint: no hint, no client, no redirect', async () => {
    const [header, payload, signature] = (await idToken()).split('.')
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'mallory' })).toString('base64url')
    const request = await validate({ id_token_hint: `${header}.${forged}.${signature}`, post_logout_redirect_uri: RP_LOGOUT, state: 's' })
    expect(request).toEqual({})
  })

  it('refuses an unsigned (alg none) hint', async () => {
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: ISSUER, sub: 'alice-sub', aud: 'rp', exp: epochSeconds() + 300 })}.`
    const request = await validate({ id_token_hint: unsigned, post_logout_redirect_uri: RP_LOGOUT })
    expect(request.hint).toBeUndefined()
    expect(request.postLogoutRedirectUri).toBeUndefined()
  })

  it('refuses a hint from another issuer', async () => {
    const hint = await signJwt({ sub: 'alice-sub', aud: 'rp', exp: epochSeconds() + 300 }, { alg: 'RS256' }, { ...deps.jwt, issuer: 'https://elsewhere.example' })
    expect(await validate({ id_token_hint: hint })).toEqual({})
  })

  it('keeps ui_locales even when the rest is refused', async () => {
    expect(await validate({ id_token_hint: 'garbage', ui_locales: 'de en' })).toEqual({ uiLocales: 'de en' })
  })
})

describe('end session: client_id', () => {
  it('agrees with the hint: accepted', async () => {
    const request = await validate({ id_token_hint: await idToken(), client_id: 'rp', post_logout_redirect_uri: RP_LOGOUT })
    expect(request.clientId).toBe('rp')
    expect(request.postLogoutRedirectUri).toBe(RP_LOGOUT)
  })

  it('a hint issued to another client than client_id: the request loses its client context', async () => {
    const hint = await idToken({ aud: 'other' })
    const request = await validate({ id_token_hint: hint, client_id: 'rp', post_logout_redirect_uri: RP_LOGOUT })
    expect(request).toEqual({})
  })

  it('a hint for another client cannot unlock that client’s redirect for this one', async () => {
    // The hint is for "other"; RP_LOGOUT is registered for "rp" only.
    const request = await validate({ id_token_hint: await idToken({ aud: 'other' }), post_logout_redirect_uri: RP_LOGOUT })
    expect(request.clientId).toBe('other')
    expect(request.postLogoutRedirectUri).toBeUndefined()
  })

  it('client_id alone identifies the client', async () => {
    const request = await validate({ client_id: 'rp', post_logout_redirect_uri: RP_LOGOUT, state: 'xyz' })
    expect(request.hint).toBeUndefined()
    expect(request).toMatchObject({ clientId: 'rp', postLogoutRedirectUri: RP_LOGOUT, state: 'xyz' })
  })

  it('an unknown or disabled client: no redirect', async () => {
    expect(await validate({ client_id: 'nobody', post_logout_redirect_uri: RP_LOGOUT })).toEqual({})
    expect(await validate({ client_id: 'off', post_logout_redirect_uri: 'https://off.example/bye' })).toEqual({})
  })

  it('a hint with several audiences picks the client by azp', async () => {
    const request = await validate({ id_token_hint: await idToken({ aud: ['rp', 'urn:api'], azp: 'rp' }), post_logout_redirect_uri: RP_LOGOUT })
    expect(request.hint?.clientId).toBe('rp')
    expect(request.postLogoutRedirectUri).toBe(RP_LOGOUT)
  })
})

describe('end session: post_logout_redirect_uri (RP-Initiated Logout §3: exact match only)', () => {
  it('registered for the client: honoured, with state', async () => {
    const request = await validate({ id_token_hint: await idToken(), post_logout_redirect_uri: RP_LOGOUT, state: 'abc' })
    expect(request.postLogoutRedirectUri).toBe(RP_LOGOUT)
    expect(postLogoutTarget(request, ISSUER)).toBe(`${RP_LOGOUT}?state=abc`)
  })

  it('not registered: ignored, and so is state (the signed-out page instead)', async () => {
    const request = await validate({ id_token_hint: await idToken(), post_logout_redirect_uri: 'https://evil.example/', state: 'abc' })
    expect(request.hint?.subjectId).toBe('alice-sub')
    expect(request.postLogoutRedirectUri).toBeUndefined()
    expect(request.state).toBeUndefined()
    expect(postLogoutTarget(request, ISSUER)).toBe(`${ISSUER}/logged-out`)
  })

  it('no near misses: another path, a trailing slash, another case', async () => {
    const hint = await idToken()
    for (const uri of [`${RP_LOGOUT}/`, RP_LOGOUT.toUpperCase(), `${RP_LOGOUT}?x=1`, 'https://rp.example/signed-out#f']) {
      expect((await validate({ id_token_hint: hint, post_logout_redirect_uri: uri })).postLogoutRedirectUri).toBeUndefined()
    }
  })

  it('without a hint or client_id there is nothing to match against: ignored', async () => {
    expect(await validate({ post_logout_redirect_uri: RP_LOGOUT, state: 'abc' })).toEqual({})
  })
})
