import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Audit } from '../audit'
import { findClient } from '../stores/clients'
import { invalidateConfigCache, readConfigVersion } from '../stores/config-cache'
import { findCredentials } from '../stores/users'
import { countHoldings, giveHoldings } from '../test-support/holdings'
import { useTestDb } from '../test-support/use-test-db'
import { hashHandle } from '../tokens/handles'
import { verifyPassword } from '../users/passwords'
import { BUILT_IN_IDENTITY_RESOURCES } from './built-in-resources'
import { demoConfigurationFor } from './demo'
import { ensureBuiltInIdentityResources, importConfiguration, ImportValidationError } from './import'

const ISSUER = 'http://localhost:3000'
const demo = () => demoConfigurationFor(ISSUER) as Record<string, unknown[]>

const TABLES = ['Client', 'ClientSecret', 'ApiScope', 'ApiResource', 'ApiResourceSecret', 'IdentityResource', 'User', 'ServerSetting']

// One migrated database for the file (migrating takes most of a second), emptied before each test.
const t = useTestDb()
beforeEach(async () => {
  for (const table of TABLES) await t.db.$executeRawUnsafe(`DELETE FROM "${table}"`)
  invalidateConfigCache()
})

/** Every row of every configuration table, read with plain SQL (not through the stores). */
function dump(): Record<string, Record<string, unknown>[]> {
  const sqlite = new Database(fileURLToPath(t.url.replace(/^file:/, 'file://')), { readonly: true })
  try {
    return Object.fromEntries(TABLES.map((table) => [table, sqlite.prepare(`SELECT * FROM "${table}" ORDER BY 1`).all() as Record<string, unknown>[]]))
  } finally {
    sqlite.close()
  }
}

async function rejection(promise: Promise<unknown>): Promise<ImportValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ImportValidationError)
  return error as ImportValidationError
}

