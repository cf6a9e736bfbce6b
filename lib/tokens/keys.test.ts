import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createDb } from '../db/client'
import { createSigningKeyStore } from '../stores/signing-keys'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { createKeyEncryption } from './key-encryption'
import { createKeyManager, REFRESH_MS, type KeyManager } from './keys'

const DAY = 86_400
const T0 = Date.UTC(2026, 0, 1)
const SECRET = 'unit-test-key-encryption-secret-0123456789'
const settings = { keys: { rotationInterval: 90 * DAY, propagationTime: 14 * DAY, retentionDuration: 14 * DAY }, keyEncryptionSecret: SECRET }
const PUBLIC_MEMBERS = new Set(['kty', 'n', 'e', 'crv', 'x', 'y', 'kid', 'alg', 'use'])

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.dispose())
beforeEach(async () => {
  testClock.set(T0)
  const store = createSigningKeyStore(testDb.db)
  await store.deleteSigningKeys((await store.listSigningKeys()).map((k) => k.kid))
})
afterEach(() => testClock.reset())

const manager = (overrides: Partial<Parameters<typeof createKeyManager>[0]> = {}) => createKeyManager({ db: testDb.db, settings, ...overrides })
const goTo = (days: number) => testClock.set(T0 + days * DAY * 1000)
const publishedKids = async (m: KeyManager) => (await m.getPublishedJwks()).keys.map((k) => k.kid)
const signingKid = async (m: KeyManager) => (await m.getSigningKey('RS256')).kid

describe('key manager timeline', () => {
  it('creates one key per algorithm at first start and lets it sign at once', async () => {
    const m = manager()
    await m.ensure()
    const rows = await createSigningKeyStore(testDb.db).listSigningKeys()
    expect(rows.map((r) => [r.algorithm, r.generation])).toEqual([
      ['ES256', 1],
      ['RS256', 1],
    ])
    const rs = await m.getSigningKey('RS256')
    const es = await m.getSigningKey('ES256')
    expect(rs.key.algorithm.name).toBe('RSASSA-PKCS1-v1_5')
    expect((rs.key.algorithm as RsaHashedKeyAlgorithm).modulusLength).toBe(2048)
    expect((es.key.algorithm as EcKeyAlgorithm).namedCurve).toBe('P-256')
    expect(rs.key.extractable).toBe(false)
    expect((await publishedKids(m)).sort()).toEqual([rs.kid, es.kid].sort())
  })

  it('announces a successor, switches at activation, retires the old key after retention, and rotates every 90 days', async () => {
    const m = manager({ algorithms: ['RS256'] })
    await m.ensure()
    const k1 = await signingKid(m)

    goTo(76 - 1 / DAY)
    expect(await publishedKids(m)).toEqual([k1])

    goTo(76) // the successor is due: announced, not signing
    expect(await signingKid(m)).toBe(k1)
    const [, k2] = await publishedKids(m)
    expect(k2).toBeDefined()
    expect(await publishedKids(m)).toEqual([k1, k2])

    goTo(90 - 1 / DAY)
    expect(await signingKid(m)).toBe(k1)
    goTo(90) // 90 days after k1: k2 has propagated for 14 days and takes over
    expect(await signingKid(m)).toBe(k2)
    expect(await publishedKids(m)).toEqual([k1, k2])

    goTo(104 - 1 / DAY) // still published during retention
    expect(await publishedKids(m)).toEqual([k1, k2])
    goTo(104)
    expect(await publishedKids(m)).toEqual([k2])
    expect((await createSigningKeyStore(testDb.db).listSigningKeys()).map((r) => r.kid)).toEqual([k2])

    goTo(152) // k2 is 76 days old: its successor is announced
    expect(await signingKid(m)).toBe(k2)
    const k3 = (await publishedKids(m))[1]
    expect(k3).toBeDefined()
    goTo(166) // the next rotation, 90 days after k2 started signing
    expect(await signingKid(m)).toBe(k3)
    expect((await m.getPlan()).timelines.map((t) => t.generation)).toEqual([2, 3])
  })

  it('lets two processes racing on one database agree on one key per generation and one signer', async () => {
    const other = createDb(testDb.url)
    try {
      const a = manager()
      const b = manager({ db: other })
      await Promise.all([a.ensure(), b.ensure()])
      expect(await signingKid(a)).toBe(await signingKid(b))

      goTo(76)
      await Promise.all([a.getPublishedJwks(), b.getPublishedJwks()])
      const rows = await createSigningKeyStore(testDb.db).listSigningKeys()
      expect(rows.map((r) => `${r.algorithm}/${r.generation}`)).toEqual(['ES256/1', 'ES256/2', 'RS256/1', 'RS256/2'])
      goTo(90)
      const [kidA, kidB] = await Promise.all([signingKid(a), signingKid(b)])
      expect(kidA).toBe(kidB)
      expect(kidA).toBe(rows.find((r) => r.algorithm === 'RS256' && r.generation === 2)!.kid)
      expect((await a.getSigningKey('ES256')).kid).toBe((await b.getSigningKey('ES256')).kid)
      expect(await publishedKids(a)).toEqual(await publishedKids(b))
    } finally {
      await other.$disconnect()
    }
  })

  it('re-reads and uses the winner when another process inserted the same generation first', async () => {
    const real = createSigningKeyStore(testDb.db)
    const winner = manager({ algorithms: ['ES256'] })
    const results: boolean[] = []
    const loser = manager({
      algorithms: ['ES256'],
      store: {
        ...real,
        async insertSigningKey(key) {
          await winner.ensure() // the other process gets there first
          const inserted = await real.insertSigningKey(key)
          results.push(inserted)
          return inserted
        },
      },
    })
    await loser.ensure()
    expect(results).toEqual([false])
    expect((await loser.getSigningKey('ES256')).kid).toBe((await winner.getSigningKey('ES256')).kid)
    expect(await real.listSigningKeys()).toHaveLength(1)
  })

  it("sees another process's new key within the refresh interval", async () => {
    const a = manager({ algorithms: ['ES256'] })
    await a.ensure()
    goTo(1)
    const before = await publishedKids(a) // read now, cached for REFRESH_MS
    // Another process, whose clock runs 75 days ahead, creates a successor a cannot foresee.
    const ahead = manager({ algorithms: ['ES256'], clock: () => T0 + 76 * DAY * 1000 })
    await ahead.ensure()
    const all = await publishedKids(ahead)
    expect(all).toHaveLength(2)
    testClock.advance(REFRESH_MS / 1000 - 1)
    expect(await publishedKids(a)).toEqual(before)
    testClock.advance(1)
    expect(await publishedKids(a)).toEqual(all)
  })
})

