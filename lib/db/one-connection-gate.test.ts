import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../test-support/test-db'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())

describe('one SQLite connection shared by a process', () => {
  it('keeps a plain query out of an open transaction: it neither sees nor loses writes on rollback', async () => {
    let seenInside: string | null | undefined
    let wroteInside!: () => void
    const insideWritten = new Promise<void>((resolve) => (wroteInside = resolve))
    const transaction = t.db
      .$transaction(async (tx) => {
        await tx.serverSetting.create({ data: { name: 'inside', value: 'uncommitted' } })
        wroteInside()
        await new Promise((resolve) => setTimeout(resolve, 50))
        throw new Error('roll back')
      })
      .catch(() => 'rolled back')
    await insideWritten
    // Started while the transaction is open; must run after it, on its own.
    const outsideWrite = t.db.serverSetting.create({ data: { name: 'outside', value: 'kept' } })
    const outsideRead = t.db.serverSetting.findUnique({ where: { name: 'inside' } }).then((row) => (seenInside = row?.value ?? null))
    expect(await transaction).toBe('rolled back')
    await Promise.all([outsideWrite, outsideRead])
    expect(seenInside).toBeNull()
    expect(await t.db.serverSetting.findUnique({ where: { name: 'outside' } })).toMatchObject({ value: 'kept' })
    expect(await t.db.serverSetting.findUnique({ where: { name: 'inside' } })).toBeNull()
  })
})
