import { describe, expect, it } from 'vitest'
import { countHoldings, giveHoldings } from '../test-support/holdings'
import { useTestDb } from '../test-support/use-test-db'
import { verifyPassword } from '../users/passwords'
import { createUser, disableUser, findCredentials, findUserBySubject, findUserByUsername, setPassword, setUserEnabled, UserExistsError } from './users'

const t = useTestDb()

describe('users store', () => {
  it('creates a user with a generated sub and a hashed password; finds it by username and subject', async () => {
    const created = await createUser({ username: 'dora', password: 'dora-password', claims: { name: 'Dora' } }, t.db)
    expect(created.subjectId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await findUserByUsername('dora', t.db)).toEqual({ subjectId: created.subjectId, username: 'dora', claims: { name: 'Dora' }, enabled: true })
    expect(await findUserBySubject(created.subjectId, t.db)).toEqual(created)
    expect(created).not.toHaveProperty('passwordHash')
    const credentials = await findCredentials('dora', t.db)
    expect(credentials!.subjectId).toBe(created.subjectId)
    expect(await verifyPassword(credentials!.passwordHash, 'dora-password')).toBe(true)
  })

  it('refuses a second user with a taken username or subjectId', async () => {
    await createUser({ username: 'erin', password: 'erin-password', subjectId: 'sub-erin' }, t.db)
    await expect(createUser({ username: 'erin', password: 'other-password' }, t.db)).rejects.toBeInstanceOf(UserExistsError)
    await expect(createUser({ username: 'erin2', password: 'other-password', subjectId: 'sub-erin' }, t.db)).rejects.toBeInstanceOf(UserExistsError)
  })

  it('sets a password and the enabled flag; false for an unknown user', async () => {
    await createUser({ username: 'finn', password: 'finn-password' }, t.db)
    expect(await setPassword('finn', 'new-finn-password', t.db)).toBe(true)
    const { passwordHash } = (await findCredentials('finn', t.db))!
    expect(await verifyPassword(passwordHash, 'new-finn-password')).toBe(true)
    expect(await verifyPassword(passwordHash, 'finn-password')).toBe(false)

    expect(await setUserEnabled('finn', false, t.db)).toBe(true)
    expect((await findUserByUsername('finn', t.db))!.enabled).toBe(false)
    expect((await findCredentials('finn', t.db))!.enabled).toBe(false)
    expect(await setUserEnabled('finn', true, t.db)).toBe(true)
    expect((await findUserByUsername('finn', t.db))!.enabled).toBe(true)

    expect(await setPassword('nobody', 'whatever-password', t.db)).toBe(false)
    expect(await setUserEnabled('nobody', false, t.db)).toBe(false)
    expect(await findUserByUsername('nobody', t.db)).toBeNull()
    expect(await findCredentials('nobody', t.db)).toBeNull()
  })
})

describe('disableUser', () => {
  const NONE = { sessions: 0, families: 0, grants: 0, consents: 0 }

  it("clears the flag and removes the user's sessions, families (codes, refresh and reference tokens), stray grants and consents", async () => {
    const { subjectId } = await createUser({ username: 'gina', password: 'gina-password' }, t.db)
    const other = await createUser({ username: 'hank', password: 'hank-password' }, t.db)
    await giveHoldings(subjectId, ['web', 'mobile'], t.db)
    await giveHoldings(other.subjectId, ['web'], t.db)
    // Per client 3 grants in the family; 1 stray reference token.
    expect(await countHoldings(subjectId, t.db)).toEqual({ sessions: 2, families: 2, grants: 7, consents: 2 })
    const hanks = await countHoldings(other.subjectId, t.db)

    expect(await disableUser('gina', t.db)).toEqual({ subjectId, sessions: 2, families: 2, strayGrants: 1, consents: 2 })
    expect(await countHoldings(subjectId, t.db)).toEqual(NONE)
    expect(await t.db.persistedGrant.count({ where: { subjectId, type: { in: ['authorization_code', 'refresh_token', 'reference_token'] } } })).toBe(0)
    expect((await findCredentials('gina', t.db))!.enabled).toBe(false)
    // Nobody else's.
    expect(await countHoldings(other.subjectId, t.db)).toEqual(hanks)
    expect((await findUserByUsername('hank', t.db))!.enabled).toBe(true)
  })

  it('enabling again allows sign-in and brings nothing back', async () => {
    const { subjectId } = await createUser({ username: 'ivy', password: 'ivy-password' }, t.db)
    await giveHoldings(subjectId, ['web'], t.db)
    await disableUser('ivy', t.db)
    expect(await setUserEnabled('ivy', true, t.db)).toBe(true)
    expect((await findCredentials('ivy', t.db))!.enabled).toBe(true)
    expect(await countHoldings(subjectId, t.db)).toEqual(NONE)
    // Disabling a disabled user again finds nothing more to take.
    expect(await disableUser('ivy', t.db)).toEqual({ subjectId, sessions: 0, families: 0, strayGrants: 0, consents: 0 })
  })

  it('is all-or-nothing: a failing step leaves the flag, sessions and grants as they were', async () => {
    const { subjectId } = await createUser({ username: 'jack', password: 'jack-password' }, t.db)
    await giveHoldings(subjectId, ['web'], t.db)
    const before = await countHoldings(subjectId, t.db)
    // The last statement (the consents) fails inside the database.
    await t.db.$executeRawUnsafe(`CREATE TRIGGER refuse_consent_delete BEFORE DELETE ON "Consent" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
    try {
      await expect(disableUser('jack', t.db)).rejects.toThrow()
    } finally {
      await t.db.$executeRawUnsafe('DROP TRIGGER refuse_consent_delete')
    }
    expect(await countHoldings(subjectId, t.db)).toEqual(before)
    expect((await findCredentials('jack', t.db))!.enabled).toBe(true)
  })

  it('null for an unknown user, and nothing written', async () => {
    const rows = await t.db.userSession.count()
    expect(await disableUser('nobody', t.db)).toBeNull()
    expect(await t.db.userSession.count()).toBe(rows)
  })
})
