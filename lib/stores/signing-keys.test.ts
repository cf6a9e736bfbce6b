import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { createSigningKeyStore, type StoredSigningKey } from './signing-keys'

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.dispose())

const row = (kid: string, generation: number, algorithm: StoredSigningKey['algorithm'] = 'RS256'): StoredSigningKey => ({
  kid,
  algorithm,
  generation,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
  privateJwkEncrypted: 'a.b.c.d.e',
})

describe('signing key store', () => {
  it('inserts, lists by generation, and reports a lost race on (algorithm, generation) as false', async () => {
    const store = createSigningKeyStore(testDb.db)
    expect(await store.insertSigningKey(row('k2', 2))).toBe(true)
    expect(await store.insertSigningKey(row('k1', 1))).toBe(true)
    expect(await store.insertSigningKey(row('other-process', 2))).toBe(false)
    expect(await store.insertSigningKey(row('es1', 1, 'ES256'))).toBe(true)
    const listed = await store.listSigningKeys()
    expect(listed.map((k) => [k.algorithm, k.generation, k.kid])).toEqual([
      ['ES256', 1, 'es1'],
      ['RS256', 1, 'k1'],
      ['RS256', 2, 'k2'],
    ])
    expect(listed[0]).toMatchObject({ publicJwk: { kty: 'EC', crv: 'P-256' }, createdAt: new Date('2026-01-01T00:00:00Z') })
  })

  it('deletes by kid', async () => {
    const store = createSigningKeyStore(testDb.db)
    expect(await store.deleteSigningKeys(['k1', 'missing'])).toBe(1)
    expect(await store.deleteSigningKeys([])).toBe(0)
    expect((await store.listSigningKeys()).map((k) => k.kid)).not.toContain('k1')
  })
})
