// Races over HTTP against the real server: single-use things stay single-use when many
// requests arrive at once (issue 6 §3). Each race is judged by the protocol (token responses,
// introspection) and, when the database file is at hand, by the rows left behind.
//
// - N parallel redemptions of one code: exactly one answer carries tokens, the others are
//   invalid_grant, and the replay revokes the family (RFC 6749 §4.1.2), so for a client with
//   stored tokens (refresh, reference) the winner's tokens end up inactive: the code is
//   consumed in the same transaction that stores them, so a replay only ever sees it consumed
//   after the winner committed (lib/stores/codes.ts redeemCodeOnce).
// - N parallel refreshes of one OneTimeOnly refresh token: one family, one successor
//   (README "Refresh token rotation").
// - A consent form submitted several times at once: one Consent row.
// - Revocation and refresh of one token at once, many times over: whatever the interleaving,
//   the family is dead afterwards and no token the refresh returned is active.
//
// Clients rc-code (one-time refresh tokens, reference access tokens), rc-jwt and rc-consent, user
// rc-alice and API rc-api: fixtures/config.json.
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDb, type Db } from '../../lib/db/client'
import { hashHandle } from '../../lib/tokens/handles'
import { NoJsBrowser, redirectLocation } from '../support/no-js-browser'
import { basicAuth, postForm, type Answer } from './support/form-post'
import { authorizeOverHttp, signInOverHttp, type HttpSession } from './support/http-sign-in'

const baseUrl = inject('baseUrl')
const databaseFile = inject('databaseFile')
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only
const REDIRECT = 'http://127.0.0.1:9/rc/callback'
const N = 20
const withDb = it.skipIf(!databaseFile)

let as: oauth.AuthorizationServer
let session: HttpSession
let db: Db | null = null

beforeAll(async () => {
  const issuer = new URL(baseUrl)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
  session = await signInOverHttp(baseUrl, 'rc-alice', 'rc-alice-password')
  if (databaseFile) db = createDb(`file:${databaseFile}`)
})
afterAll(async () => {
  await db?.$disconnect()
})

const RC_CODE = basicAuth('rc-code', 'rc-code-secret')
const RC_API = basicAuth('rc-api', 'rc-api-secret')
const RC_JWT = basicAuth('rc-jwt', 'rc-jwt-secret')

const post = (path: string, authorization: string, form: Record<string, string>): Promise<Answer> => postForm(baseUrl, path, form, { authorization })
const token = (form: Record<string, string>) => post('/connect/token', RC_CODE, form)
const refresh = (refreshToken: string) => token({ grant_type: 'refresh_token', refresh_token: refreshToken })
const revoke = (value: string) => post('/connect/revocation', RC_CODE, { token: value, token_type_hint: 'refresh_token' })

/** Active at introspection? Refresh tokens are asked by their client, access tokens by the API. */
async function active(value: string, kind: 'refresh_token' | 'access_token'): Promise<boolean> {
  const answer = await post('/connect/introspect', kind === 'refresh_token' ? RC_CODE : RC_API, { token: value, token_type_hint: kind })
  expect(answer.status).toBe(200)
  return answer.body.active === true
}

/** A fresh code of rc-code for rc-alice, with its PKCE verifier. */
async function code(): Promise<{ code: string; verifier: string }> {
  const { callback, verifier } = await authorizeOverHttp(as, session, { clientId: 'rc-code', redirectUri: REDIRECT }, 'openid rc.read offline_access')
  return { code: callback.get('code')!, verifier }
}

const redeem = (c: { code: string; verifier: string }) => token({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier })

/** A family: the tokens of one code exchange. */
async function family(): Promise<{ refreshToken: string; accessToken: string }> {
  const answer = await redeem(await code())
  expect(answer.status).toBe(200)
  return { refreshToken: answer.body.refresh_token as string, accessToken: answer.body.access_token as string }
}

