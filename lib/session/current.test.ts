import { sealData } from 'iron-session'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { loadSettings } from '../config/env'
import { sealPendingAuthorization } from '../oidc/interaction/seal'
import { createSession, findSessionByHandle } from '../stores/sessions'
import { createUser, setUserEnabled } from '../stores/users'
import { useTestDb } from '../test-support/use-test-db'
import {
  clearSessionCookieHeader,
  endSessionFromCookie,
  readCookie,
  readSession,
  sealSessionHandle,
  sessionCookieHeader,
  unsealSessionHandle,
} from './current'
import { SESSION_COOKIE_NAME } from './types'

const t = useTestDb()
let subjectId: string
beforeAll(async () => {
  subjectId = (await createUser({ username: 'alice', password: 'alice-password' }, t.db)).subjectId
})
afterEach(() => testClock.reset())

async function signedIn(sub = subjectId, lifetimeSeconds = 3600) {
  const { handle, session } = await createSession({ subjectId: sub, amr: ['pwd'], lifetimeSeconds }, t.db)
  const cookie = `other=1; ${SESSION_COOKIE_NAME}=${await sealSessionHandle(handle)}; theme=dark`
  return { handle, session, cookie }
}

describe('reading the session cookie', () => {
  it('finds the session a sealed cookie points at', async () => {
    const { session, cookie } = await signedIn()
    expect(await readSession(cookie, t.db)).toEqual(session)
  })

  it('is null without a cookie, with a forged one, or with another seal made with the same secret', async () => {
    expect(await readSession(null, t.db)).toBeNull()
    expect(await readSession('other=1', t.db)).toBeNull()
    expect(await readSession(`${SESSION_COOKIE_NAME}=Fe26.2*1*forged`, t.db)).toBeNull()
    const { handle } = await signedIn()
    const wrongPurpose = await sealData({ handle }, { password: loadSettings().cookieSecret })
    expect(await readSession(`${SESSION_COOKIE_NAME}=${wrongPurpose}`, t.db)).toBeNull()
    const pending = await sealPendingAuthorization({
      request: { clientId: 'c', redirectUri: 'https://a/cb', responseMode: 'query', scopes: ['openid'], prompt: [], requestedAt: 0 },
    })
    expect(await readSession(`${SESSION_COOKIE_NAME}=${pending}`, t.db)).toBeNull()
    const otherSecret = await sealData({ purpose: 'sign-in-session', handle }, { password: 'another-secret-another-secret-0123456789' })
    expect(await readSession(`${SESSION_COOKIE_NAME}=${otherSecret}`, t.db)).toBeNull()
  })

  it('is null once the session expired or ended', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const { cookie } = await signedIn(subjectId, 60)
    testClock.advance(61)
    expect(await readSession(cookie, t.db)).toBeNull()
    testClock.reset()

    const live = await signedIn()
    expect(await endSessionFromCookie(live.cookie, t.db)).toEqual(live.session)
    expect(await readSession(live.cookie, t.db)).toBeNull()
    expect(await endSessionFromCookie(live.cookie, t.db)).toBeNull()
  })

  it('is null when the user is disabled or gone', async () => {
    const bob = await createUser({ username: 'bob', password: 'bob-password' }, t.db)
    const { cookie } = await signedIn(bob.subjectId)
    expect(await readSession(cookie, t.db)).not.toBeNull()
    await setUserEnabled('bob', false, t.db)
    expect(await readSession(cookie, t.db)).toBeNull()
    const ghost = await signedIn('no-such-subject')
    expect(await readSession(ghost.cookie, t.db)).toBeNull()
  })

  it('records activity when read', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const { handle, cookie } = await signedIn()
    testClock.advance(120)
    await readSession(cookie, t.db)
    expect((await findSessionByHandle(handle, t.db))?.lastSeenAt).toEqual(new Date('2030-01-01T00:02:00Z'))
  })

  it('round-trips the handle and refuses oversized values', async () => {
    expect(await unsealSessionHandle(await sealSessionHandle('h-123'))).toBe('h-123')
    expect(await unsealSessionHandle('x'.repeat(5000))).toBeNull()
  })
})

describe('cookie headers', () => {
  it('parses one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; ts_session=abc%2A; b=2', 'ts_session')).toBe('abc*')
    expect(readCookie('a=1;ts_session="quoted"', 'ts_session')).toBe('quoted')
    expect(readCookie('xts_session=1', 'ts_session')).toBeNull()
    expect(readCookie(null, 'ts_session')).toBeNull()
  })

  it('sets HttpOnly, SameSite=Lax, Path=/ always and Secure only on https', () => {
    const plain = sessionCookieHeader('sealed', { secure: false, maxAge: 600 })
    expect(plain).toBe('ts_session=sealed; Path=/; HttpOnly; SameSite=Lax; Max-Age=600')
    expect(sessionCookieHeader('sealed', { secure: true, maxAge: 600 })).toMatch(/; Secure$/)
    const cleared = clearSessionCookieHeader({ secure: false })
    expect(cleared).toMatch(/^ts_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/)
    expect(cleared).not.toContain('Secure')
  })
})
