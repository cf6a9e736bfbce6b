import { describe, expect, it, vi } from 'vitest'
import type { Audit } from '../audit'
import { createUser, findCredentials } from '../stores/users'
import { countHoldings, giveHoldings } from '../test-support/holdings'
import { useTestDb } from '../test-support/use-test-db'
import { disableUserAccount } from './disable'

const t = useTestDb()

describe('disableUserAccount', () => {
  it('takes everything back and records it in the audit trail', async () => {
    const { subjectId } = await createUser({ username: 'kim', password: 'kim-password' }, t.db)
    await giveHoldings(subjectId, ['web', 'mobile'], t.db)
    const audit = vi.fn<Audit>()

    expect(await disableUserAccount('kim', { database: t.db, audit })).toMatchObject({ subjectId, sessions: 2, families: 2, strayGrants: 1, consents: 2 })
    expect(await countHoldings(subjectId, t.db)).toEqual({ sessions: 0, families: 0, grants: 0, consents: 0 })
    expect((await findCredentials('kim', t.db))!.enabled).toBe(false)
    const who = { outcome: 'success', sub: subjectId, reason: 'user_disabled' }
    expect(audit.mock.calls).toEqual([
      ['grant.revoked', { ...who, count: 3 }],
      ['session.ended', { ...who, count: 2 }],
      ['consent.revoked', { ...who, count: 2 }],
    ])
  })

  it('records the disabling even with nothing to revoke', async () => {
    const { subjectId } = await createUser({ username: 'lou', password: 'lou-password' }, t.db)
    const audit = vi.fn<Audit>()
    await disableUserAccount('lou', { database: t.db, audit })
    expect(audit.mock.calls).toEqual([['grant.revoked', { outcome: 'success', sub: subjectId, reason: 'user_disabled', count: 0 }]])
  })

  it('an unknown user: null, and no audit event', async () => {
    const audit = vi.fn<Audit>()
    expect(await disableUserAccount('nobody', { database: t.db, audit })).toBeNull()
    expect(audit).not.toHaveBeenCalled()
  })
})
