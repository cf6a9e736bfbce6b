import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { consentCovers, findConsent, listConsentsForUser, rememberConsent, revokeConsent } from './consents'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

describe('consent store', () => {
  it('remembers consent per user and client', async () => {
    await rememberConsent('alice', 'web', ['openid', 'profile', 'api1'], {}, t.db)
    const found = await findConsent('alice', 'web', t.db)
    expect(found?.scopes).toEqual(['openid', 'profile', 'api1'])
    expect(await findConsent('alice', 'other', t.db)).toBeNull()
    expect(await findConsent('bob', 'web', t.db)).toBeNull()
  })

  it('keeps one row when the same consent is submitted twice at once (double submit)', async () => {
    await Promise.all([
      rememberConsent('bob', 'web', ['openid', 'api1'], {}, t.db),
      rememberConsent('bob', 'web', ['openid', 'api1'], {}, t.db),
    ])
    expect(await t.db.consent.count({ where: { subjectId: 'bob', clientId: 'web' } })).toBe(1)
    await rememberConsent('bob', 'web', ['openid', 'api1'], {}, t.db)
    expect(await t.db.consent.count({ where: { subjectId: 'bob', clientId: 'web' } })).toBe(1)
  })

  it('replaces the remembered scopes with the latest answer', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    await rememberConsent('carol', 'web', ['openid', 'profile', 'api1'], {}, t.db)
    testClock.advance(60)
    await rememberConsent('carol', 'web', ['openid', 'openid'], {}, t.db)
    const found = await findConsent('carol', 'web', t.db)
    expect(found?.scopes).toEqual(['openid'])
    expect(found?.createdAt).toEqual(new Date('2030-01-01T00:00:00Z'))
    expect(found?.updatedAt).toEqual(new Date('2030-01-01T00:01:00Z'))
  })

  it('covers the same or fewer scopes, never more', async () => {
    await rememberConsent('dave', 'web', ['openid', 'profile', 'api1'], {}, t.db)
    const consent = await findConsent('dave', 'web', t.db)
    expect(consentCovers(consent, ['openid', 'profile', 'api1'])).toBe(true)
    expect(consentCovers(consent, ['openid', 'api1'])).toBe(true)
    expect(consentCovers(consent, ['openid', 'api1', 'offline_access'])).toBe(false)
    expect(consentCovers(null, ['openid'])).toBe(false)
  })

  it('ignores an expired consent', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    await rememberConsent('erin', 'web', ['openid'], { expiration: new Date('2030-01-02T00:00:00Z') }, t.db)
    expect(await findConsent('erin', 'web', t.db)).not.toBeNull()
    testClock.advance(86_400)
    expect(await findConsent('erin', 'web', t.db)).toBeNull()
    expect(await listConsentsForUser('erin', t.db)).toEqual([])
  })

  it('revokes one client and lists the rest', async () => {
    await rememberConsent('frank', 'web', ['openid'], {}, t.db)
    await rememberConsent('frank', 'mobile', ['openid', 'api1'], {}, t.db)
    expect((await listConsentsForUser('frank', t.db)).map((c) => c.clientId).sort()).toEqual(['mobile', 'web'])
    expect(await revokeConsent('frank', 'web', t.db)).toBe(true)
    expect(await revokeConsent('frank', 'web', t.db)).toBe(false)
    expect(await findConsent('frank', 'web', t.db)).toBeNull()
    expect((await listConsentsForUser('frank', t.db)).map((c) => c.clientId)).toEqual(['mobile'])
  })
})
