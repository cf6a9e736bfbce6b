import { describe, expect, it } from 'vitest'
import { BUILT_IN_IDENTITY_RESOURCES } from '../../config/built-in-resources'
import type { ApiScopeConfig } from '../../config/model'
import { describeScopes, scopesToGrant, type ScopeCatalog } from './consent'

const apiScopes: ApiScopeConfig[] = [
  { name: 'api1', displayName: 'Demo API', description: 'Read and write your demo data.', enabled: true, required: false, emphasize: false, userClaims: [] },
  { name: 'audit', displayName: null, description: null, enabled: true, required: true, emphasize: false, userClaims: [] },
]
const catalog: ScopeCatalog = {
  identityResourceByName: (n) => BUILT_IN_IDENTITY_RESOURCES.find((r) => r.name === n),
  apiScopeByName: (n) => apiScopes.find((s) => s.name === n),
}

describe('consent view', () => {
  it('lists identity and API scopes with display names, and calls out offline access', () => {
    const view = describeScopes(['openid', 'profile', 'api1', 'offline_access'], catalog)
    expect(view.identity.map((s) => [s.name, s.displayName, s.required])).toEqual([
      ['openid', 'Your user identifier', true],
      ['profile', 'Your profile', false],
    ])
    expect(view.api).toEqual([{ name: 'api1', displayName: 'Demo API', description: 'Read and write your demo data.', required: false, emphasize: false }])
    expect(view.offlineAccess?.displayName).toBe('Offline access')
    expect(view.offlineAccess?.description).toMatch(/when you are not there/)
  })

  it('has no offline access section when it was not asked for, and names unlabelled scopes by name', () => {
    const view = describeScopes(['openid', 'audit', 'mystery'], catalog)
    expect(view.offlineAccess).toBeUndefined()
    expect(view.api.map((s) => [s.displayName, s.required])).toEqual([
      ['audit', true],
      ['mystery', false],
    ])
  })
})

describe('scopes to grant', () => {
  const requested = ['openid', 'profile', 'email', 'api1', 'audit', 'offline_access']
  const view = describeScopes(requested, catalog)

  it('grants the ticked and the required scopes, in request order', () => {
    expect(scopesToGrant(requested, ['api1', 'profile'], view)).toEqual(['openid', 'profile', 'api1', 'audit'])
    expect(scopesToGrant(requested, requested, view)).toEqual(requested)
  })

  it('never grants what was not requested', () => {
    expect(scopesToGrant(['openid', 'api1'], ['api1', 'admin', 'email'], describeScopes(['openid', 'api1'], catalog))).toEqual(['openid', 'api1'])
  })

  it('grants nothing when nothing is ticked and nothing is required', () => {
    expect(scopesToGrant(['api1'], [], describeScopes(['api1'], catalog))).toEqual([])
  })
})
