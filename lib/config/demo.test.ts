import { describe, expect, it } from 'vitest'
import { findClient, listClients } from '../stores/clients'
import { findUserByUsername } from '../stores/users'
import { useTestDb } from '../test-support/use-test-db'
import { demoConfigurationFor, seedDemoIfEmpty } from './demo'
import { parseImportFile } from './import-schema'
import exampleConfiguration from './example-config.json'

const t = useTestDb()

const settings = { seedDemo: true, issuer: 'https://id.example.test' }

describe('demo data', () => {
  it('does nothing when SEED_DEMO is off', async () => {
    expect(await seedDemoIfEmpty({ ...settings, seedDemo: false }, t.db)).toBeNull()
    expect(await listClients(t.db)).toEqual([])
  })

  it('imports the demo configuration into an empty database, with the issuer filled in', async () => {
    const summary = await seedDemoIfEmpty(settings, t.db)
    expect(summary?.clients.created).toBe(2)
    expect((await findClient('demo-web', t.db))!.redirectUris).toEqual(['https://id.example.test/demo/callback'])
    expect((await findClient('demo-web', t.db))!.postLogoutRedirectUris).toEqual(['https://id.example.test/demo'])
    expect((await findClient('demo-machine', t.db))!.allowedGrantTypes).toEqual(['client_credentials'])
    expect((await findUserByUsername('alice', t.db))!.claims).toMatchObject({ name: 'Alice Smith', email: 'alice@example.com', email_verified: true })
    expect(await findUserByUsername('bob', t.db)).not.toBeNull()
  })

  it('does nothing once any client exists', async () => {
    expect(await seedDemoIfEmpty(settings, t.db)).toBeNull()
  })

  it('ships files that validate', () => {
    expect(parseImportFile(demoConfigurationFor('http://localhost:3000'))).toMatchObject({ ok: true })
    expect(parseImportFile(exampleConfiguration)).toMatchObject({ ok: true })
  })
})
