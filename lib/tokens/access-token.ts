// Access tokens, as the client's accessTokenType says: a signed JWT (RFC 9068) or a
// reference token (an opaque handle whose claims stay in the PersistedGrant store).
import { epochSeconds } from '../clock'
import { loadSettings } from '../config/env'
import type { ApiResourceConfig, ClientConfig, SigningAlgorithm } from '../config/model'
import { SIGNING_ALGORITHMS } from '../config/model'
import type { Db } from '../db/client'
import { invalidScope } from '../oidc/errors'
import { merge } from '../oidc/shared/merge'
import { storeReferenceToken, type ReferenceTokenRecord } from '../stores/grants'
import { newHandle, randomBase64url } from './handles'
import { signJwt } from './jwt'

export interface AccessTokenRequest {
  client: ClientConfig
  /** The granted scopes, in order. */
  scopes: string[]
  /** The ApiResources the token is for (from `resourcesForScopes`). */
  audiences: ApiResourceConfig[]
  /** The user; absent for client_credentials. */
  subject?: string
  /** More claims (user claims for the APIs); the protocol claims below always win. */
  claims?: Record<string, unknown>
  authorizationId?: string
  /** The user's session (`sid`). */
  sessionId?: string
  /** When the user signed in, in epoch seconds (`auth_time`). */
  authTime?: number
}

export interface IssuedAccessToken {
  token: string
  tokenType: 'Bearer'
  expiresIn: number
  /** The claims the token carries (or, for a reference token, stands for). */
  claims: Record<string, unknown>
}

/** RFC 9068 §2.1: the `typ` header of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt'

// issueAccessToken and prepareAccessToken are not async functions: they hand on the signature's
// (or the insert's) own promise with one step after it, where async layers would add promises
// and ticks of their own (each costs a promise hook on Node 20 while Next.js's
// AsyncLocalStorage is active). Every failure still comes as a rejected promise.

export function issueAccessToken(request: AccessTokenRequest, database?: Db): Promise<IssuedAccessToken> {
  try {
    const parts = accessTokenParts(request)
    if (!parts.reference) return signedAccessToken(parts)
    const { issued, reference } = parts.reference
    return storeReferenceToken(reference.handle, reference.record, database).then(() => issued)
  } catch (error) {
    return Promise.reject(error)
  }
}

/**
 * An access token whose reference form (if any) is not stored yet: the caller stores
 * `reference` itself, e.g. the code exchange in the transaction that consumes the code.
 */
export interface PreparedAccessToken {
  issued: IssuedAccessToken
  reference?: { handle: string; record: ReferenceTokenRecord }
}

export function prepareAccessToken(request: AccessTokenRequest): Promise<PreparedAccessToken> {
  try {
    const parts = accessTokenParts(request)
    return parts.reference ? Promise.resolve(parts.reference) : signedAccessToken(parts).then((issued) => ({ issued }))
  } catch (error) {
    return Promise.reject(error)
  }
}

interface AccessTokenParts {
  alg: SigningAlgorithm
  claims: Record<string, unknown>
  expiresIn: number
  /** For a reference token: the token as issued, and what to store. */
  reference?: Required<PreparedAccessToken>
}

/** Everything of the token but the signature (a JWT) or the insert (a reference token). */
function accessTokenParts(request: AccessTokenRequest): AccessTokenParts {
  const { client } = request
  const alg = accessTokenSigningAlgorithm(request.audiences)
  const claims = accessTokenClaims(request)
  const expiresIn = client.accessTokenLifetime
  if (client.accessTokenType !== 'Reference') return { alg, claims, expiresIn }

  const handle = newHandle()
  const record: ReferenceTokenRecord = {
    clientId: client.clientId,
    subjectId: request.subject,
    sessionId: request.sessionId,
    authorizationId: request.authorizationId,
    expiration: new Date((claims.exp as number) * 1000),
    claims,
  }
  return { alg, claims, expiresIn, reference: { issued: { token: handle, tokenType: 'Bearer', expiresIn, claims }, reference: { handle, record } } }
}

function signedAccessToken({ alg, claims, expiresIn }: AccessTokenParts): Promise<IssuedAccessToken> {
  return signJwt(claims, { alg, typ: ACCESS_TOKEN_TYP }).then((token) => ({ token, tokenType: 'Bearer', expiresIn, claims }))
}

/**
 * The claims of RFC 9068 §2.2. `sub` is the user when there is one; without a resource owner
 * (client_credentials) it is the client_id, as §2.2 recommends ("an identifier the authorization
 * server uses to indicate the client application"); Duende omits it there instead.
 * With no ApiResource behind the scopes, `aud` is `{issuer}/resources` (Duende's static
 * audience), since RFC 9068 requires an audience.
 */
export function accessTokenClaims(request: AccessTokenRequest): Record<string, unknown> {
  const issuer = loadSettings().issuer
  const iat = epochSeconds()
  const audiences = request.audiences.map((r) => r.name)
  // merge: `{ ...request.claims, iss, ... }` without the slow path of a leading spread.
  const claims = merge<Record<string, unknown>>(request.claims, {
    iss: issuer,
    exp: iat + request.client.accessTokenLifetime,
    iat,
    nbf: iat,
    jti: randomBase64url(16),
    client_id: request.client.clientId,
    // RFC 9068 §2.2.3 / RFC 8693 §4.2: one space-delimited string.
    scope: request.scopes.join(' '),
    aud: audiences.length === 0 ? `${issuer}/resources` : audiences.length === 1 ? audiences[0] : audiences,
    sub: request.subject ?? request.client.clientId,
  })
  if (request.authTime !== undefined) claims.auth_time = request.authTime
  if (request.sessionId !== undefined) claims.sid = request.sessionId
  return claims
}

/**
 * The algorithm every audience accepts: the first of the first restricting audience's list
 * that all other restricting audiences allow too. An empty list means "any" (the server
 * default, RS256). No common algorithm → invalid_scope, as Duende refuses resources whose
 * "signing algorithms requirements are not compatible".
 */
export function accessTokenSigningAlgorithm(audiences: readonly ApiResourceConfig[]): SigningAlgorithm {
  const restricting = audiences.map((r) => r.allowedAccessTokenSigningAlgorithms).filter((algs) => algs.length > 0)
  if (restricting.length === 0) return 'RS256'
  const common = restricting[0]!.find((alg) => restricting.every((algs) => algs.includes(alg)))
  if (!common || !SIGNING_ALGORITHMS.includes(common)) throw invalidScope(`the APIs ${audiences.map((r) => r.name).join(', ')} have no signing algorithm in common`)
  return common
}
