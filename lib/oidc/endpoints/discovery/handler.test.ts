import { describe, expect, it } from 'vitest'
import { BUILT_IN_IDENTITY_RESOURCES } from '../../../config/built-in-resources'
import type { ApiScopeConfig, IdentityResourceConfig } from '../../../config/model'
import { createDiscoveryEndpoint, discoveryMethodNotAllowed } from './handler'

const ISSUER = 'https://id.example.test'
const scope = (name: string, enabled = true): ApiScopeConfig => ({ name, displayName: null, description: null, enabled, required: false, emphasize: false, userClaims: [] })
const identity = (name: string, userClaims: string[], extra: Partial<IdentityResourceConfig> = {}): IdentityResourceConfig => ({
  name,
  displayName: null,
  description: null,
  enabled: true,
  required: false,
  emphasize: false,
  showInDiscoveryDocument: true,
  userClaims,
  ...extra,
})

const endpoint = createDiscoveryEndpoint(async () => ({
  issuer: ISSUER,
  apiScopes: [scope('orders.read'), scope('orders.write'), scope('retired', false)],
  identityResources: [
    identity('openid', ['sub']),
    identity('profile', ['name', 'given_name']),
    identity('email', ['email', 'email_verified']),
    identity('internal', ['secret_claim'], { showInDiscoveryDocument: false }),
    identity('old', ['old_claim'], { enabled: false }),
  ],
}))

const get = () => endpoint(new Request(`${ISSUER}/.well-known/openid-configuration`))

describe('discovery endpoint', () => {
  it('answers JSON with a public cache and open CORS', async () => {
    const response = await get()
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('describes the issuer, its keys and token endpoint, from the settings issuer', async () => {
    const doc = await (await get()).json()
    expect(doc).toMatchObject({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/openid-configuration/jwks`,
      token_endpoint: `${ISSUER}/connect/token`,
      grant_types_supported: expect.arrayContaining(['authorization_code', 'client_credentials']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      response_types_supported: expect.any(Array),
    })
    // Every advertised endpoint is on this issuer.
    for (const [name, value] of Object.entries(doc)) if (name.endsWith('_endpoint') || name === 'jwks_uri') expect(value).toMatch(new RegExp(`^${ISSUER}/`))
  })

  it('lists shown, enabled identity resources and enabled API scopes, and their claims with sub', async () => {
    const doc = await (await get()).json()
    expect(doc.scopes_supported).toEqual(['openid', 'profile', 'email', 'orders.read', 'orders.write'])
    expect(doc.claims_supported).toEqual(['sub', 'name', 'given_name', 'email', 'email_verified'])
  })

  it('includes the built-in identity resources (offline_access among them)', async () => {
    const doc = await (await createDiscoveryEndpoint(async () => ({ issuer: ISSUER, apiScopes: [], identityResources: BUILT_IN_IDENTITY_RESOURCES }))(new Request(ISSUER))).json()
    expect(doc.scopes_supported).toEqual(['openid', 'profile', 'email', 'address', 'phone', 'offline_access'])
    expect(doc.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'address', 'phone_number', 'updated_at']))
  })

  it('answers a server_error, not a stack trace, when the catalog cannot be read', async () => {
    const failing = createDiscoveryEndpoint(async () => {
      throw new Error('database is locked')
    })
    const response = await failing(new Request(ISSUER))
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: 'server_error' })
  })

  it('serializes once per catalog, and a changed catalog changes the document', async () => {
    let input = { issuer: ISSUER, apiScopes: [scope('a')], identityResources: [identity('openid', ['sub'])] }
    const served = createDiscoveryEndpoint(async () => input)
    const scopes = async () => ((await (await served(new Request(ISSUER))).json()) as { scopes_supported: string[] }).scopes_supported
    expect(await scopes()).toEqual(['openid', 'a'])
    expect(await scopes()).toEqual(['openid', 'a'])
    input = { ...input, apiScopes: [scope('a'), scope('b')] } // an import: new catalog arrays
    expect(await scopes()).toEqual(['openid', 'a', 'b'])
    input = { ...input, issuer: 'https://other.example.test' }
    expect(((await (await served(new Request(ISSUER))).json()) as { issuer: string }).issuer).toBe('https://other.example.test')
  })

  it('refuses other methods with 405 and Allow', async () => {
    const response = await discoveryMethodNotAllowed(new Request(ISSUER, { method: 'POST' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
  })
})
