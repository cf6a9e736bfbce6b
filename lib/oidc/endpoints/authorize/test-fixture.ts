// The configuration the authorize and code-exchange unit tests run against, imported into a
// real test database through the same path an operator uses (importConfiguration).
import { importConfiguration } from '../../../config/import'
import type { Db } from '../../../db/client'

export const FIXTURE = {
  apiScopes: [
    { name: 'api1', displayName: 'API 1', description: 'Use API 1.', userClaims: ['email'] },
    { name: 'api2', displayName: 'API 2', description: 'Use API 2.' },
    { name: 'retired', displayName: 'Retired', description: 'Gone.', enabled: false },
  ],
  apiResources: [{ name: 'urn:api', displayName: 'The API', scopes: ['api1', 'api2'], userClaims: ['name'] }],
  clients: [
    {
      clientId: 'web',
      clientName: 'Web app',
      clientSecrets: ['web-secret'],
      allowedGrantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://web.example/cb'],
      allowedScopes: ['openid', 'profile', 'email', 'api1', 'retired'],
      allowOfflineAccess: true,
    },
    {
      clientId: 'no-offline',
      clientSecrets: ['no-offline-secret'],
      allowedGrantTypes: ['authorization_code'],
      redirectUris: ['https://no-offline.example/cb'],
      allowedScopes: ['openid', 'profile', 'api1'],
    },
    {
      clientId: 'consent',
      clientName: 'Asks first',
      clientSecrets: ['consent-secret'],
      allowedGrantTypes: ['authorization_code'],
      redirectUris: ['https://consent.example/cb'],
      allowedScopes: ['openid', 'profile', 'api1'],
      requireConsent: true,
    },
    {
      clientId: 'spa',
      requireClientSecret: false,
      allowedGrantTypes: ['authorization_code'],
      redirectUris: ['https://spa.example/cb'],
      allowedScopes: ['openid', 'profile', 'api1'],
      allowedIdentityTokenSigningAlgorithms: ['ES256'],
      alwaysIncludeUserClaimsInIdToken: true,
    },
  ],
  users: [
    { username: 'alice', subjectId: 'alice-sub', password: 'alice-password', claims: { name: 'Alice Smith', email: 'alice@example.test', email_verified: true } },
    { username: 'bob', subjectId: 'bob-sub', password: 'bob-password', claims: { name: 'Bob' }, enabled: false },
  ],
}

export async function importFixture(database: Db): Promise<void> {
  await importConfiguration(FIXTURE, { db: database })
}
