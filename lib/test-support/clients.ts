// A complete client row for unit tests that need one in a real test database
// (`upsertClient(testDb.db, testClientRecord('rp', {...}), true)`). Defaults are Duende's.
import type { ClientRecord } from '../stores/clients'

export function testClientRecord(clientId: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId,
    clientName: `${clientId} app`,
    enabled: true,
    secrets: [],
    requireClientSecret: false,
    allowedGrantTypes: ['authorization_code'],
    redirectUris: [`https://${clientId}.example/callback`],
    postLogoutRedirectUris: [],
    allowedScopes: ['openid'],
    allowedCorsOrigins: [],
    requirePkce: true,
    allowPlainTextPkce: false,
    requireConsent: false,
    allowRememberConsent: true,
    allowOfflineAccess: false,
    alwaysIncludeUserClaimsInIdToken: false,
    accessTokenType: 'Jwt',
    identityTokenLifetime: 300,
    accessTokenLifetime: 3600,
    authorizationCodeLifetime: 300,
    refreshTokenUsage: 'OneTimeOnly',
    refreshTokenExpiration: 'Absolute',
    absoluteRefreshTokenLifetime: 2_592_000,
    slidingRefreshTokenLifetime: 1_296_000,
    updateAccessTokenClaimsOnRefresh: false,
    allowedIdentityTokenSigningAlgorithms: [],
    ...overrides,
  }
}
