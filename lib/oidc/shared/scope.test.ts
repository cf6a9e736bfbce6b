import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClientConfig } from '../../config/model'
import { importConfiguration } from '../../config/import'
import { findClient } from '../../stores/clients'
import { createTestDb, type TestDb } from '../../test-support/test-db'
import type { OAuthError } from '../errors'
import { parseScope, validateScopes } from './scope'

describe('parseScope (RFC 6749 §3.3)', () => {
  it('splits on single spaces, keeping the order', () => {
    expect(parseScope('b a c')).toEqual(['b', 'a', 'c'])
    expect(parseScope('https://api.example/read urn:x:y!#$%&()*+,-./;<=>?@[]^_`{|}~')).toEqual(['https://api.example/read', 'urn:x:y!#$%&()*+,-./;<=>?@[]^_`{|}~'])
  })

  it('absent stays absent', () => {
    expect(parseScope(undefined)).toBeUndefined()
  })

  it.each([
    ['a repeated scope', 'a b a'],
    ['two spaces', 'a  b'],
    ['a leading space', ' a'],
    ['a trailing space', 'a '],
    ['a tab', 'a\tb'],
    ['a double quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['non-ASCII', 'café'],
    ['a control character', 'a\u0000'],
    ['an empty value', ''],
  ])('refuses %s with invalid_scope', (_, value) => {
    expect(() => parseScope(value)).toThrow(expect.objectContaining({ code: 'invalid_scope' }))
  })
})

describe('validateScopes', () => {
  let test: TestDb
  let machine: ClientConfig
  let identityOnly: ClientConfig

  beforeAll(async () => {
    test = await createTestDb()
    await importConfiguration(
      {
        apiScopes: [
          { name: 'orders.read', displayName: 'Read orders', description: 'd' },
          { name: 'orders.write', displayName: 'Write orders', description: 'd' },
          { name: 'shared', displayName: 'Shared', description: 'Used by two APIs.' },
          { name: 'no.api', displayName: 'No API', description: 'No ApiResource lists it.' },
          { name: 'old', displayName: 'Old', description: 'Disabled.', enabled: false },
          { name: 'other', displayName: 'Other', description: 'Not allowed for the client.' },
        ],
        apiResources: [
          { name: 'orders-api', displayName: 'Orders', scopes: ['orders.read', 'orders.write', 'shared'] },
          { name: 'billing-api', displayName: 'Billing', scopes: ['shared'] },
          { name: 'retired-api', displayName: 'Retired', scopes: ['orders.read'], enabled: false },
        ],
        clients: [
          {
            clientId: 'machine',
            clientSecrets: ['s'],
            allowedGrantTypes: ['client_credentials'],
            allowedScopes: ['openid', 'orders.read', 'orders.write', 'shared', 'no.api', 'old', 'profile'],
          },
          { clientId: 'identity-only', clientSecrets: ['s'], allowedGrantTypes: ['client_credentials'], allowedScopes: ['openid', 'profile'] },
        ],
      },
      { db: test.db },
    )
    machine = (await findClient('machine', test.db))!
    identityOnly = (await findClient('identity-only', test.db))!
  })
  afterAll(() => test.dispose())

  const noIdentity = { identityScopes: false }
  const rejected = (promise: Promise<unknown>) =>
    promise.then(
      () => 'granted',
      (e: OAuthError) => e.code,
    )

  it('grants requested API scopes with the APIs behind them as audiences', async () => {
    const granted = await validateScopes(['orders.write', 'orders.read'], machine, noIdentity, test.db)
    expect(granted.scopes).toEqual(['orders.write', 'orders.read'])
    expect(granted.apiScopes).toEqual(['orders.write', 'orders.read'])
    expect(granted.identityScopes).toEqual([])
    // retired-api is disabled, so it is no audience.
    expect(granted.audiences).toEqual(['orders-api'])
    expect(granted.resources.map((r) => r.name)).toEqual(['orders-api'])
  })

  it('a scope served by two APIs has both as audiences', async () => {
    const granted = await validateScopes(['shared'], machine, noIdentity, test.db)
    expect([...granted.audiences].sort()).toEqual(['billing-api', 'orders-api'])
  })

  it('an API scope without an ApiResource has no audience', async () => {
    expect((await validateScopes(['no.api'], machine, noIdentity, test.db)).audiences).toEqual([])
  })

  it('without identity scopes (client_credentials), openid and profile are invalid_scope', async () => {
    expect(await rejected(validateScopes(['openid'], machine, noIdentity, test.db))).toBe('invalid_scope')
    expect(await rejected(validateScopes(['orders.read', 'profile'], machine, noIdentity, test.db))).toBe('invalid_scope')
  })

  it('with identity scopes allowed, they are granted apart from API scopes', async () => {
    const granted = await validateScopes(['openid', 'orders.read'], machine, { identityScopes: true }, test.db)
    expect(granted.identityScopes).toEqual(['openid'])
    expect(granted.apiScopes).toEqual(['orders.read'])
    expect(granted.audiences).toEqual(['orders-api'])
  })

  it('an unknown scope, a disabled scope and a scope the client may not use are invalid_scope', async () => {
    expect(await rejected(validateScopes(['nope'], machine, noIdentity, test.db))).toBe('invalid_scope')
    expect(await rejected(validateScopes(['old'], machine, noIdentity, test.db))).toBe('invalid_scope')
    expect(await rejected(validateScopes(['other'], machine, noIdentity, test.db))).toBe('invalid_scope')
  })

  it('no scope requested: every allowed, enabled API scope (identity scopes left out for client_credentials)', async () => {
    const granted = await validateScopes(undefined, machine, noIdentity, test.db)
    expect(granted.scopes).toEqual(['orders.read', 'orders.write', 'shared', 'no.api'])
    const withIdentity = await validateScopes(undefined, machine, { identityScopes: true }, test.db)
    expect(withIdentity.scopes).toEqual(['openid', 'orders.read', 'orders.write', 'shared', 'no.api', 'profile'])
  })

  it('no scope requested and none usable: invalid_scope', async () => {
    expect(await rejected(validateScopes(undefined, identityOnly, noIdentity, test.db))).toBe('invalid_scope')
  })
})
