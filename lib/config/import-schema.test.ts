import { describe, expect, it } from 'vitest'
import { testClientRecord } from '../test-support/clients'
import { hashHandle } from '../tokens/handles'
import { parseImportFile, referenceIssues, type ImportFile } from './import-schema'

const machine = { clientId: 'machine', clientSecrets: ['s3cret'], allowedGrantTypes: ['client_credentials'], allowedScopes: ['api1'] }
const web = {
  clientId: 'web-app',
  clientSecrets: ['web-secret'],
  allowedGrantTypes: ['authorization_code'],
  redirectUris: ['https://app.example.com/callback'],
  allowedScopes: ['openid', 'api1'],
}
const api1 = { name: 'api1', displayName: 'API 1', description: 'The first API' }

function parse(file: unknown): ImportFile {
  const result = parseImportFile(file)
  if (!result.ok) throw new Error(result.issues.join('\n'))
  return result.data
}

/** The messages for a file that must be invalid. */
function issues(file: unknown): string[] {
  const result = parseImportFile(file)
  if (result.ok) throw new Error('expected the file to be invalid')
  return result.issues
}

describe('import schema: defaults', () => {
  it('fills in Duende defaults, except refreshTokenUsage which defaults to OneTimeOnly', () => {
    const [client] = parse({ clients: [machine] }).clients
    // testClientRecord holds the defaults every unit test builds on; the file's own fields aside,
    // an import gives the same (and no name, a required secret, no redirect URIs).
    const { clientId: _clientId, secrets: _secrets, allowedGrantTypes: _grantTypes, allowedScopes: _scopes, ...defaults } = testClientRecord('machine')
    expect(client).toMatchObject({ ...defaults, clientName: null, requireClientSecret: true, redirectUris: [] })
    expect(defaults).toMatchObject({ refreshTokenUsage: 'OneTimeOnly', refreshTokenExpiration: 'Absolute', accessTokenType: 'Jwt', requirePkce: true })
  })

  it('treats a missing list as empty', () => {
    expect(parse({})).toMatchObject({ clients: [], apiScopes: [], apiResources: [], identityResources: [], users: [] })
  })

  it('defaults scopes, resources and users to enabled', () => {
    const file = parse({
      apiScopes: [api1],
      apiResources: [{ name: 'urn:api', displayName: 'API', scopes: ['api1'] }],
      identityResources: [{ name: 'roles', displayName: 'Roles', description: 'Your roles', userClaims: ['role'] }],
      users: [{ username: 'alice', password: 'alice-password' }],
    })
    expect(file.apiScopes[0]).toMatchObject({ enabled: true, required: false, emphasize: false, userClaims: [] })
    expect(file.apiResources[0]).toMatchObject({ enabled: true, description: null, secrets: [], allowedAccessTokenSigningAlgorithms: [] })
    expect(file.identityResources[0]).toMatchObject({ enabled: true, showInDiscoveryDocument: true, required: false })
    expect(file.users[0]).toMatchObject({ enabled: true, claims: {} })
    expect(file.users[0]!.subjectId).toBeUndefined()
  })

  it('keeps secrets only as base64url(SHA-256(value)), in both shapes', () => {
    const [client] = parse({ clients: [{ ...machine, clientSecrets: ['one', { value: 'two', description: 'rotated', expiration: '2027-01-31' }] }] }).clients
    expect(client!.clientSecrets).toEqual([
      { valueHash: hashHandle('one'), description: null, expiration: null },
      { valueHash: hashHandle('two'), description: 'rotated', expiration: new Date('2027-01-31T00:00:00Z') },
    ])
    expect(JSON.stringify(client)).not.toContain('"one"')
  })

  it('adds offline_access to allowedScopes when allowOfflineAccess is true', () => {
    const [client] = parse({ clients: [{ ...web, allowedGrantTypes: ['authorization_code', 'refresh_token'], allowOfflineAccess: true }] }).clients
    expect(client!.allowedScopes).toEqual(['openid', 'api1', 'offline_access'])
  })
})

