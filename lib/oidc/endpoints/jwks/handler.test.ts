import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../../../clock'
import { createTestDb, type TestDb } from '../../../test-support/test-db'
import { signJwt } from '../../../tokens/jwt'
import { createKeyManager, type KeyManager } from '../../../tokens/keys'
import { createJwksEndpoint, jwksHeaders, jwksMethodNotAllowed } from './handler'

const DAY = 86_400
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']
let testDb: TestDb
let keys: KeyManager

beforeAll(async () => {
  testDb = await createTestDb()
  keys = createKeyManager({ db: testDb.db, settings: { keys: { rotationInterval: 90 * DAY, propagationTime: 14 * DAY, retentionDuration: 14 * DAY }, keyEncryptionSecret: 'unit-test-key-encryption-secret-0123456789' } })
})
afterAll(() => testDb.dispose())
afterEach(() => testClock.reset())

const endpoint = () => createJwksEndpoint(() => ({ keys, propagationTime: 14 * DAY }))

describe('jwks endpoint', () => {
  it('publishes the RS256 and ES256 public keys, with no private member', async () => {
    const response = await endpoint()(new Request('http://localhost/.well-known/openid-configuration/jwks'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    const text = await response.text()
    const body = JSON.parse(text) as { keys: Record<string, unknown>[] }
    expect(body.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256'])
    for (const key of body.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member)
      expect(key.use).toBe('sig')
    }
    expect(text).not.toMatch(/"d"\s*:/)
  })

  it('verifies what the server signs', async () => {
    const token = await signJwt({ sub: 'svc' }, { alg: 'RS256' }, { keys, issuer: 'http://localhost' })
    const body = await (await endpoint()(new Request('http://localhost/jwks'))).json()
    const { payload } = await jwtVerify(token, createLocalJWKSet(body), { issuer: 'http://localhost' })
    expect(payload.sub).toBe('svc')
  })

  it('reuses its serialized body until the key set changes, and shows an announced key at once', async () => {
    testClock.set(Date.UTC(2030, 0, 1))
    const db = await createTestDb()
    try {
      const m = createKeyManager({ db: db.db, algorithms: ['ES256'], settings: { keys: { rotationInterval: 90 * DAY, propagationTime: 14 * DAY, retentionDuration: 14 * DAY }, keyEncryptionSecret: 'unit-test-key-encryption-secret-0123456789' } })
      await m.ensure()
      const served = createJwksEndpoint(() => ({ keys: m, propagationTime: 14 * DAY }))
      const kids = async () => ((await (await served(new Request('http://localhost/jwks'))).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
      const before = await kids()
      expect(before).toHaveLength(1)
      expect(await kids()).toEqual(before)
      testClock.advance(76 * DAY) // the successor is announced: published before it signs
      const after = await kids()
      expect(after).toHaveLength(2)
      expect(after[0]).toBe(before[0])
      expect(after).toEqual((await m.getPublishedJwks()).keys.map((k) => k.kid))
    } finally {
      await db.dispose()
    }
  })

  it('never caches longer than half the propagation time', () => {
    expect(jwksHeaders(14 * DAY)['Cache-Control']).toBe('public, max-age=300')
    expect(jwksHeaders(60)['Cache-Control']).toBe('public, max-age=30')
  })

  it('refuses other methods with 405 and Allow', async () => {
    const response = await jwksMethodNotAllowed(new Request('http://localhost/jwks', { method: 'DELETE' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
  })
})
