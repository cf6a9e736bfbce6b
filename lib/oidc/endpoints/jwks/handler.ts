// GET /.well-known/openid-configuration/jwks (RFC 7517 §5): this server's public signing keys.
import { loadSettings } from '../../../config/env'
import { defaultKeyManager, type KeyManager } from '../../../tokens/keys'
import { handleOAuth, json, methodNotAllowed } from '../../http'

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
  return async function jwksEndpoint(_request: Request): Promise<Response> {
    return handleOAuth({ endpoint: 'jwks' }, async () => {
      const { keys, propagationTime } = deps()
      // getPublishedJwks returns public members only (kty, n, e / crv, x, y, kid, alg, use).
      return json(await keys.getPublishedJwks(), { headers: jwksHeaders(propagationTime) })
    })
  }
}

export const jwksEndpoint = createJwksEndpoint(() => ({ keys: defaultKeyManager(), propagationTime: loadSettings().keys.propagationTime }))

export async function jwksMethodNotAllowed(_request: Request): Promise<Response> {
  return methodNotAllowed(['GET', 'HEAD'])
}