describe('import schema: messages name the entry and the field', () => {
  it('redirect URI with a fragment', () => {
    expect(issues({ clients: [machine, { ...web, redirectUris: ['https://app.example.com/cb#x'] }] })).toEqual([
      'clients[1] ("web-app").redirectUris[0]: must be an absolute URL without a fragment',
    ])
  })

  it('relative or javascript: redirect URIs', () => {
    expect(issues({ clients: [{ ...web, redirectUris: ['/callback', 'javascript:alert(1)'] }] })).toEqual([
      'clients[0] ("web-app").redirectUris[0]: must be an absolute URL without a fragment',
      'clients[0] ("web-app").redirectUris[1]: must use https, http, or a private-use scheme such as com.example.app: (RFC 8252 §7.1)',
    ])
  })

  it('accepts http, https and reverse-domain native schemes', () => {
    const uris = ['http://127.0.0.1:8080/cb', 'https://app.example.com/cb?x=1', 'com.example.app:/oauth2redirect']
    expect(parse({ clients: [{ ...web, redirectUris: uris }] }).clients[0]!.redirectUris).toEqual(uris)
  })

  it('CORS origins with a path', () => {
    expect(issues({ clients: [{ ...web, allowedCorsOrigins: ['https://app.example.com/'] }] })[0]).toMatch(/^clients\[0\] \("web-app"\)\.allowedCorsOrigins\[0\]: must be an origin/)
  })

  it('unknown keys, with a suggestion', () => {
    expect(issues({ clients: [{ ...web, redirectUri: 'x' }], client: [] })).toEqual([
      'clients[0] ("web-app"): unknown key "redirectUri" (did you mean "redirectUris"?)',
      '(file): unknown key "client" (did you mean "clients"?)',
    ])
    expect(issues({ clients: [{ ...machine, clientSecrets: [{ value: 'x', expires: '2027-01-01' }] }] })).toEqual([
      'clients[0] ("machine").clientSecrets[0]: unknown key "expires"',
    ])
  })

  it('a missing required field and a wrong type', () => {
    expect(issues({ clients: [{ clientId: 'c', clientSecrets: ['s'] }, { ...machine, clientId: 'd', requirePkce: 'yes' }] })).toEqual([
      'clients[0] ("c").allowedGrantTypes: is required',
      'clients[1] ("d").requirePkce: must be true or false',
    ])
  })

  it('an unknown grant type or enum value', () => {
    expect(issues({ clients: [{ ...machine, allowedGrantTypes: ['password'], accessTokenType: 'jwt' }] })).toEqual([
      'clients[0] ("machine").allowedGrantTypes[0]: must be one of "authorization_code", "client_credentials", "refresh_token"',
      'clients[0] ("machine").accessTokenType: must be one of "Jwt", "Reference"',
    ])
  })

  it('a lifetime that is not a positive whole number', () => {
    expect(issues({ clients: [{ ...machine, accessTokenLifetime: 1.5, identityTokenLifetime: 0 }] })).toEqual([
      'clients[0] ("machine").identityTokenLifetime: must be greater than 0',
      'clients[0] ("machine").accessTokenLifetime: must be a whole number',
    ])
  })

  it('requireClientSecret without a secret', () => {
    expect(issues({ clients: [{ ...machine, clientSecrets: [] }] })).toEqual([
      'clients[0] ("machine").clientSecrets: needs at least one secret while requireClientSecret is true (set requireClientSecret: false for a public client)',
    ])
  })

  it('authorization_code without a redirect URI', () => {
    expect(issues({ clients: [{ ...web, redirectUris: [] }] })).toEqual([
      'clients[0] ("web-app").redirectUris: needs at least one redirect URI for the authorization_code grant',
    ])
  })

  it('offline_access without allowOfflineAccess', () => {
    expect(issues({ clients: [{ ...web, allowedScopes: ['openid', 'offline_access'] }] })).toEqual([
      'clients[0] ("web-app").allowedScopes[1]: "offline_access" needs allowOfflineAccess: true',
    ])
  })

  it('refresh_token and allowOfflineAccess must agree', () => {
    expect(issues({ clients: [{ ...web, allowedGrantTypes: ['authorization_code', 'refresh_token'] }] })).toEqual([
      'clients[0] ("web-app").allowOfflineAccess: must be true when allowedGrantTypes lists "refresh_token"',
    ])
    expect(issues({ clients: [{ ...web, allowOfflineAccess: true }] })).toEqual([
      'clients[0] ("web-app").allowedGrantTypes: must list "refresh_token" when allowOfflineAccess is true',
    ])
  })

  it('client_credentials for a public client', () => {
    expect(issues({ clients: [{ ...machine, clientSecrets: [], requireClientSecret: false }] })).toEqual([
      'clients[0] ("machine").requireClientSecret: must be true for the client_credentials grant (RFC 6749 §4.4: confidential clients only)',
    ])
  })

  it('duplicates within the file and within a list', () => {
    expect(issues({ clients: [machine, machine], apiScopes: [{ ...api1, userClaims: ['email', 'email'] }] })).toEqual([
      'apiScopes[0] ("api1").userClaims[1]: lists "email" twice',
      'clients[1] ("machine").clientId: "machine" is already used by clients[0]',
    ])
  })

  it('redefining a built-in identity resource, or reusing its name for an API scope', () => {
    expect(
      issues({
        identityResources: [{ name: 'profile', displayName: 'P', description: 'D', userClaims: ['name'] }],
        apiScopes: [{ ...api1, name: 'email' }],
      }),
    ).toEqual([
      'identityResources[0] ("profile").name: "profile" is built in and cannot be redefined',
      'apiScopes[0] ("email").name: "email" is already the name of an identity resource',
    ])
  })

  it('user fields and claims', () => {
    expect(
      issues({
        users: [
          { username: 'alice', password: 'short' },
          { username: 'bob', password: 'bob-password', claims: { sub: 'x', email: 'not-an-email', email_verified: 'yes', address: { street: 'Main St' } } },
        ],
      }),
    ).toEqual([
      'users[0] ("alice").password: must be at least 8 characters long',
      'users[1] ("bob").claims.email: must be an email address',
      'users[1] ("bob").claims.email_verified: must be true or false',
      'users[1] ("bob").claims.address: unknown key "street"',
    ])
    expect(issues({ users: [{ username: 'bob', password: 'bob-password', claims: { sub: 'x' } }] })).toEqual([
      'users[0] ("bob").claims.sub: is set by the server (use subjectId); it cannot be a user claim',
    ])
  })

  it('a file that is not an object', () => {
    expect(issues([])).toEqual(['(file): must be an object'])
  })
})