const familyId = async (refreshToken: string) => (await db!.persistedGrant.findUnique({ where: { key: hashHandle(refreshToken) } }))?.authorizationId ?? null
const grantsOf = (authorizationId: string) => db!.persistedGrant.count({ where: { authorizationId } })

describe(`${N} parallel redemptions of one code`, () => {
  it('a client with self-contained tokens only: exactly one answer carries tokens, every other one is invalid_grant', async () => {
    const { callback, verifier } = await authorizeOverHttp(as, session, { clientId: 'rc-jwt', redirectUri: REDIRECT }, 'openid rc.read')
    const form = { grant_type: 'authorization_code', code: callback.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }
    const answers = await Promise.all(Array.from({ length: N }, () => post('/connect/token', RC_JWT, form)))
    expect(answers.filter((a) => a.status === 200), JSON.stringify(answers.map((a) => [a.status, a.body.error]))).toHaveLength(1)
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.error])).toEqual(Array.from({ length: N - 1 }, () => [400, 'invalid_grant']))
    expect((await post('/connect/token', RC_JWT, form)).body.error).toBe('invalid_grant')
  })

  it('a client with stored tokens: exactly one answer carries tokens, the rest invalid_grant, and nothing of the family lives', async () => {
    // The winner consumed the code and stored its refresh and reference tokens in one
    // transaction; the losers' replay revokes the family afterwards (RFC 6749 §4.1.2), the
    // winner's new tokens included.
    const c = await code()
    const authorizationId = db ? (await db.persistedGrant.findUniqueOrThrow({ where: { key: hashHandle(c.code) } })).authorizationId! : null

    const answers = await Promise.all(Array.from({ length: N }, () => redeem(c)))
    const summary = JSON.stringify(answers.map((a) => [a.status, a.body.error]))
    const winners = answers.filter((a) => a.status === 200)
    expect(winners.length, summary).toBe(1)
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.error]), summary).toEqual(Array.from({ length: N - 1 }, () => [400, 'invalid_grant']))

    const won = winners[0]!.body
    expect(typeof won.refresh_token).toBe('string')
    expect(typeof won.access_token).toBe('string')
    // The winner's refresh token is refused, its reference access token introspects inactive.
    expect((await refresh(won.refresh_token as string)).body.error).toBe('invalid_grant')
    expect(await active(won.refresh_token as string, 'refresh_token')).toBe(false)
    expect(await active(won.access_token as string, 'access_token')).toBe(false)
    if (db && authorizationId) {
      expect(await db.authorization.count({ where: { id: authorizationId } })).toBe(0)
      expect(await grantsOf(authorizationId)).toBe(0)
      expect(await db.persistedGrant.count({ where: { key: { in: [hashHandle(won.refresh_token as string), hashHandle(won.access_token as string)] } } })).toBe(0)
    }
    // And the code stays spent.
    expect((await redeem(c)).body.error).toBe('invalid_grant')
  })

  it('a replay after a successful exchange revokes what the exchange issued', async () => {
    const c = await code()
    const first = await redeem(c)
    expect(first.status).toBe(200)
    expect(await active(first.body.refresh_token as string, 'refresh_token')).toBe(true)
    expect((await redeem(c)).body.error).toBe('invalid_grant')
    expect(await active(first.body.refresh_token as string, 'refresh_token')).toBe(false)
    expect(await active(first.body.access_token as string, 'access_token')).toBe(false)
  })
})

describe(`${N} parallel refreshes of one OneTimeOnly refresh token`, () => {
  it('all answered with one successor; one family with one live refresh token', async () => {
    const { refreshToken } = await family()
    const answers = await Promise.all(Array.from({ length: N }, () => refresh(refreshToken)))
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: N }, () => 200))
    const successors = new Set(answers.map((a) => a.body.refresh_token))
    expect(successors.size).toBe(1)
    const successor = [...successors][0] as string
    expect(successor).not.toBe(refreshToken)

    expect(await active(successor, 'refresh_token')).toBe(true)
    expect(await active(refreshToken, 'refresh_token')).toBe(false)
    if (db) {
      const authorizationId = (await familyId(successor))!
      expect(await familyId(refreshToken)).toBe(authorizationId)
      const live = await db.persistedGrant.findMany({ where: { authorizationId, type: 'refresh_token', consumedTime: null } })
      expect(live.map((r) => r.key)).toEqual([hashHandle(successor)])
    }
    // The chain goes on from the one successor.
    expect((await refresh(successor)).status).toBe(200)
  })
})

