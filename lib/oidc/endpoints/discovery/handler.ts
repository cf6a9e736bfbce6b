// GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4, RFC 8414 §3).
import { loadSettings } from '../../../config/env'
import { loadResourceCatalog } from '../../../stores/resources'
import { methodNotAllowed, oauthErrorResponse, serializedJson } from '../../http'
import { generateDiscoveryDocument, type DiscoveryInput } from './generate'

/**
 * The document changes only when an administrator changes scopes or resources, and a
 * stale scopes_supported list is harmless (it is informational), so an hour of caching
 * spares the endpoint most of its traffic. CORS is open: browser-based clients read it.
 */
export const DISCOVERY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'public, max-age=3600',
  'Access-Control-Allow-Origin': '*',
})

export type DiscoveryDeps = () => Promise<DiscoveryInput>

async function defaultDeps(): Promise<DiscoveryInput> {
  const catalog = await loadResourceCatalog()
  return { issuer: loadSettings().issuer, apiScopes: catalog.apiScopes, identityResources: catalog.identityResources }
}

export function createDiscoveryEndpoint(deps: DiscoveryDeps = defaultDeps) {
  // The document is serialized once per catalog: the catalog cache hands out the same frozen
  // arrays until the configuration changes (an import, seen within CONFIG_CACHE_SECONDS), and
  // new arrays make a new document.
  let last: { issuer: string; apiScopes: DiscoveryInput['apiScopes']; identityResources: DiscoveryInput['identityResources']; text: string } | undefined
  const serialized = (input: DiscoveryInput): string => {
    if (last?.issuer !== input.issuer || last.apiScopes !== input.apiScopes || last.identityResources !== input.identityResources) {
      last = { issuer: input.issuer, apiScopes: input.apiScopes, identityResources: input.identityResources, text: JSON.stringify(generateDiscoveryDocument(input)) }
    }
    return last.text
  }
  return async function discoveryEndpoint(_request: Request): Promise<Response> {
    try {
      return serializedJson(serialized(await deps()), { headers: DISCOVERY_HEADERS })
    } catch (error) {
      return oauthErrorResponse({ endpoint: 'discovery' }, error)
    }
  }
}

export const discoveryEndpoint = createDiscoveryEndpoint()

/** Any method but GET/HEAD (Next.js answers HEAD and OPTIONS itself from GET). */
export async function discoveryMethodNotAllowed(_request: Request): Promise<Response> {
  return methodNotAllowed(['GET', 'HEAD'])
}
