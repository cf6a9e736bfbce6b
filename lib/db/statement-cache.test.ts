// Cached statements behave as freshly prepared ones: each execution gets its own arguments,
// reads, writes and transactions give the same results (through Prisma, as the stores use it).
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { hashHandle } from '../tokens/handles'
import { cacheStatements } from './statement-cache'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())

const grant = (key: string) => ({ key, type: 'reference_token', clientId: 'c', creationTime: new Date(), expiration: new Date(Date.now() + 60_000), data: { n: key } })

describe('the statement cache under Prisma', () => {
  it('gives every execution of the same statement its own arguments', async () => {
    const keys = ['a', 'b', 'c'].map(hashHandle)
    for (const key of keys) await t.db.persistedGrant.create({ data: grant(key) })
    for (let round = 0; round < 3; round++) {
      for (const key of keys) expect((await t.db.persistedGrant.findUnique({ where: { key } }))?.key).toBe(key)
    }
    expect(await t.db.persistedGrant.findUnique({ where: { key: hashHandle('missing') } })).toBeNull()
  })

  it('counts conditional updates per execution (single use stays single use)', async () => {
    const key = hashHandle('once')
    await t.db.persistedGrant.create({ data: grant(key) })
    const consume = () => t.db.persistedGrant.updateMany({ where: { key, consumedTime: null }, data: { consumedTime: new Date() } })
    expect((await consume()).count).toBe(1)
    expect((await consume()).count).toBe(0)
  })

  it('rolls back a failed transaction and commits a good one', async () => {
    const key = hashHandle('tx')
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.persistedGrant.create({ data: grant(key) })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await t.db.persistedGrant.findUnique({ where: { key } })).toBeNull()
    await t.db.$transaction(async (tx) => tx.persistedGrant.create({ data: grant(key) }))
    expect(await t.db.persistedGrant.findUnique({ where: { key } })).not.toBeNull()
  })
})

describe('cacheStatements', () => {
  it('compiles a statement once and keeps at most `size` of them', () => {
    const database = new Database(':memory:')
    let compiled = 0
    const prepare = database.prepare.bind(database)
    database.prepare = ((sql: string) => {
      compiled++
      return prepare(sql)
    }) as typeof database.prepare
    expect(cacheStatements(database, 2)).toBe(true)
    const select = (sql: string, value: number) => (database.prepare(sql) as unknown as { bind(a: unknown[]): { raw(): { all(): unknown[] } } }).bind([value]).raw().all()
    expect(select('SELECT ? AS v', 1)).toEqual([[1]])
    expect(select('SELECT ? AS v', 2)).toEqual([[2]])
    expect(compiled).toBe(1)
    select('SELECT ? + 1 AS v', 1)
    select('SELECT ? + 2 AS v', 1)
    select('SELECT ? AS v', 3) // evicted by the two above: compiled again
    expect(compiled).toBe(4)
    database.close()
  })

  it('leaves anything that is not a better-sqlite3 connection alone', () => {
    expect(cacheStatements(undefined)).toBe(false)
    expect(cacheStatements({ prepare: 1 })).toBe(false)
  })
})