describe('double-submitted consent', () => {
  it('several submissions of one consent form at once leave one Consent row', async () => {
    const browser = new NoJsBrowser(baseUrl)
    const verifier = oauth.generateRandomCodeVerifier()
    const url = new URL(as.authorization_endpoint!)
    url.search = new URLSearchParams({
      client_id: 'rc-consent',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid rc.read',
      state: 'consent-race',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const login = await browser.follow(await browser.fetch(url))
    expect(new URL(login.url).pathname).toBe('/login')
    const signedIn = await browser.submit(login.url, await login.text(), 'username', { username: 'rc-alice', password: 'rc-alice-password' })
    const consentPage = await browser.follow(signedIn)
    expect(new URL(consentPage.url).pathname).toBe('/consent')
    const html = await consentPage.text()

    const submissions = await Promise.all(
      Array.from({ length: 5 }, () => browser.submit(consentPage.url, html, 'request', { remember: 'on' }, { name: 'decision', value: 'allow' })),
    )
    expect(submissions.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => 303))
    // Each submission goes on to the client with a code (the person allowed, five times).
    for (const submitted of submissions) {
      const atClient = redirectLocation(await browser.follow(submitted), baseUrl)
      expect(`${atClient!.origin}${atClient!.pathname}`).toBe(REDIRECT)
      expect(atClient!.searchParams.get('code')).toBeTruthy()
    }
    if (db) expect(await db.consent.count({ where: { subjectId: 'rc-alice-sub', clientId: 'rc-consent' } })).toBe(1)

    // Remembered once is remembered: prompt=none now passes without asking.
    url.searchParams.set('prompt', 'none')
    const silent = redirectLocation(await browser.follow(await browser.fetch(url)), baseUrl)
    expect(silent!.searchParams.get('error')).toBeNull()
    expect(silent!.searchParams.get('code')).toBeTruthy()
  })
})

describe('revocation and refresh at once', () => {
  const TRIALS = 12

  it(`the refresh never outlives the revocation (${TRIALS} trials)`, async () => {
    const outcomes = { refreshWon: 0, refreshLost: 0 }
    for (let trial = 0; trial < TRIALS; trial++) {
      const { refreshToken } = await family()
      const authorizationId = db ? await familyId(refreshToken) : null
      // Alternate which request leaves first, to vary the interleaving.
      const [refreshed, revoked] =
        trial % 2 === 0 ? await Promise.all([refresh(refreshToken), revoke(refreshToken)]) : await Promise.all([revoke(refreshToken), refresh(refreshToken)]).then(([a, b]) => [b, a] as const)
      expect(revoked.status).toBe(200)
      expect([200, 400]).toContain(refreshed.status)

      expect(await active(refreshToken, 'refresh_token')).toBe(false)
      if (refreshed.status === 200) {
        outcomes.refreshWon++
        expect(await active(refreshed.body.refresh_token as string, 'refresh_token')).toBe(false)
        expect(await active(refreshed.body.access_token as string, 'access_token')).toBe(false)
        expect((await refresh(refreshed.body.refresh_token as string)).body.error).toBe('invalid_grant')
      } else {
        outcomes.refreshLost++
        expect(refreshed.body.error).toBe('invalid_grant')
      }
      if (db && authorizationId) {
        expect(await db.authorization.count({ where: { id: authorizationId } })).toBe(0)
        expect(await grantsOf(authorizationId)).toBe(0)
      }
    }
    expect(outcomes.refreshWon + outcomes.refreshLost).toBe(TRIALS)
  })
})
