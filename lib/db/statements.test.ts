import { describe, expect, it } from 'vitest'
import { useTestDb } from '../test-support/use-test-db'
import { Prisma, statementsOf } from './client'
import { isDriverError } from './statements'

const t = useTestDb({ perTest: true })

const created = new Date('2026-01-02T03:04:05.678Z')
const expires = new Date('2026-01-02T04:04:05.678Z')

const insert = (key: string, data: object, authorizationId: string | null = null) => Prisma.sql`
  INSERT INTO "PersistedGrant" ("key", "type", "clientId", "authorizationId", "creationTime", "expiration", "data")
  VALUES (${key}, 'reference_token', 'c1', ${authorizationId}, ${created}, ${expires}, ${data})`

const select = (key: string) => Prisma.sql`SELECT "key", "creationTime", "consumedTime", "data" FROM "PersistedGrant" WHERE "key" = ${key}`

describe('statementsOf', () => {
  it('writes rows as Prisma does and reads them back as $queryRaw does (dates as Date, JSON parsed, NULL as null)', async () => {
    const statements = statementsOf(t.db)
    expect(await statements.execute(insert('direct', { claims: { scope: 'api' } }))).toBe(1)
    await t.db.$executeRaw(insert('prisma', { claims: { scope: 'api' } }))

    // The ORM reads the directly written row exactly as the one Prisma wrote.
    const viaOrm = await t.db.persistedGrant.findMany({ orderBy: { key: 'asc' }, select: { key: true, creationTime: true, expiration: true, data: true } })
    expect(viaOrm.map(({ key: _key, ...rest }) => rest)).toEqual([
      { creationTime: created, expiration: expires, data: { claims: { scope: 'api' } } },
      { creationTime: created, expiration: expires, data: { claims: { scope: 'api' } } },
    ])
    for (const key of ['direct', 'prisma']) {
      expect(await statements.query(select(key))).toEqual(await t.db.$queryRaw(select(key)))
      expect(await statements.query(select(key))).toEqual([{ key, creationTime: created, consumedTime: null, data: { claims: { scope: 'api' } } }])
    }
    // Dates compare in SQL as Prisma writes them.
    const live = await statements.query(Prisma.sql`SELECT "key" FROM "PersistedGrant" WHERE "expiration" > ${created} ORDER BY "key"`)
    expect(live).toEqual([{ key: 'direct' }, { key: 'prisma' }])
  })

  it('reads booleans as booleans', async () => {
    await t.db.user.create({ data: { subjectId: 's1', username: 'alice', passwordHash: 'x', enabled: false, claims: {} } })
    expect(await statementsOf(t.db).query(Prisma.sql`SELECT "enabled" FROM "User" WHERE "subjectId" = 's1'`)).toEqual([{ enabled: false }])
  })

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const statements = statementsOf(t.db)
    expect(await statements.transaction(async (tx) => (await tx.execute(insert('kept', {}))) + (await tx.execute(insert('kept-too', {}))))).toBe(2)
    const failure = await statements
      .transaction(async (tx) => {
        await tx.execute(insert('undone', {}))
        throw new Error('refused')
      })
      .catch((error: unknown) => error)
    expect((failure as Error).message).toBe('refused')
    const keys = (await statements.query<{ key: string }>(Prisma.sql`SELECT "key" FROM "PersistedGrant" ORDER BY "key"`)).map((row) => row.key)
    expect(keys).toEqual(['kept', 'kept-too'])
  })

  it('keeps statements from other requests out of an open transaction', async () => {
    const statements = statementsOf(t.db)
    let inside!: () => void
    const open = new Promise<void>((resolve) => (inside = resolve))
    const transaction = statements.transaction(async (tx) => {
      await tx.execute(insert('in-transaction', {}))
      inside()
      await new Promise((resolve) => setTimeout(resolve, 50))
      throw new Error('rolled back')
    })
    await open
    // Issued while the transaction is open: it must neither see its row nor be rolled back with it.
    const outside = statements.execute(insert('outside', {}))
    await expect(transaction).rejects.toThrow('rolled back')
    expect(await outside).toBe(1)
    expect((await statements.query<{ key: string }>(Prisma.sql`SELECT "key" FROM "PersistedGrant"`)).map((row) => row.key)).toEqual(['outside'])
  })

  it("reports a violated foreign key as the driver's error", async () => {
    const error = await statementsOf(t.db)
      .execute(insert('orphan', {}, 'no-such-family'))
      .catch((e: unknown) => e)
    expect(isDriverError(error, 'ForeignKeyConstraintViolation')).toBe(true)
    expect(isDriverError(error, 'UniqueConstraintViolation')).toBe(false)
    expect(isDriverError(new Error('other'), 'ForeignKeyConstraintViolation')).toBe(false)
  })

  it('connects on first use and again after the client disconnected', async () => {
    await t.db.$disconnect()
    expect(await statementsOf(t.db).execute(insert('after-reconnect', {}))).toBe(1)
    expect(await t.db.persistedGrant.count()).toBe(1)
  })
})