describe('importConfiguration', () => {
  it('creates every entity of the demo file, with the built-in identity resources', async () => {
    const summary = await importConfiguration(demo(), { db: t.db })
    expect(summary).toMatchObject({
      dryRun: false,
      changed: true,
      configVersion: '1',
      apiScopes: { created: 1, updated: 0, unchanged: 0 },
      apiResources: { created: 1, updated: 0, unchanged: 0 },
      identityResources: { created: BUILT_IN_IDENTITY_RESOURCES.length, updated: 0, unchanged: 0 },
      clients: { created: 2, updated: 0, unchanged: 0 },
      users: { created: 2, updated: 0, unchanged: 0 },
    })
    const client = await findClient('demo-web', t.db)
    expect(client).toMatchObject({ redirectUris: [`${ISSUER}/demo/callback`], requireConsent: true, allowOfflineAccess: true })
    expect(client!.secrets).toEqual([{ valueHash: hashHandle('demo-web-secret'), expiration: null }])
    expect(await readConfigVersion(t.db)).toBe('1')
  })

  it('changes nothing the second time: no updatedAt moves, the summary says unchanged', async () => {
    await importConfiguration(demo(), { db: t.db })
    const before = dump()
    const summary = await importConfiguration(demo(), { db: t.db })
    expect(summary.changed).toBe(false)
    expect(summary.configVersion).toBeNull()
    for (const kind of ['apiScopes', 'apiResources', 'identityResources', 'clients', 'users'] as const) {
      expect(summary[kind].created + summary[kind].updated).toBe(0)
      expect(summary[kind].unchanged).toBeGreaterThan(0)
    }
    expect(dump()).toEqual(before)
  })

  it('updates only the entity that changed, and bumps config.version', async () => {
    await importConfiguration(demo(), { db: t.db })
    const before = dump()
    const file = demo()
    file.clients = file.clients!.map((c) => ((c as { clientId: string }).clientId === 'demo-machine' ? { ...(c as object), accessTokenLifetime: 600 } : c))
    const summary = await importConfiguration(file, { db: t.db })
    expect(summary.clients).toEqual({ created: 0, updated: 1, unchanged: 1 })
    expect(summary.configVersion).toBe('2')
    expect((await findClient('demo-machine', t.db))!.accessTokenLifetime).toBe(600)
    const after = dump()
    const web = (rows: Record<string, unknown>[]) => rows.find((r) => r.clientId === 'demo-web')
    expect(web(after.Client!)).toEqual(web(before.Client!))
    // Same secret hashes: the secret rows are kept as they were.
    expect(after.ClientSecret).toEqual(before.ClientSecret)
  })

  it('replaces secret rows only when the set of secrets differs', async () => {
    await importConfiguration(demo(), { db: t.db })
    const file = demo()
    file.clients = file.clients!.map((c) => ((c as { clientId: string }).clientId === 'demo-machine' ? { ...(c as object), clientSecrets: ['rotated-secret'] } : c))
    expect((await importConfiguration(file, { db: t.db })).clients).toEqual({ created: 0, updated: 1, unchanged: 1 })
    expect((await findClient('demo-machine', t.db))!.secrets.map((s) => s.valueHash)).toEqual([hashHandle('rotated-secret')])
    expect((await findClient('demo-web', t.db))!.secrets.map((s) => s.valueHash)).toEqual([hashHandle('demo-web-secret')])
  })

  it('stores secrets and passwords only as hashes', async () => {
    await importConfiguration(demo(), { db: t.db })
    const rows = JSON.stringify(dump())
    const file = readFileSync(t.url.replace(/^file:/, ''))
    for (const plaintext of ['demo-api-secret', 'demo-machine-secret', 'demo-web-secret', 'alice-password', 'bob-password']) {
      expect(rows).not.toContain(plaintext)
      expect(file.includes(plaintext)).toBe(false)
    }
    expect(rows).toContain(hashHandle('demo-machine-secret'))
    expect(rows).toContain('$argon2id$v=19$m=19456,t=2,p=1$')
  })

  it('writes nothing when the last user of the file is invalid', async () => {
    const file = demo()
    file.users = [...file.users!, { username: 'carol', password: 'short' }]
    const error = await rejection(importConfiguration(file, { db: t.db }))
    expect(error.issues).toEqual(['users[2] ("carol").password: must be at least 8 characters long'])
    const rows = dump()
    for (const table of Object.values(rows)) expect(table).toEqual([])
  })

  it('takes back everything already written when a user conflicts with the database', async () => {
    await importConfiguration({ users: [{ username: 'bob', password: 'bob-password', subjectId: 'bob-sub' }] }, { db: t.db })
    const before = dump()
    const file = demo()
    // Everything else in the file is new; the last user claims bob's username with another sub.
    file.users = [{ username: 'bob', password: 'bob-password', subjectId: 'another-sub' }]
    const error = await rejection(importConfiguration(file, { db: t.db }))
    expect(error.issues).toEqual(['users[0] ("bob").subjectId: the username "bob" already belongs to subject "bob-sub"; a user\'s subjectId never changes'])
    expect(dump()).toEqual(before)
    expect(await findClient('demo-web', t.db)).toBeNull()
  })

  it('refuses a client scope that is neither in the file nor in the database, and writes nothing', async () => {
    const error = await rejection(
      importConfiguration({ clients: [{ clientId: 'c', clientSecrets: ['s'], allowedGrantTypes: ['client_credentials'], allowedScopes: ['api1'] }] }, { db: t.db }),
    )
    expect(error.issues).toEqual(['clients[0] ("c").allowedScopes[0]: "api1" is not a defined scope (no identity resource or API scope has that name)'])
    expect(dump().IdentityResource).toEqual([])
  })

  it('accepts scopes already in the database, and leaves entities absent from the file alone', async () => {
    await importConfiguration(demo(), { db: t.db })
    const summary = await importConfiguration(
      { clients: [{ clientId: 'second', clientSecrets: ['s'], allowedGrantTypes: ['client_credentials'], allowedScopes: ['api1'] }] },
      { db: t.db },
    )
    expect(summary.clients).toEqual({ created: 1, updated: 0, unchanged: 0 })
    expect(summary.apiScopes).toEqual({ created: 0, updated: 0, unchanged: 0 })
    expect(await findClient('demo-web', t.db)).not.toBeNull()
    expect(dump().User).toHaveLength(2)
  })

  it('keeps the stored password hash while the password verifies, and rehashes a changed one', async () => {
    await importConfiguration(demo(), { db: t.db })
    const first = await findCredentials('alice', t.db)
    await importConfiguration(demo(), { db: t.db })
    expect((await findCredentials('alice', t.db))!.passwordHash).toBe(first!.passwordHash)

    const file = demo()
    file.users = [{ username: 'alice', password: 'a-new-password', claims: { name: 'Alice Smith' } }]
    const summary = await importConfiguration(file, { db: t.db })
    expect(summary.users).toEqual({ created: 0, updated: 1, unchanged: 0 })
    const after = await findCredentials('alice', t.db)
    expect(after!.subjectId).toBe(first!.subjectId)
    expect(await verifyPassword(after!.passwordHash, 'a-new-password')).toBe(true)
    expect(await verifyPassword(after!.passwordHash, 'alice-password')).toBe(false)
  })

  it('renames a user matched by subjectId, keeping the sub', async () => {
    await importConfiguration({ users: [{ username: 'carol', password: 'carol-password', subjectId: 'sub-carol' }] }, { db: t.db })
    const summary = await importConfiguration({ users: [{ username: 'caroline', password: 'carol-password', subjectId: 'sub-carol' }] }, { db: t.db })
    expect(summary.users).toEqual({ created: 0, updated: 1, unchanged: 0 })
    expect(await findCredentials('carol', t.db)).toBeNull()
    expect((await findCredentials('caroline', t.db))!.subjectId).toBe('sub-carol')
  })

  it('disabling a user ends what they hold, as disable-user does (not in a dry run, not when already disabled)', async () => {
    const dora = { username: 'dora', password: 'dora-password', subjectId: 'sub-dora' }
    await importConfiguration({ users: [dora] }, { db: t.db })
    await giveHoldings('sub-dora', ['web'], t.db)
    const held = await countHoldings('sub-dora', t.db)
    const audit = vi.fn<Audit>()

    await importConfiguration({ users: [{ ...dora, enabled: false }] }, { db: t.db, dryRun: true, audit })
    expect(await countHoldings('sub-dora', t.db)).toEqual(held)

    const summary = await importConfiguration({ users: [{ ...dora, enabled: false }] }, { db: t.db, audit })
    expect(summary.users).toEqual({ created: 0, updated: 1, unchanged: 0 })
    expect((await findCredentials('dora', t.db))!.enabled).toBe(false)
    expect(await countHoldings('sub-dora', t.db)).toEqual({ sessions: 0, families: 0, grants: 0, consents: 0 })
    expect(audit).toHaveBeenCalledWith('grant.revoked', { outcome: 'success', sub: 'sub-dora', reason: 'user_disabled', count: 2 })
    expect(audit).toHaveBeenCalledWith('session.ended', { outcome: 'success', sub: 'sub-dora', reason: 'user_disabled', count: 1 })

    // Changing a disabled user (or enabling one) takes nothing more and says nothing.
    audit.mockClear()
    await importConfiguration({ users: [{ ...dora, enabled: false, claims: { name: 'Dora' } }] }, { db: t.db, audit })
    await importConfiguration({ users: [dora] }, { db: t.db, audit })
    expect(audit).not.toHaveBeenCalled()
    expect((await findCredentials('dora', t.db))!.enabled).toBe(true)
  })

  it('in a dry run, counts what would change and writes nothing', async () => {
    const summary = await importConfiguration(demo(), { db: t.db, dryRun: true })
    expect(summary).toMatchObject({ dryRun: true, changed: true, configVersion: null, clients: { created: 2 }, users: { created: 2 } })
    for (const table of Object.values(dump())) expect(table).toEqual([])
    await importConfiguration(demo(), { db: t.db })
    const again = await importConfiguration(demo(), { db: t.db, dryRun: true })
    expect(again.changed).toBe(false)
    expect(again.users).toEqual({ created: 0, updated: 0, unchanged: 2 })
  })
})

describe('ensureBuiltInIdentityResources', () => {
  it('creates the built-ins once, and brings a changed one back', async () => {
    expect(await ensureBuiltInIdentityResources(t.db)).toEqual({ created: 6, updated: 0, unchanged: 0 })
    expect(await ensureBuiltInIdentityResources(t.db)).toEqual({ created: 0, updated: 0, unchanged: 6 })
    expect(await readConfigVersion(t.db)).toBe('1')
    await t.db.identityResource.update({ where: { name: 'email' }, data: { displayName: 'changed' } })
    expect(await ensureBuiltInIdentityResources(t.db)).toEqual({ created: 0, updated: 1, unchanged: 5 })
    const names = dump().IdentityResource!.map((r) => [r.name, r.displayName])
    expect(names).toContainEqual(['email', 'Your email address'])
    expect(names.map(([name]) => name)).toEqual(['openid', 'profile', 'email', 'address', 'phone', 'offline_access'])
  })
})
