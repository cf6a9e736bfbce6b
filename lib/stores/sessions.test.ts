import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { hashHandle } from '../tokens/handles'
import {
  createSession,
  endSession,
  endSessionsForUser,
  findSessionByHandle,
  findSessionBySid,
  listSessionsForUser,
  removeExpiredSessions,
  touchSession,
} from './sessions'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

const start = (subjectId = 'alice', lifetimeSeconds = 3600) =>
  createSession({ subjectId, amr: ['pwd'], ipAddress: '127.0.0.1', userAgent: 'test-agent', lifetimeSeconds }, t.db)

describe('session store', () => {
  it('stores only the hash of the handle and finds the session by the handle', async () => {
    testClock.set(new Date('2030-01-01T10:00:00Z'))
    const { handle, session } = await start()
    expect(await t.db.userSession.findUnique({ where: { key: handle } })).toBeNull()
    const row = await t.db.userSession.findUnique({ where: { key: hashHandle(handle) } })
    expect(row?.sid).toBe(session.sid)
    expect(JSON.stringify(row)).not.toContain(handle)

    const found = await findSessionByHandle(handle, t.db)
    expect(found).toEqual(session)
    expect(found).toMatchObject({ subjectId: 'alice', amr: ['pwd'], ipAddress: '127.0.0.1', userAgent: 'test-agent' })
    expect(found?.authTime).toEqual(new Date('2030-01-01T10:00:00Z'))
    expect(found?.expiresAt).toEqual(new Date('2030-01-01T11:00:00Z'))
  })

  it('gives every sign-in a new handle and a new sid', async () => {
    const a = await start()
    const b = await start()
    expect(a.handle).not.toBe(b.handle)
    expect(a.session.sid).not.toBe(b.session.sid)
    expect(a.session.sid).toMatch(/^[0-9A-F]{32}$/)
  })

  it('does not find an unknown handle', async () => {
    expect(await findSessionByHandle('no-such-handle', t.db)).toBeNull()
  })

  it('does not find an expired session', async () => {
    testClock.set(new Date('2030-01-01T10:00:00Z'))
    const { handle, session } = await start('alice', 60)
    testClock.advance(59)
    expect(await findSessionByHandle(handle, t.db)).not.toBeNull()
    testClock.advance(1)
    expect(await findSessionByHandle(handle, t.db)).toBeNull()
    expect(await findSessionBySid(session.sid, t.db)).toBeNull()
  })

  it('records activity at most once a minute', async () => {
    testClock.set(new Date('2030-01-01T10:00:00Z'))
    const { handle, session } = await start()
    testClock.advance(30)
    expect(await touchSession(session.sid, t.db)).toBe(false)
    expect((await findSessionByHandle(handle, t.db))?.lastSeenAt).toEqual(new Date('2030-01-01T10:00:00Z'))
    testClock.advance(31)
    expect(await touchSession(session.sid, t.db)).toBe(true)
    expect((await findSessionByHandle(handle, t.db))?.lastSeenAt).toEqual(new Date('2030-01-01T10:01:01Z'))
    expect(await touchSession(session.sid, t.db)).toBe(false)
  })

  it('ends one session by sid', async () => {
    const { handle, session } = await start()
    const other = await start()
    expect(await endSession(session.sid, t.db)).toBe(true)
    expect(await findSessionByHandle(handle, t.db)).toBeNull()
    expect(await endSession(session.sid, t.db)).toBe(false)
    expect(await findSessionByHandle(other.handle, t.db)).not.toBeNull()
  })

  it('lists and ends every session of one user only', async () => {
    testClock.set(new Date('2030-01-01T10:00:00Z'))
    const first = await start('carol')
    testClock.advance(120)
    const second = await start('carol')
    const dave = await start('dave')
    testClock.advance(1)
    const listed = await listSessionsForUser('carol', t.db)
    expect(listed.map((s) => s.sid)).toEqual([second.session.sid, first.session.sid])

    expect(await endSessionsForUser('carol', t.db)).toBe(2)
    expect(await listSessionsForUser('carol', t.db)).toEqual([])
    expect(await findSessionByHandle(dave.handle, t.db)).not.toBeNull()
  })

  it('leaves expired sessions out of the list and removes them in batches', async () => {
    testClock.set(new Date('2030-02-01T10:00:00Z'))
    await start('erin', 60)
    await start('erin', 60)
    const live = await start('erin', 3600)
    testClock.advance(120)
    expect((await listSessionsForUser('erin', t.db)).map((s) => s.sid)).toEqual([live.session.sid])
    expect(await removeExpiredSessions(1, t.db)).toBe(1)
    expect(await removeExpiredSessions(10, t.db)).toBeGreaterThanOrEqual(1)
    expect(await removeExpiredSessions(10, t.db)).toBe(0)
    expect(await t.db.userSession.count({ where: { subjectId: 'erin' } })).toBe(1)
  })
})
