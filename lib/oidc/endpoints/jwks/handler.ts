// GET /.well-known/openid-configuration/jwks (RFC 7517 §5): this server's public signing keys.
import { loadSettings } from '../../../config/env'
import { defaultKeyManager, type KeyManager, type PublishedJwks } from '../../../tokens/keys'
import { methodNotAllowed, oauthErrorResponse, serializedJson } from '../../http'

/**
 * Keys are published propagationTime (14 days by default) before they sign and for
 * retentionDuration after they stop, so any cache far shorter than that is safe. Five minutes
 * keeps the load negligible while bounding how long verifiers keep trusting a key an operator
 * deleted (compromise). Never more than half the propagation time, for short test settings.
 */
export function jwksHeaders(propagationTimeSeconds: number): Record<string, string> {
  const maxAge = Math.max(0, Math.min(300, Math.floor(propagationTimeSeconds / 2)))
  return { 'Cache-Control': `public, max-age=${maxAge}`, 'Access-Control-Allow-Origin': '*' }
}

export interface JwksDeps {
  keys: KeyManager
  propagationTime: number
}

export function createJwksEndpoint(deps: () => JwksDeps) {
  // Serialized once per key set: getPublishedJwks hands out the same frozen object until the
  // key manager re-reads the keys (at the next timeline boundary, or after REFRESH_MS for
  // another process's change), and a new object makes a new body.
  const bodies = new WeakMap<PublishedJwks, string>()
  // Frozen: json() then works out the header list once (lib/oidc/http.ts).
  let headers: { propagationTime: number; value: Readonly<Record<string, string>> } | undefined
  return async function jwksEndpoint(_request: Request): Promise<Response> {
    try {
      const { keys, propagationTime } = deps()
      // getPublishedJwks returns public members only (kty, n, e / crv, x, y, kid, alg, use).
      const jwks = await keys.getPublishedJwks()
      let text = bodies.get(jwks)
      if (text === undefined) {
        text = JSON.stringify(jwks)
        bodies.set(jwks, text)
      }
      if (headers?.propagationTime !== propagationTime) headers = { propagationTime, value: Object.freeze(jwksHeaders(propagationTime)) }
      return serializedJson(text, { headers: headers.value })
    } catch (error) {
      return oauthErrorResponse({ endpoint: 'jwks' }, error)
    }
  }
}

export const jwksEndpoint = createJwksEndpoint(() => ({ keys: defaultKeyManager(), propagationTime: loadSettings().keys.propagationTime }))

export async function jwksMethodNotAllowed(_request: Request): Promise<Response> {
  return methodNotAllowed(['GET', 'HEAD'])
}