describe('reference checks (scopes and claim types must be defined)', () => {
  const none = { apiScopes: new Set<string>(), identityResources: new Set<string>(), claimTypes: new Set<string>() }

  it('accepts scopes defined in the file, built in, or already in the database', () => {
    const file = parse({ apiScopes: [api1], clients: [{ ...web, allowedScopes: ['openid', 'api1', 'api2'] }] })
    expect(referenceIssues(file, { ...none, apiScopes: new Set(['api2']) })).toEqual([])
  })

  it('names the client scope, resource scope and user claim that are not defined', () => {
    const file = parse({
      apiResources: [{ name: 'urn:api', displayName: 'API', scopes: ['api9'] }],
      clients: [{ ...machine, allowedScopes: ['nope'] }],
      users: [{ username: 'alice', password: 'alice-password', claims: { shoe_size: 42 } }],
    })
    expect(referenceIssues(file, none)).toEqual([
      { path: ['apiResources', 0, 'scopes', 0], message: '"api9" is not a defined API scope' },
      { path: ['clients', 0, 'allowedScopes', 0], message: '"nope" is not a defined scope (no identity resource or API scope has that name)' },
      { path: ['users', 0, 'claims', 'shoe_size'], message: 'is neither a standard OpenID Connect claim nor declared in the userClaims of a resource or scope' },
    ])
    expect(referenceIssues(file, { ...none, apiScopes: new Set(['api9', 'nope']), claimTypes: new Set(['shoe_size']) })).toEqual([])
  })
})
