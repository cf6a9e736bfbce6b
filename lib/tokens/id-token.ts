// Identity tokens (OpenID Connect Core §2 and §3.1.3.6). The claims describe the sign-in, not
// the person: user claims travel through userinfo unless the client asks for them in the
// token (Duende's AlwaysIncludeUserClaimsInIdToken, off by default).
import { createHash } from 'node:crypto'
import { epochSeconds } from '../clock'
import type { ClientConfig, IdentityResourceConfig, SigningAlgorithm, UserAccount } from '../config/model'
import { merge } from '../oidc/shared/merge'
import { signJwt } from './jwt'
import { identityUserClaims } from './user-claims'

export interface IdTokenRequest {
  client: ClientConfig
  subject: string
  /** Epoch seconds of the sign-in (§2: auth_time; we always send it). */
  authTime: number
  /** Echoed from the authorization request when one was sent (§3.1.3.6). */
  nonce?: string
  /** RFC 8176 methods, e.g. ["pwd"]. */
  amr?: string[]
  /** The session (Front-Channel / Back-Channel Logout `sid`). */
  sessionId?: string
  /** The access token issued alongside: its hash becomes at_hash (§3.1.3.6). */
  accessToken?: string
  /** Granted scopes; with alwaysIncludeUserClaimsInIdToken, identity scopes select user claims. */
  scopes: readonly string[]
  /** Required when the client wants user claims in the token. */
  user?: UserAccount
  identityResources?: readonly IdentityResourceConfig[]
}

/** The client's first allowed algorithm, else the server default RS256 (Duende's order). */
export function idTokenSigningAlgorithm(client: ClientConfig): SigningAlgorithm {
  return client.allowedIdentityTokenSigningAlgorithms[0] ?? 'RS256'
}

/**
 * §3.1.3.6: base64url of the left-most half of the hash of the access token's ASCII octets,
 * the hash being the one of the token's alg (SHA-256 for RS256 and ES256).
 */
export function atHash(accessToken: string, alg: SigningAlgorithm): string {
  const algorithm = { RS256: 'sha256', ES256: 'sha256' }[alg]
  const digest = createHash(algorithm).update(accessToken, 'ascii').digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

export function idTokenClaims(request: IdTokenRequest, alg: SigningAlgorithm): Record<string, unknown> {
  const { client } = request
  const iat = epochSeconds()
  const userClaims =
    client.alwaysIncludeUserClaimsInIdToken && request.user ? identityUserClaims(request.user, request.scopes, request.identityResources ?? []) : {}
  // merge: `{ ...userClaims, sub, ... }` without the slow path of a leading spread.
  const claims = merge<Record<string, unknown>>(userClaims, {
    sub: request.subject,
    aud: client.clientId,
    exp: iat + client.identityTokenLifetime,
    iat,
    auth_time: request.authTime,
  })
  if (request.nonce !== undefined) claims.nonce = request.nonce
  if (request.amr?.length) claims.amr = request.amr
  if (request.sessionId) claims.sid = request.sessionId
  if (request.accessToken !== undefined) claims.at_hash = atHash(request.accessToken, alg)
  return claims
}

/** Signs the identity token (`iss` added by signJwt; typ "JWT"). */
export async function issueIdToken(request: IdTokenRequest): Promise<string> {
  const alg = idTokenSigningAlgorithm(request.client)
  return signJwt(idTokenClaims(request, alg), { alg })
}
