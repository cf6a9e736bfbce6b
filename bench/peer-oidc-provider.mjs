// The peer we measure against: panva's node-oidc-provider 9, configured to do the same work
// as our server for each workload (same client, scope, token format and algorithm).
// Usage: node bench/peer-oidc-provider.mjs <port>
// Its grants live in its default in-memory adapter; ours are in SQLite (noted in RESULTS.md).
import { generateKeyPair, exportJWK } from 'jose'
import Provider from 'oidc-provider'
import { BENCH } from './fixtures.mjs'

const port = Number(process.argv[2] ?? 4100)
const issuer = `http://127.0.0.1:${port}`

async function signingKey(alg, options) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options })
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg}-bench` }
}

const resourceFor = Object.fromEntries(BENCH.clients.map((c) => [c.clientId, c.resource]))

const provider = new Provider(issuer, {
  clients: BENCH.clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.secret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: BENCH.scope,
  })).concat(BENCH.resources.map((r) => ({
    // node-oidc-provider only lets registered clients introspect; the API is one here.
    client_id: r.name,
    client_secret: r.secret,
    grant_types: [],
    response_types: [],
    redirect_uris: [],
  }))),
  jwks: { keys: [await signingKey('RS256', { modulusLength: 2048 }), await signingKey('ES256')] },
  scopes: [BENCH.scope],
  features: {
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client) => resourceFor[client.clientId],
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resourceIndicator) => {
        const resource = BENCH.resources.find((r) => r.name === resourceIndicator)
        if (!resource) throw new Error('unknown resource')
        return resource.format === 'opaque'
          ? { scope: BENCH.scope, accessTokenFormat: 'opaque', accessTokenTTL: 3600 }
          : { scope: BENCH.scope, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: resource.alg } } }
      },
    },
  },
})
provider.listen(port, '127.0.0.1', () => console.log(`peer ready ${issuer}`))
