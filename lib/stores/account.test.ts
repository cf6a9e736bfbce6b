import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { now, testClock } from '../clock'
import { useTestDb } from '../test-support/use-test-db'
import { newHandle } from '../tokens/handles'
import { listAppAccess, revokeAppAccess } from './account'
import { createAuthorization, touchAuthorization } from './authorizations'
import { findConsent, rememberConsent } from './consents'
import { findReferenceToken, storeReferenceToken } from './grants'
import { findRefreshToken, storeRefreshToken } from './refresh-tokens'

const T0 = new Date('2026-04-01T10:00:00Z')
const DAY = 86_400_000

const t = useTestDb({ perTest: true })
beforeEach(() => testClock.set(T0))
afterEach(() => testClock.reset())

async function family(subjectId: string, clientId: string, scopes: string[], refreshExpiresIn: number | null = 30 * DAY) {
  const authorizationId = await createAuthorization({ clientId, subjectId, scopes }, t.db)
  const refresh = newHandle()
  await storeRefreshToken(refresh, { clientId, subjectId, authorizationId, scopes, claims: {}, originalCreationTime: T0, expiration: refreshExpiresIn === null ? null : new Date(+T0 + refreshExpiresIn) }, t.db)
  const reference = newHandle()
  await storeReferenceToken(reference, { clientId, subjectId, authorizationId, expiration: new Date(+now() + 7 * DAY), claims: {} }, t.db)
  return { authorizationId, refresh, reference }
}

describe('listAppAccess', () => {
  it('groups families and remembered consent per app', async () => {
    await family('alice', 'web', ['openid', 'api1', 'offline_access'], 10 * DAY)
    testClock.set(+T0 + DAY)
    const second = await family('alice', 'web', ['openid', 'profile', 'offline_access'], 20 * DAY)
    testClock.set(+T0 + 2 * DAY)
    await touchAuthorization(second.authorizationId, t.db)
    await rememberConsent('alice', 'web', ['openid', 'api1', 'email'], {}, t.db)
    await rememberConsent('alice', 'consent-only', ['openid'], {}, t.db)
    await family('bob', 'web', ['openid'])

    const apps = await listAppAccess('alice', t.db)
    expect(apps.map((a) => a.clientId)).toEqual(['web', 'consent-only'])
    const web = apps[0]!
    expect(web.scopes).toEqual(['openid', 'api1', 'offline_access', 'profile', 'email'])
    expect(web.grantedAt).toEqual(T0)
    expect(web.lastUsedAt).toEqual(new Date(+T0 + 2 * DAY))
    expect(web.refreshTokenExpiresAt).toEqual(new Date(+T0 + 20 * DAY))
    expect(web.liveTokens).toBe(4)
    expect(web.consentRemembered).toBe(true)
    expect(apps[1]).toMatchObject({ clientId: 'consent-only', lastUsedAt: null, refreshTokenExpiresAt: null, liveTokens: 0, consentRemembered: true })
  })

  it('leaves out families without live tokens', async () => {
    const f = await family('alice', 'web', ['openid'], DAY)
    testClock.set(+T0 + 8 * DAY)
    expect(await listAppAccess('alice', t.db)).toEqual([])
    expect(f.authorizationId).toBeTruthy()
  })

  it("reports 'never' for a refresh token without expiry", async () => {
    await family('alice', 'web', ['openid'], null)
    expect((await listAppAccess('alice', t.db))[0]?.refreshTokenExpiresAt).toBe('never')
  })
})

describe('revokeAppAccess', () => {
  it("takes back one app's consent, refresh and reference tokens, and nothing else", async () => {
    const a = await family('alice', 'web', ['openid'])
    const b = await family('alice', 'web', ['openid'])
    const other = await family('alice', 'other', ['openid'])
    const bobs = await family('bob', 'web', ['openid'])
    await rememberConsent('alice', 'web', ['openid'], {}, t.db)
    await rememberConsent('bob', 'web', ['openid'], {}, t.db)

    expect(await revokeAppAccess('alice', 'web', t.db)).toEqual({ consents: 1, families: 2, strayGrants: 0 })
    for (const f of [a, b]) {
      expect(await findRefreshToken(f.refresh, t.db)).toBeNull()
      expect(await findReferenceToken(f.reference, t.db)).toBeNull()
    }
    expect(await findConsent('alice', 'web', t.db)).toBeNull()
    expect(await findRefreshToken(other.refresh, t.db)).not.toBeNull()
    expect(await findRefreshToken(bobs.refresh, t.db)).not.toBeNull()
    expect(await findConsent('bob', 'web', t.db)).not.toBeNull()
    expect((await listAppAccess('alice', t.db)).map((x) => x.clientId)).toEqual(['other'])
  })

  it('is a no-op for an app the person never authorized', async () => {
    await family('bob', 'web', ['openid'])
    expect(await revokeAppAccess('alice', 'web', t.db)).toEqual({ consents: 0, families: 0, strayGrants: 0 })
    expect(await listAppAccess('bob', t.db)).toHaveLength(1)
  })
})
