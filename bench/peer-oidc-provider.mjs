// The peer we measure against: panva's node-oidc-provider 9, configured to do the same work
// as our server for each workload (same client, scope, token format and algorithm).
// Usage: node bench/peer-oidc-provider.mjs <port> [store entries]
// Its grants live in its in-memory adapter; ours are in SQLite (noted in RESULTS.md).
//
// node-oidc-provider leaves user interaction (login, consent) to the application. Here a
// programmatic interaction approves every request for the first bench user at once
// (provider.interactionFinished with login + a Grant covering the requested scopes); the
// session it starts then gets codes straight from /auth, as a signed-in browser does. It does
// no password check (node-oidc-provider has none), so the password sign-in is measured on ours only.
import { createServer } from 'node:http'
import { generateKeyPair, exportJWK } from 'jose'
import Provider from 'oidc-provider'
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js'
import LRU from 'oidc-provider/lib/helpers/lru.js'
import { BENCH } from './fixtures.mjs'

const port = Number(process.argv[2] ?? 4100)
const issuer = `http://127.0.0.1:${port}`

async function signingKey(alg, options) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options })
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg}-bench` }
}

// Its in-memory adapter, with a bigger store. Without an `adapter` option node-oidc-provider 9
// gives each provider a store of its own with room for 1,000 to 2,000 entries
// (lib/helpers/initialize_adapter.js: createMemoryAdapter); memory_adapter's setStorage() only
// replaces a module-wide store that this default never reads. With that store every code of a
// pool minted before a run was gone before its first request ("grant request is invalid"). The
// LRU keeps an entry through at least `maxSize` new keys: minting a code adds 5 (interaction,
// code, the session under its new id, two session uid indexes), redeeming it 1 or 2 (refresh
// token, the code moved up a generation), so run.mjs asks for 10 per pooled code (at least
// 100,000; it holds up to twice that many).
const STORE_ENTRIES = Number(process.argv[3] ?? 100_000)
const store = new LRU({ maxSize: STORE_ENTRIES })

const resourceFor = Object.fromEntries([...BENCH.clients, ...BENCH.interactive].map((c) => [c.clientId, c.resource]))
const users = new Map(BENCH.users.map((u) => [u.subjectId, u]))

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: BENCH.clients
    .map((c) => ({
      client_id: c.clientId,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: BENCH.scope,
    }))
    .concat(
      BENCH.interactive.map((c) => ({
        client_id: c.clientId,
        client_secret: c.secret,
        grant_types: c.offline ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [c.redirectUri],
        id_token_signed_response_alg: 'ES256',
        scope: [BENCH.userScopes, c.resource ? BENCH.scope : '', c.offline ? 'offline_access' : ''].filter(Boolean).join(' '),
      })),
    )
    .concat(
      BENCH.resources.map((r) => ({
        // node-oidc-provider only lets registered clients introspect; the API is one here.
        client_id: r.name,
        client_secret: r.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      })),
    ),
  jwks: { keys: [await signingKey('RS256', { modulusLength: 2048 }), await signingKey('ES256')] },
  scopes: ['openid', 'offline_access', 'profile', 'email', BENCH.scope],
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  async findAccount(ctx, id) {
    const user = users.get(id)
    return user && { accountId: id, claims: async () => ({ sub: id, ...user.claims }) }
  },
  // Our clients rotate on every use (OneTimeOnly); the peer's default rotates only public clients' tokens.
  rotateRefreshToken: true,
  // As long as ours (client authorizationCodeLifetime), so a pool minted before a run lasts through it.
  ttl: { AuthorizationCode: 600 },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
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

/** Approves the interaction for the first bench user: login and every requested scope. */
async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res)
    const clientId = String(details.params.client_id)
    const accountId = details.session?.accountId ?? BENCH.users[0].subjectId
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId })
    const requested = String(details.params.scope ?? '').split(' ').filter(Boolean)
    // api1 is one of the provider's scopes, so the consent check wants it as an OIDC scope too.
    grant.addOIDCScope(requested.join(' '))
    if (resourceFor[clientId] && requested.includes(BENCH.scope)) grant.addResourceScope(resourceFor[clientId], BENCH.scope)
    const grantId = await grant.save()
    // A login only when asked: a new login starts a new session, which would break the
    // requests still running on the old one.
    const login = details.prompt.name === 'login' ? { login: { accountId } } : {}
    await provider.interactionFinished(req, res, { ...login, consent: { grantId } }, { mergeWithLastSubmission: true })
  } catch (error) {
    console.error('peer interaction failed', error)
    res.statusCode = 500
    res.end()
  }
}

const callback = provider.callback()
createServer((req, res) => (req.url?.startsWith('/interaction/') ? interaction(req, res) : callback(req, res))).listen(port, '127.0.0.1', () =>
  console.log(`peer ready ${issuer} (memory store of ${STORE_ENTRIES.toLocaleString('en-US')} entries)`),
)
