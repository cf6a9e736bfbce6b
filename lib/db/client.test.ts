// The connection settings every Db gets (lib/db/client.ts): WAL and synchronous=NORMAL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { createDb } from './client'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())

const pragma = async (db: TestDb['db'], name: string) => Object.values((await db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0]!)[0]

describe('SQLite connection settings', () => {
  it('uses the write-ahead log with synchronous=NORMAL (1)', async () => {
    expect(await pragma(t.db, 'journal_mode')).toBe('wal')
    expect(Number(await pragma(t.db, 'synchronous'))).toBe(1)
  })

  it('gives a second connection to the same file the same settings', async () => {
    const other = createDb(t.url)
    try {
      expect(await pragma(other, 'journal_mode')).toBe('wal')
      expect(Number(await pragma(other, 'synchronous'))).toBe(1)
    } finally {
      await other.$disconnect()
    }
  })
})
