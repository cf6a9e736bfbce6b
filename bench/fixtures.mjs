// One description of the benchmark's clients, APIs and users, turned into configuration for
// both servers, so both do the same work.
export const BENCH = {
  scope: 'api1',
  clients: [
    { clientId: 'bench-es256', secret: 'bench-es256-secret', resource: 'urn:bench:es256', accessTokenType: 'Jwt' },
    { clientId: 'bench-rs256', secret: 'bench-rs256-secret', resource: 'urn:bench:rs256', accessTokenType: 'Jwt' },
    { clientId: 'bench-reference', secret: 'bench-reference-secret', resource: 'urn:bench:opaque', accessTokenType: 'Reference' },
  ],
  resources: [
    { name: 'urn:bench:es256', secret: 'bench-api-secret', format: 'jwt', alg: 'ES256' },
    { name: 'urn:bench:rs256', secret: 'bench-api-secret', format: 'jwt', alg: 'RS256' },
    { name: 'urn:bench:opaque', secret: 'bench-api-secret', format: 'opaque', alg: 'RS256' },
  ],
  /**
   * Clients of the user flows (authorization code + PKCE S256, refresh with rotation):
   * - bench-web: JWT ES256 access token for urn:bench:es256, ES256 identity token, refresh token;
   * - bench-web-ref: an opaque (reference) access token for userinfo only (no API).
   */
  interactive: [
    { clientId: 'bench-web', secret: 'bench-web-secret', redirectUri: 'http://127.0.0.1:9/cb', resource: 'urn:bench:es256', offline: true, accessTokenType: 'Jwt' },
    { clientId: 'bench-web-ref', secret: 'bench-web-ref-secret', redirectUri: 'http://127.0.0.1:9/cb', resource: undefined, offline: false, accessTokenType: 'Reference' },
  ],
  /** Several users, so that parallel sign-ins never meet the per-account throttle. */
  users: Array.from({ length: 8 }, (_, i) => ({
    username: `bench-user-${i + 1}`,
    password: `bench-password-${i + 1}`,
    subjectId: `bench-sub-${i + 1}`,
    claims: { name: `Bench User ${i + 1}`, email: `bench-user-${i + 1}@example.test`, email_verified: true },
  })),
  /** The user scopes both servers grant the interactive clients. */
  userScopes: 'openid profile email',
}

/** The scope string a user flow asks for (same meaning on both servers; our API scope name differs). */
export function interactiveScope(client, side) {
  const api = client.resource ? (side === 'ours' ? scopeOf(client.resource) : BENCH.scope) : ''
  return [BENCH.userScopes, api, client.offline ? 'offline_access' : ''].filter(Boolean).join(' ')
}

/** Our server's import file (Duende names) for the same clients and APIs. */
export function ourConfiguration() {
  // Each API gets its own scope on our side so that a client's token has exactly one audience,
  // as node-oidc-provider's single resource indicator gives it.
  return {
    apiScopes: BENCH.resources.map((r) => ({ name: scopeOf(r.name), displayName: r.name, description: `Benchmark scope of ${r.name}` })),
    apiResources: BENCH.resources.map((r) => ({
      name: r.name,
      displayName: r.name,
      scopes: [scopeOf(r.name)],
      secrets: [r.secret],
      allowedAccessTokenSigningAlgorithms: [r.alg],
    })),
    clients: [
      ...BENCH.clients.map((c) => ({
        clientId: c.clientId,
        clientSecrets: [c.secret],
        allowedGrantTypes: ['client_credentials'],
        allowedScopes: [scopeOf(c.resource)],
        accessTokenType: c.accessTokenType,
      })),
      ...BENCH.interactive.map((c) => ({
        clientId: c.clientId,
        clientSecrets: [c.secret],
        allowedGrantTypes: c.offline ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        redirectUris: [c.redirectUri],
        allowedScopes: interactiveScope(c, 'ours').split(' '),
        allowOfflineAccess: c.offline,
        accessTokenType: c.accessTokenType,
        allowedIdentityTokenSigningAlgorithms: ['ES256'],
        // Long enough for a pool minted before a run to last through it (node-oidc-provider gets the same).
        authorizationCodeLifetime: 600,
      })),
    ],
    users: BENCH.users,
  }
}

export function scopeOf(resourceName) {
  return `api1:${resourceName.split(':').pop()}`
}
