// Password hashing: argon2id with OWASP's minimum parameters (Password Storage Cheat
// Sheet: "m=19456 (19 MiB), t=2, p=1"), stored as a PHC string
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) so the parameters travel with each hash and
// can be raised later (see needsRehash).
import { randomBytes } from 'node:crypto'
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2'

// `Algorithm` is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm

export const PASSWORD_HASH_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456, // KiB (19 MiB)
  timeCost: 2, // passes
  parallelism: 1, // lanes
  outputLen: 32,
} as const satisfies Options

export async function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS)
}

/** False (never an exception) for a wrong password or a malformed stored hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/** True when a hash was made with other parameters than today's, so login can upgrade it. */
export function needsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash)
    return (
      o.algorithm !== PASSWORD_HASH_OPTIONS.algorithm ||
      o.memoryCost !== PASSWORD_HASH_OPTIONS.memoryCost ||
      o.timeCost !== PASSWORD_HASH_OPTIONS.timeCost ||
      o.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
    )
  } catch {
    return true
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Spends the time of one real verification and returns false. Login calls it when the
 * username is unknown (or the account has no usable hash), so that "no such user" and
 * "wrong password" cannot be told apart by timing.
 */
export async function dummyVerify(password: string): Promise<false> {
  // A hash of a random password with the same parameters: same cost, never matches.
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'))
  await verifyPassword(await dummyHash, password)
  return false
}
