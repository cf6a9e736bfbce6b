import { describe, expect, it } from 'vitest'
import { sealData } from 'iron-session'
import { loadSettings } from '../config/env'
import { demoClient } from './config'
import { clearDemoCookie, demoCookie, DEMO_COOKIE_NAME, readDemoState, type DemoState } from './state'
import { decodeAccessToken } from './view'

const cookieValue = (setCookie: string) => setCookie.slice(`${DEMO_COOKIE_NAME}=`.length, setCookie.indexOf(';'))
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

describe('demo client registration', () => {
  it('comes from the demo configuration with the issuer filled in', () => {
    expect(demoClient('https://id.example')).toEqual({
      issuer: 'https://id.example',
      clientId: 'demo-web',
      clientSecret: 'demo-web-secret',
      redirectUri: 'https://id.example/demo/callback',
      postLogoutRedirectUri: 'https://id.example/demo',
    })
  })
})

describe('demo_rp cookie', () => {
  const state: DemoState = { login: { state: 's', nonce: 'n', codeVerifier: 'v' } }

  it('round-trips, HttpOnly, SameSite=Lax, scoped to /demo', async () => {
    const header = await demoCookie(state)
    expect(header).toMatch(/; Path=\/demo; HttpOnly; SameSite=Lax; Max-Age=\d+/)
    expect(await readDemoState(cookieValue(header))).toEqual(state)
  })

  it('an altered cookie reads as empty', async () => {
    const value = cookieValue(await demoCookie(state))
    const altered = value.slice(0, 40) + (value[40] === 'A' ? 'B' : 'A') + value.slice(41)
    expect(await readDemoState(altered)).toEqual({})
  })

  it('a portal seal made with the cookie secret itself is not a demo cookie', async () => {
    const portalSeal = await sealData({ purpose: DEMO_COOKIE_NAME, state }, { password: loadSettings().cookieSecret })
    expect(await readDemoState(portalSeal)).toEqual({})
  })

  it('drops a userinfo response too large for a cookie, keeping the tokens', async () => {
    const big: DemoState = { signedIn: { idToken: 'a.b.c', accessToken: 'x', hasRefreshToken: false, userinfo: { at: 1, claims: { blob: 'z'.repeat(5000) } } } }
    const read = await readDemoState(cookieValue(await demoCookie(big)))
    expect(read.signedIn?.idToken).toBe('a.b.c')
    expect(read.signedIn?.userinfo).toEqual({ at: 1, error: 'response_too_large_to_keep_in_a_cookie' })
  })

  it('is cleared with Max-Age=0 on the same path', () => {
    expect(clearDemoCookie()).toMatch(/^demo_rp=; Path=\/demo; .*Max-Age=0/)
  })
})

describe('decodeAccessToken', () => {
  it('decodes a JWT access token for display', () => {
    const token = `${b64url({ alg: 'RS256', typ: 'at+jwt' })}.${b64url({ client_id: 'demo-web', scope: 'openid' })}.sig`
    expect(decodeAccessToken(token)).toEqual({ kind: 'jwt', header: { alg: 'RS256', typ: 'at+jwt' }, claims: { client_id: 'demo-web', scope: 'openid' } })
  })

  it('calls anything else a reference token', () => {
    expect(decodeAccessToken('aW5kZXBlbmRlbnQtaGFuZGxl')).toEqual({ kind: 'reference', length: 24 })
  })
})
