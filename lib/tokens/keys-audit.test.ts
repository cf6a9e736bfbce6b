// The key manager's audit events (lib/audit.ts): key.created when this process stores a new
// key, key.rotated when the key an algorithm signs with changes, with kid and alg only.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { testClock } from '../clock'
import { log } from '../log'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { createKeyManager } from './keys'

const DAY = 86_400
const T0 = Date.UTC(2026, 0, 1)
const settings = {
  keys: { rotationInterval: 90 * DAY, propagationTime: 14 * DAY, retentionDuration: 14 * DAY },
  keyEncryptionSecret: 'unit-test-key-encryption-secret-0123456789',
}

let testDb: TestDb
beforeAll(async () => {
  testDb = await createTestDb()
})
afterAll(() => testDb.dispose())
afterEach(() => {
  testClock.reset()
  vi.restoreAllMocks()
})

/** The audit lines the logger was given (the unit tests' logger is silent; the call still happens). */
function auditLines() {
  // audit() skips building a line the level would drop; here every line counts.
  vi.spyOn(log, 'isLevelEnabled').mockReturnValue(true)
  const info = vi.spyOn(log, 'info')
  return () => info.mock.calls.map((call) => call[0] as unknown as Record<string, unknown>).filter((line) => line?.audit === true)
}

describe('key audit events', () => {
  it('key.created at first start, key.rotated when the successor starts signing', async () => {
    testClock.set(T0)
    const lines = auditLines()
    const m = createKeyManager({ db: testDb.db, settings, algorithms: ['RS256'] })
    await m.ensure()
    const first = (await m.getSigningKey('RS256')).kid
    expect(lines()).toEqual([expect.objectContaining({ event: 'key.created', outcome: 'success', kid: first, alg: 'RS256', reason: 'generation 1' })])

    // The successor is announced on day 76 and signs 14 days later, on day 90.
    testClock.set(T0 + 76 * DAY * 1000)
    await m.getPublishedJwks()
    testClock.set(T0 + 90 * DAY * 1000 + 1000)
    const second = (await m.getSigningKey('RS256')).kid
    expect(second).not.toBe(first)
    const events = lines().map((l) => [l.event, l.kid])
    expect(events).toEqual([
      ['key.created', first],
      ['key.created', second],
      ['key.rotated', second],
    ])
    expect(lines().at(-1)).toMatchObject({ alg: 'RS256', reason: `replaces ${first}` })
    // Nothing but identifiers: no key material in any audit line.
    expect(JSON.stringify(lines())).not.toMatch(/"(d|p|q|dp|dq|qi|n|x|y)":/)
  })
})
