import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { testClock } from '../clock'
import { createAuthorization } from '../stores/authorizations'
import { createSession } from '../stores/sessions'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { newHandle } from '../tokens/handles'
import { CONSUMED_RETENTION_MARGIN_SECONDS, EMPTY_FAMILY_IDLE_SECONDS, runGrantCleanup, startGrantCleanup } from './grant-cleanup'

const T0 = new Date('2026-03-01T00:00:00Z')
const HOUR = 3600_000

let t: TestDb
beforeEach(async () => {
  t = await createTestDb()
  testClock.set(T0)
})
afterEach(async () => {
  testClock.reset()
  await t.dispose()
})
afterAll(() => vi.useRealTimers())

async function grant(opts: { expiresInMs?: number | null; consumedAgoMs?: number; authorizationId?: string; type?: string }) {
  const row = await t.db.persistedGrant.create({
    data: {
      key: newHandle(),
      type: opts.type ?? 'reference_token',
      clientId: 'web',
      subjectId: 'alice',
      authorizationId: opts.authorizationId ?? null,
      creationTime: new Date(+T0 - HOUR),
      expiration: opts.expiresInMs === null ? null : new Date(+T0 + (opts.expiresInMs ?? HOUR)),
      consumedTime: opts.consumedAgoMs === undefined ? null : new Date(+T0 - opts.consumedAgoMs),
      data: {},
    },
  })
  return row.id
}

const options = { batchSize: 3, refreshTokenReuseGracePeriod: 60 }

describe('runGrantCleanup', () => {
  it('removes expired grants in batches and keeps live ones', async () => {
    for (let i = 0; i < 7; i++) await grant({ expiresInMs: -1000 * (i + 1) })
    const live = await grant({ expiresInMs: HOUR })
    const forever = await grant({ expiresInMs: null })
    const report = await runGrantCleanup({ ...options, database: t.db })
    expect(report.expiredGrants).toBe(7)
    expect((await t.db.persistedGrant.findMany()).map((g) => g.id).sort()).toEqual([live, forever].sort())
  })

  it('removes grants consumed longer ago than the grace period plus the margin, and keeps recent ones', async () => {
    const keepWindow = (60 + CONSUMED_RETENTION_MARGIN_SECONDS) * 1000
    const old = await grant({ consumedAgoMs: keepWindow + 1000, type: 'refresh_token' })
    const recent = await grant({ consumedAgoMs: keepWindow - 1000, type: 'refresh_token' })
    const report = await runGrantCleanup({ ...options, database: t.db })
    expect(report.consumedGrants).toBe(1)
    const ids = (await t.db.persistedGrant.findMany()).map((g) => g.id)
    expect(ids).toContain(recent)
    expect(ids).not.toContain(old)
  })

  it('removes families left without grants once idle, and keeps new or non-empty ones', async () => {
    testClock.set(+T0 - (EMPTY_FAMILY_IDLE_SECONDS + 60) * 1000)
    const emptyOld = await createAuthorization({ clientId: 'web', subjectId: 'alice', scopes: ['openid'] }, t.db)
    const withGrant = await createAuthorization({ clientId: 'web', subjectId: 'alice', scopes: ['openid'] }, t.db)
    const emptiedNow = await createAuthorization({ clientId: 'web', subjectId: 'alice', scopes: ['openid'] }, t.db)
    testClock.set(T0)
    const emptyNew = await createAuthorization({ clientId: 'web', subjectId: 'alice', scopes: ['openid'] }, t.db)
    await grant({ authorizationId: withGrant })
    await grant({ authorizationId: emptiedNow, expiresInMs: -1 })
    const report = await runGrantCleanup({ ...options, database: t.db })
    expect(report.emptyAuthorizations).toBe(2)
    const ids = (await t.db.authorization.findMany()).map((a) => a.id).sort()
    expect(ids).toEqual([withGrant, emptyNew].sort())
    expect(ids).not.toContain(emptyOld)
  })

  it('finds empty families across many pages of the family scan', async () => {
    // batchSize 1: pages of 2 families, so 35 families take 18 pages.
    testClock.set(+T0 - (EMPTY_FAMILY_IDLE_SECONDS + 60) * 1000)
    const families = []
    for (let i = 0; i < 35; i++) families.push(await createAuthorization({ clientId: 'web', subjectId: `user-${i}`, scopes: ['openid'] }, t.db))
    testClock.set(T0)
    const kept = families.filter((_, i) => i % 3 === 0)
    for (const id of kept) await grant({ authorizationId: id })
    const report = await runGrantCleanup({ ...options, batchSize: 1, database: t.db })
    expect(report.emptyAuthorizations).toBe(35 - kept.length)
    expect((await t.db.authorization.findMany()).map((a) => a.id).sort()).toEqual([...kept].sort())
  })

  it('removes expired sessions', async () => {
    testClock.set(+T0 - 2 * HOUR)
    await createSession({ subjectId: 'alice', amr: ['pwd'], lifetimeSeconds: 3600 }, t.db)
    const live = await createSession({ subjectId: 'alice', amr: ['pwd'], lifetimeSeconds: 4 * 3600 }, t.db)
    testClock.set(T0)
    const report = await runGrantCleanup({ ...options, database: t.db })
    expect(report.expiredSessions).toBe(1)
    expect((await t.db.userSession.findMany()).map((s) => s.sid)).toEqual([live.session.sid])
  })

  it('is idempotent and deletes each row once when runs overlap (several processes)', async () => {
    for (let i = 0; i < 10; i++) await grant({ expiresInMs: -1000 })
    const [a, b] = await Promise.all([runGrantCleanup({ ...options, database: t.db }), runGrantCleanup({ ...options, database: t.db })])
    expect(a.expiredGrants + b.expiredGrants).toBe(10)
    expect(await t.db.persistedGrant.count()).toBe(0)
    expect((await runGrantCleanup({ ...options, database: t.db })).expiredGrants).toBe(0)
  })

  it('leaves a grant alone that stopped matching between select and delete (a sliding token extended)', async () => {
    const id = await grant({ expiresInMs: -1000, type: 'refresh_token' })
    // A database whose first grant select is followed, before the delete, by another process extending the token.
    let first = true
    const grants = new Proxy(t.db.persistedGrant, {
      get(target, prop, receiver) {
        if (prop !== 'findMany') return Reflect.get(target, prop, receiver)
        return async (args: Parameters<typeof target.findMany>[0]) => {
          const rows = await target.findMany(args)
          if (first) {
            first = false
            await target.update({ where: { id }, data: { expiration: new Date(+T0 + HOUR) } })
          }
          return rows
        }
      },
    })
    const database = new Proxy(t.db, { get: (target, prop, receiver) => (prop === 'persistedGrant' ? grants : Reflect.get(target, prop, receiver)) })
    const report = await runGrantCleanup({ ...options, database })
    expect(first).toBe(false)
    expect(report.expiredGrants).toBe(0)
    expect(await t.db.persistedGrant.findUnique({ where: { id } })).not.toBeNull()
  })
})

describe('startGrantCleanup', () => {
  it('runs on an unref\'d timer and stops when asked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    const stop = startGrantCleanup({ cleanup: { interval: 3600, batchSize: 100 }, refreshTokenReuseGracePeriod: 60 })
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1)
    const delay = setTimeoutSpy.mock.calls[0]![1] as number
    expect(delay).toBeGreaterThanOrEqual(0)
    expect(delay).toBeLessThanOrEqual(60_000)
    const handle = setTimeoutSpy.mock.results[0]!.value as NodeJS.Timeout
    expect(handle.hasRef()).toBe(false)
    stop()
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
  })
})
