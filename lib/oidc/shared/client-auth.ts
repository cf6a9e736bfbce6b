// Client authentication at the token endpoint (and later introspection/revocation):
// client_secret_basic, client_secret_post and none (RFC 6749 §2.3, OpenID Connect Core §9).
import { hash, timingSafeEqual } from 'node:crypto'
import { nowMs } from '../../clock'
import type { ClientConfig, StoredSecret } from '../../config/model'
import type { Db } from '../../db/client'
import { findClient, peekClient } from '../../stores/clients'
import { invalidClient, invalidRequest, type OAuthError } from '../errors'
import type { Params } from '../params'

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

/** RFC 6749 §5.2: a 401 for Basic credentials carries a challenge for that scheme. */
export const BASIC_CHALLENGE = 'Basic realm="tokenservice", charset="UTF-8"'

interface PresentedCredentials {
  method: ClientAuthMethod
  clientId: string
  secret?: string
}

/**
 * Authenticates the client of a request, or throws invalid_client (401) / invalid_request.
 * Every failure looks the same to the client; the reason goes to the logs only.
 */
export async function authenticateClient(request: Request, params: Params, database?: Db): Promise<ClientConfig> {
  const presented = readCredentials(request, params)
  // The cached client without a promise when the cache can answer at once (nearly always).
  const peeked = peekClient(presented.clientId, database)
  return checkClient(presented, peeked !== undefined ? peeked : await findClient(presented.clientId, database))
}

/**
 * authenticateClient without a promise when the client cache can answer at once (nearly
 * always): the client, or throws as authenticateClient rejects; undefined when the client must
 * be read first (then call authenticateClient). On Node 20 each promise costs a promise hook
 * while Next.js's AsyncLocalStorage is active in the process.
 */
export function authenticateClientNow(request: Request, params: Params, database?: Db): ClientConfig | undefined {
  const presented = readCredentials(request, params)
  const peeked = peekClient(presented.clientId, database)
  return peeked === undefined ? undefined : checkClient(presented, peeked)
}

function checkClient(presented: PresentedCredentials, client: ClientConfig | null): ClientConfig {
  if (!client || !client.enabled) {
    // Same work as for a real client, so response time does not tell which ids exist.
    if (presented.secret !== undefined) secretMatches(presented.secret, DUMMY_SECRETS)
    throw failure(presented, client ? 'client disabled' : 'unknown client')
  }

  if (presented.secret === undefined) {
    // `none`: only public clients; their proof of possession is PKCE (RFC 7636), checked by the grant.
    if (client.requireClientSecret) throw failure(presented, 'no secret presented by a confidential client')
    return client
  }
  // A presented secret is always checked, even for a public client (which then has none to match).
  if (!secretMatches(presented.secret, client.secrets)) throw failure(presented, 'wrong or expired secret')
  return client
}

/** The reason reaches the logs through the error's detail (handleOAuth logs it); never the secret. */
function failure(presented: PresentedCredentials, reason: string): OAuthError {
  return invalidClient(
    `client ${presented.clientId} (${presented.method}): ${reason}`,
    presented.method === 'client_secret_basic' ? { headers: { 'WWW-Authenticate': BASIC_CHALLENGE } } : undefined,
  )
}

/** Which method the request uses; more than one at a time is invalid_request (RFC 6749 §2.3). */
function readCredentials(request: Request, params: Params): PresentedCredentials {
  const basic = readBasic(request.headers.get('authorization'))
  const bodyId = params.get('client_id')
  const bodySecret = params.get('client_secret')
  const methods = [basic && 'client_secret_basic', bodySecret !== undefined && 'client_secret_post', params.has('client_assertion') && 'private_key_jwt'].filter(Boolean)
  if (methods.length > 1) throw invalidRequest(`more than one client authentication method: ${methods.join(', ')}`)
  if (params.has('client_assertion')) throw invalidClient('client_assertion authentication is not supported')

  if (basic) {
    // client_id may be repeated in the body (some libraries do), but it must name the same client.
    if (bodyId !== undefined && bodyId !== basic.clientId) throw invalidRequest('client_id in the body differs from the Basic credentials')
    return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret }
  }
  if (bodyId === undefined) throw invalidClient('no client authentication presented')
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret }
  return { method: 'none', clientId: bodyId }
}

/**
 * RFC 6749 §2.3.1: the client id and secret are application/x-www-form-urlencoded, then
 * joined with ':' and base64-encoded (RFC 7617). Other schemes are not client authentication.
 */
export function readBasic(header: string | null): { clientId: string; secret: string } | undefined {
  if (!header || !/^basic(\s|$)/i.test(header)) return undefined
  const match = header.match(/^basic +([A-Za-z0-9+/_-]+={0,2}) *$/i)
  if (!match) throw invalidRequest('malformed Basic authorization header')
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw invalidRequest('Basic credentials without client id and secret')
  try {
    const clientId = formDecode(decoded.slice(0, colon))
    const secret = formDecode(decoded.slice(colon + 1))
    if (!secret) throw invalidRequest('Basic credentials with an empty secret')
    return { clientId, secret }
  } catch (error) {
    if (error instanceof URIError) throw invalidRequest('Basic credentials are not form-urlencoded')
    throw error
  }
}

function formDecode(value: string): string {
  // Nothing to decode (most ids and secrets): the value as it is, which is what both steps give.
  if (value.indexOf('%') === -1 && value.indexOf('+') === -1) return value
  return decodeURIComponent(value.replace(/\+/g, ' '))
}

/**
 * SHA-256 of the presented secret against every stored, unexpired hash, each compared in
 * constant time and without stopping at the first match.
 */
export function secretMatches(presented: string, secrets: readonly StoredSecret[]): boolean {
  // crypto.hash: the one-shot digest, without a Hash object and its stream machinery.
  const digest = hash('sha256', presented, 'buffer')
  const at = nowMs()
  let matched = false
  for (const secret of secrets) {
    const stored = storedHash(secret)
    const equal = stored.length === digest.length && timingSafeEqual(stored, digest)
    const current = secret.expiration === null || secret.expiration.getTime() > at
    matched = (equal && current) || matched
  }
  return matched
}

// Decoded stored hashes, per secret object: client configurations are cached and frozen, and
// an import makes new objects, so a changed secret is never looked up under an old entry.
const decoded = new WeakMap<StoredSecret, Buffer>()

function storedHash(secret: StoredSecret): Buffer {
  let bytes = decoded.get(secret)
  if (!bytes) {
    bytes = Buffer.from(secret.valueHash, 'base64url')
    decoded.set(secret, bytes)
  }
  return bytes
}

const DUMMY_SECRETS: readonly StoredSecret[] = [{ valueHash: hash('sha256', 'no such client', 'base64url'), expiration: null }]
