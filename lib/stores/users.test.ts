import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { verifyPassword } from '../users/passwords'
import { createUser, findCredentials, findUserBySubject, findUserByUsername, setPassword, setUserEnabled, UserExistsError } from './users'

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
})
afterAll(async () => {
  await t.dispose()
})

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
