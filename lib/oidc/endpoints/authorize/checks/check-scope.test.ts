import { beforeAll, describe, expect, it } from 'vitest'
import type { ClientConfig } from '../../../../config/model'
import { findClient } from '../../../../stores/clients'
import { useTestDb } from '../../../../test-support/use-test-db'
import { importFixture } from '../test-fixture'
import { checkScope } from './check-scope'
import { params } from './test-client'

const t = useTestDb()
let web: ClientConfig
let noOffline: ClientConfig
beforeAll(async () => {
  await importFixture(t.db)
  web = (await findClient('web', t.db))!
  noOffline = (await findClient('no-offline', t.db))!
})

const check = (scope: string | undefined, client: ClientConfig) => checkScope(params(scope === undefined ? {} : { scope }), client, t.db)

describe('checkScope', () => {
  it('grants identity and API scopes the client is allowed, in request order', async () => {
    expect(await check('api1 openid profile', web)).toEqual(['api1', 'openid', 'profile'])
  })

  it('allows a pure OAuth request without openid (API scopes only)', async () => {
    expect(await check('api1', web)).toEqual(['api1'])
  })

  it('keeps offline_access for a client with allowOfflineAccess', async () => {
    expect(await check('openid offline_access', web)).toEqual(['openid', 'offline_access'])
  })

  it.each([
    ['missing scope', undefined],
    ['a scope the client is not allowed', 'openid api2'],
    ['an unknown scope', 'openid nope'],
    ['a disabled scope', 'openid retired'],
    ['identity scopes without openid', 'profile api1'],
    ['offline_access alone', 'offline_access'],
    ['a malformed scope', 'openid  api1'],
    ['a repeated scope', 'openid openid'],
  ])('refuses %s (invalid_scope)', async (_name, scope) => {
    await expect(check(scope, web)).rejects.toMatchObject({ code: 'invalid_scope' })
  })

  it('refuses offline_access for a client without allowOfflineAccess (invalid_scope, not dropped)', async () => {
    await expect(check('openid offline_access', noOffline)).rejects.toMatchObject({ code: 'invalid_scope' })
  })
})
