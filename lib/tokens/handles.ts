// Opaque handles (codes, refresh tokens, reference tokens, session keys): 256 bits from
// the CSPRNG, stored only as SHA-256 hashes (The Copenhagen Book; Duende's PersistedGrant).
import { createHash, hash, randomFillSync, timingSafeEqual } from 'node:crypto'

export function newHandle(bytes = 32): string {
  return randomBase64url(bytes)
}

// CSPRNG bytes drawn in blocks: one randomFillSync per POOL_SIZE bytes instead of one per
// id (each call crosses into C++ and OpenSSL; crypto.randomUUID buffers the same way). Every
// byte is handed out once, then the block is refilled.
const POOL_SIZE = 4096
const pool = Buffer.allocUnsafe(POOL_SIZE)
let offset = POOL_SIZE

/** `bytes` fresh CSPRNG bytes as base64url (a jti, a handle). */
export function randomBase64url(bytes: number): string {
  if (bytes > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('base64url')
  const at = take(bytes)
  const text = pool.toString('base64url', at, at + bytes)
  // Wiped, so a byte can never be read twice even if the bookkeeping above went wrong.
  pool.fill(0, at, at + bytes)
  return text
}

/** `bytes` fresh CSPRNG bytes in a new Buffer (an IV), from the same pool. */
export function randomBuffer(bytes: number): Buffer {
  if (bytes > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(bytes))
  const at = take(bytes)
  const copy = Buffer.from(pool.subarray(at, at + bytes))
  pool.fill(0, at, at + bytes)
  return copy
}

/** Reserves `bytes` unread bytes of the pool (refilled when short) and returns where they start. */
function take(bytes: number): number {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool)
    offset = 0
  }
  const at = offset
  offset += bytes
  return at
}

export function hashHandle(handle: string): string {
  // crypto.hash: the one-shot digest, without a Hash object and its stream machinery.
  return hash('sha256', handle, 'base64url')
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest()
  const right = createHash('sha256').update(b).digest()
  return timingSafeEqual(left, right)
}
