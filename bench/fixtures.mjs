// One description of the benchmark's clients and APIs, turned into configuration for both
// servers, so both do the same work.
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
}

/** Our server's import file (Duende names) for the same clients and APIs. */
export function ourConfiguration() {
  // Each API gets its own scope on our side so that a client's token has exactly one audience,
  // as node-oidc-provider's single resource indicator gives it.
  return {
    apiScopes: BENCH.resources.map((r) => ({ name: scopeOf(r.name), displayName: r.name })),
    apiResources: BENCH.resources.map((r) => ({
      name: r.name,
      scopes: [scopeOf(r.name)],
      secrets: [r.secret],
      allowedAccessTokenSigningAlgorithms: [r.alg],
    })),
    clients: BENCH.clients.map((c) => ({
      clientId: c.clientId,
      clientSecrets: [c.secret],
      allowedGrantTypes: ['client_credentials'],
      allowedScopes: [scopeOf(c.resource)],
      accessTokenType: c.accessTokenType,
    })),
  }
}

export function scopeOf(resourceName) {
  return `api1:${resourceName.split(':').pop()}`
}
