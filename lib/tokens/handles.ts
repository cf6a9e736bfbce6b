// Opaque handles (codes, refresh tokens, reference tokens, session keys): 256 bits from
// the CSPRNG, stored only as SHA-256 hashes (The Copenhagen Book; Duende's PersistedGrant).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export function newHandle(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function hashHandle(handle: string): string {
  return createHash('sha256').update(handle, 'utf8').digest('base64url')
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest()
  const right = createHash('sha256').update(b).digest()
  return timingSafeEqual(left, right)
}