describe('keys at rest and in the JWKS', () => {
  it('stores private keys only encrypted, decryptable with the secret and not with another', async () => {
    await manager().ensure()
    const rows = await createSigningKeyStore(testDb.db).listSigningKeys()
    for (const row of rows) {
      expect(JSON.stringify(row.publicJwk)).not.toMatch(/"(d|p|q|dp|dq|qi)"/)
      expect(row.privateJwkEncrypted).not.toMatch(/"d"/)
      const jwk = await createKeyEncryption(SECRET).decryptPrivateJwk(row.kid, row.privateJwkEncrypted)
      expect(jwk.d).toBeTypeOf('string')
      expect(row.privateJwkEncrypted).not.toContain(jwk.d)
      await expect(createKeyEncryption(`${SECRET}-changed`).decryptPrivateJwk(row.kid, row.privateJwkEncrypted)).rejects.toThrow()
    }
  })

  it('fails loudly at start-up when the key-encryption secret changed', async () => {
    await manager().ensure()
    const wrong = manager({ settings: { ...settings, keyEncryptionSecret: `${SECRET}-changed` } })
    await expect(wrong.ensure()).rejects.toThrow(/KEY_ENCRYPTION_SECRET/)
  })

  it('publishes only public members, with kid, alg and use', async () => {
    const m = manager()
    await m.ensure()
    goTo(80) // a successor is announced too
    const { keys } = await m.getPublishedJwks()
    expect(keys).toHaveLength(4)
    for (const jwk of keys) {
      expect(Object.keys(jwk).every((name) => PUBLIC_MEMBERS.has(name))).toBe(true)
      expect(jwk.use).toBe('sig')
      expect(jwk.kid).toBeTypeOf('string')
    }
    expect(keys.map((k) => `${k.kty}/${k.alg}`).sort()).toEqual(['EC/ES256', 'EC/ES256', 'RSA/RS256', 'RSA/RS256'])
  })

  it('signs with keys that verify against the published JWKS', async () => {
    const m = manager()
    await m.ensure()
    const jwks = createLocalJWKSet(await m.getPublishedJwks())
    for (const alg of ['RS256', 'ES256'] as const) {
      const { kid, key } = await m.getSigningKey(alg)
      const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg, kid }).sign(key)
      const { protectedHeader } = await jwtVerify(token, jwks, { algorithms: [alg] })
      expect(protectedHeader.kid).toBe(kid)
    }
  })

  it('peekSigningKey answers without a promise only while the cached view is current', async () => {
    const m = manager({ algorithms: ['RS256'] })
    expect(m.peekSigningKey('RS256')).toBeUndefined() // nothing loaded yet
    await m.ensure()
    const k1 = await m.getSigningKey('RS256')
    expect(m.peekSigningKey('RS256')).toEqual(k1)
    expect(m.peekSigningKey('ES256')).toBeUndefined() // not an algorithm of this manager

    goTo(90) // k2 (announced on day 76 by the refresh below) takes over on day 90
    expect(m.peekSigningKey('RS256')).toBeUndefined() // past the cached view's boundary
    goTo(76)
    await m.getPublishedJwks() // announces k2
    goTo(90)
    expect(m.peekSigningKey('RS256')).toBeUndefined()
    const k2 = await m.getSigningKey('RS256')
    expect(k2.kid).not.toBe(k1.kid)
    expect(m.peekSigningKey('RS256')).toEqual(k2)
  })

  it('imports a private key once, not per call', async () => {
    const m = manager({ algorithms: ['ES256'] })
    await m.ensure()
    const first = await m.getSigningKey('ES256')
    testClock.advance(REFRESH_MS / 1000 + 1) // a refresh re-reads rows but keeps the imported key
    expect((await m.getSigningKey('ES256')).key).toBe(first.key)
  })
})
