// PKCE (RFC 7636): the shape of challenges and verifiers, and the token-endpoint comparison.
import { createHash } from 'node:crypto'
import { constantTimeEqual } from '../../tokens/handles'

export type PkceMethod = 'S256' | 'plain'

/** RFC 7636 §4.1 / §4.2: 43–128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~". */
export const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/

/** RFC 7636 §4.2: S256 → BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/**
 * RFC 7636 §4.6: does the verifier match the stored challenge? Compared in constant time,
 * so the response time says nothing about how much of a guess was right.
 */
export function verifierMatches(verifier: string, challenge: string, method: PkceMethod): boolean {
  if (!PKCE_VALUE.test(verifier)) return false
  return constantTimeEqual(method === 'S256' ? s256Challenge(verifier) : verifier, challenge)
}
