// Signing this server's JWTs, and verifying JWTs that claim to be this server's own
// (id_token_hint, JWT access tokens at introspection) against its own published keys.
import { CompactSign, createLocalJWKSet, errors, jwtVerify, type CompactJWSHeaderParameters, type JWTPayload, type JWTVerifyOptions } from 'jose'
import { loadSettings } from '../config/env'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../config/model'
import { epochSeconds, now } from '../clock'
import { defaultKeyManager, type ActiveSigningKey, type KeyManager, type PublishedJwks } from './keys'

export interface JwtDeps {
  keys: KeyManager
  issuer: string
}

function defaultDeps(): JwtDeps {
  return { keys: defaultKeyManager(), issuer: loadSettings().issuer }
}

/**
 * Signs `payload` with the algorithm's active key; the protected header carries alg, kid
 * and typ ("JWT" unless given, e.g. "at+jwt" for RFC 9068 access tokens). `iss` and `iat`
 * default to this server and now.
 */
export function signJwt(payload: JWTPayload, options: { alg: SigningAlgorithm; typ?: string }, deps?: JwtDeps): Promise<string> {
  // Not an async function: jose's promise is handed on as it is (an async layer would add
  // promises and ticks, each a promise hook on Node 20 while Next.js's AsyncLocalStorage is
  // active). Every failure still comes as a rejected promise.
  try {
    const using = deps ?? defaultDeps()
    const active = using.keys.peekSigningKey(options.alg)
    return active ? sign(payload, options, using, active) : using.keys.getSigningKey(options.alg).then((loaded) => sign(payload, options, using, loaded))
  } catch (error) {
    return Promise.reject(error)
  }
}

function sign(payload: JWTPayload, options: { alg: SigningAlgorithm; typ?: string }, deps: JwtDeps, { kid, key }: ActiveSigningKey): Promise<string> {
  // jose's CompactSign over the serialized claims: the same JWS that SignJWT makes (SignJWT
  // is CompactSign plus claim helpers this server does not use), a third cheaper per token.
  const claims = JSON.stringify({ iss: deps.issuer, iat: epochSeconds(), ...payload })
  return new CompactSign(UTF8.encode(claims)).setProtectedHeader(protectedHeader(options.alg, kid, options.typ ?? 'JWT')).sign(key)
}

const UTF8 = new TextEncoder()
const headers = new Map<string, CompactJWSHeaderParameters>()

/** One frozen header object per (alg, kid, typ): the handful in use, made once. */
function protectedHeader(alg: SigningAlgorithm, kid: string, typ: string): CompactJWSHeaderParameters {
  const name = `${alg} ${kid} ${typ}`
  let header = headers.get(name)
  if (!header) {
    if (headers.size >= 64) headers.clear()
    header = Object.freeze({ alg, kid, typ })
    headers.set(name, header)
  }
  return header
}

export type OwnJwtFailure =
  | 'malformed' // not a compact JWS / JWT
  | 'algorithm' // alg not RS256/ES256 (none, HS256, ...)
  | 'unknown_key' // kid not among this server's published keys
  | 'signature' // signature does not verify
  | 'expired' // exp has passed
  | 'claims' // iss, aud, typ, nbf, iat wrong

/** Why a JWT is not a valid one of ours; `detail` is for logs only. */
export class OwnJwtError extends Error {
  readonly reason: OwnJwtFailure
  constructor(reason: OwnJwtFailure, detail: string, options?: { cause?: unknown }) {
    super(`${reason}: ${detail}`, options)
    this.name = 'OwnJwtError'
    this.reason = reason
  }
}

export interface VerifyOwnJwtOptions {
  /** Required `typ` header (compared as RFC 8725 §3.11 suggests, "application/" optional). */
  typ?: string
  /** Required audience (one of `aud`). */
  audience?: string
  /** Accept an expired token (OpenID Connect Core §3.1.2.1: an expired id_token_hint is fine). */
  allowExpired?: boolean
}

// One jose key set per published JWKS object, so public keys are imported once, not per token.
const keySets = new WeakMap<PublishedJwks, ReturnType<typeof createLocalJWKSet>>()

/**
 * Verifies a JWT against this server's own published keys and issuer. Only RS256/ES256 are
 * accepted (RFC 8725 §3.1: never `none`, never a symmetric alg keyed with a public key).
 */
export async function verifyOwnJwt(token: string, options: VerifyOwnJwtOptions = {}, deps: JwtDeps = defaultDeps()): Promise<JWTPayload> {
  const jwks = await deps.keys.getPublishedJwks()
  let keySet = keySets.get(jwks)
  if (!keySet) {
    keySet = createLocalJWKSet(jwks)
    keySets.set(jwks, keySet)
  }
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...SIGNING_ALGORITHMS],
    issuer: deps.issuer,
    currentDate: now(),
    ...(options.audience !== undefined && { audience: options.audience }),
    ...(options.typ !== undefined && { typ: options.typ }),
  }
  try {
    const { payload } = await jwtVerify(token, keySet, verifyOptions)
    return payload
  } catch (error) {
    // jose checks exp last, after the signature and every other claim, so an expired
    // token's payload is otherwise valid.
    if (options.allowExpired && error instanceof errors.JWTExpired && error.claim === 'exp') return error.payload
    throw toOwnJwtError(error)
  }
}

function toOwnJwtError(error: unknown): OwnJwtError {
  const detail = error instanceof Error ? error.message : String(error)
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return new OwnJwtError('algorithm', detail, { cause: error })
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return new OwnJwtError('unknown_key', detail, { cause: error })
  if (error instanceof errors.JWSSignatureVerificationFailed) return new OwnJwtError('signature', detail, { cause: error })
  if (error instanceof errors.JWTExpired) return new OwnJwtError('expired', detail, { cause: error })
  if (error instanceof errors.JWTClaimValidationFailed) return new OwnJwtError('claims', detail, { cause: error })
  return new OwnJwtError('malformed', detail, { cause: error })
}
