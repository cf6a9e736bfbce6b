// Access tokens, as the client's accessTokenType says: a signed JWT (RFC 9068) or a
// reference token (an opaque handle whose claims stay in the PersistedGrant store).
import { epochSeconds } from '../clock'
import { loadSettings } from '../config/env'
import type { ApiResourceConfig, ClientConfig, SigningAlgorithm } from '../config/model'
import { SIGNING_ALGORITHMS } from '../config/model'
import type { Db } from '../db/client'
import { invalidScope } from '../oidc/errors'
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

export async function issueAccessToken(request: AccessTokenRequest, database?: Db): Promise<IssuedAccessToken> {
  const prepared = await prepareAccessToken(request)
  if (prepared.reference) await storeReferenceToken(prepared.reference.handle, prepared.reference.record, database)
  return prepared.issued
}

/**
 * An access token whose reference form (if any) is not stored yet: the caller stores
 * `reference` itself, e.g. the code exchange in the transaction that consumes the code.
 */
export interface PreparedAccessToken {
  issued: IssuedAccessToken
  reference?: { handle: string; record: ReferenceTokenRecord }
}

export async function prepareAccessToken(request: AccessTokenRequest): Promise<PreparedAccessToken> {
  const { client } = request
  const alg = accessTokenSigningAlgorithm(request.audiences)
  const claims = accessTokenClaims(request)
  const expiresIn = client.accessTokenLifetime

  if (client.accessTokenType === 'Reference') {
    const handle = newHandle()
    const record: ReferenceTokenRecord = {
      clientId: client.clientId,
      subjectId: request.subject,
      sessionId: request.sessionId,
      authorizationId: request.authorizationId,
      expiration: new Date((claims.exp as number) * 1000),
      claims,
    }
    return { issued: { token: handle, tokenType: 'Bearer', expiresIn, claims }, reference: { handle, record } }
  }

  return { issued: { token: await signJwt(claims, { alg, typ: ACCESS_TOKEN_TYP }), tokenType: 'Bearer', expiresIn, claims } }
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
  const claims: Record<string, unknown> = {
    ...request.claims,
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
  }
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
