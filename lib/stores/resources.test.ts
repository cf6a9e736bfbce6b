import { beforeAll, describe, expect, it } from 'vitest'
import { importConfiguration } from '../config/import'
import { useTestDb } from '../test-support/use-test-db'
import { hashHandle } from '../tokens/handles'
import { apiScopeByName, findApiResource, identityResourceByName, loadResourceCatalog, resourcesForScopes } from './resources'

const t = useTestDb()
beforeAll(async () => {
  await importConfiguration(
    {
      apiScopes: [
        { name: 'orders.read', displayName: 'Read orders', description: 'Read orders' },
        { name: 'orders.write', displayName: 'Write orders', description: 'Write orders' },
        { name: 'stock', displayName: 'Stock', description: 'Stock levels' },
        { name: 'old', displayName: 'Old', description: 'Retired', enabled: false },
      ],
      apiResources: [
        { name: 'urn:orders', displayName: 'Orders', scopes: ['orders.read', 'orders.write'], secrets: ['orders-secret'], allowedAccessTokenSigningAlgorithms: ['ES256'] },
        { name: 'urn:warehouse', displayName: 'Warehouse', scopes: ['orders.read', 'stock'] },
        { name: 'urn:legacy', displayName: 'Legacy', scopes: ['stock'], enabled: false },
      ],
      identityResources: [{ name: 'roles', displayName: 'Your roles', description: 'The roles you hold', userClaims: ['role'] }],
    },
    { db: t.db },
  )
})

describe('resource catalog', () => {
  it('holds the enabled scopes and resources, built-ins included', async () => {
    const catalog = await loadResourceCatalog(t.db)
    expect(catalog.apiScopes.map((s) => s.name)).toEqual(['orders.read', 'orders.write', 'stock'])
    expect(catalog.apiResources.map((r) => r.name)).toEqual(['urn:orders', 'urn:warehouse'])
    expect(catalog.identityResources.map((r) => r.name)).toEqual(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'roles'])
    expect(Object.isFrozen(catalog.apiScopes[0])).toBe(true)
  })

  it('finds the audiences of scopes: every enabled resource that accepts any of them', async () => {
    expect((await resourcesForScopes(['orders.read'], t.db)).map((r) => r.name)).toEqual(['urn:orders', 'urn:warehouse'])
    expect((await resourcesForScopes(['stock'], t.db)).map((r) => r.name)).toEqual(['urn:warehouse'])
    expect(await resourcesForScopes(['openid'], t.db)).toEqual([])
  })

  it('finds one resource with its secret hashes, and scopes by name', async () => {
    expect(await findApiResource('urn:orders', t.db)).toMatchObject({
      scopes: ['orders.read', 'orders.write'],
      secrets: [{ valueHash: hashHandle('orders-secret'), expiration: null }],
      allowedAccessTokenSigningAlgorithms: ['ES256'],
    })
    expect(await findApiResource('urn:legacy', t.db)).toBeUndefined()
    expect(await apiScopeByName('stock', t.db)).toMatchObject({ displayName: 'Stock' })
    expect(await apiScopeByName('old', t.db)).toBeUndefined()
    expect(await identityResourceByName('email', t.db)).toMatchObject({ userClaims: ['email', 'email_verified'] })
    expect(await identityResourceByName('roles', t.db)).toMatchObject({ displayName: 'Your roles', userClaims: ['role'] })
  })
})
