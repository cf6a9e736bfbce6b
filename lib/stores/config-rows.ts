// Helpers shared by the configuration stores (clients, resources, users): reading Json
// columns, and "compare before writing" so that re-importing the same file touches no row
// (no updatedAt moves, nothing for a cache to reload).
import { isDeepStrictEqual } from 'node:util'
import type { Prisma } from '../db/client'

export type UpsertOutcome = 'created' | 'updated' | 'unchanged'

export interface SecretRecord {
  /** base64url(SHA-256(secret)) */
  valueHash: string
  description: string | null
  expiration: Date | null
}

export function asStringArray(value: Prisma.JsonValue): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

export function asRecord(value: Prisma.JsonValue): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {}
}

/** The fields of `desired` whose value differs from the stored row's (Json compared by value). */
export function changedFields<T extends object>(row: object, desired: T): Partial<T> {
  const changes: Partial<T> = {}
  for (const key of Object.keys(desired) as (keyof T)[]) {
    if (!isDeepStrictEqual((row as T)[key], desired[key])) changes[key] = desired[key]
  }
  return changes
}

/** Secret sets are equal when they hold the same hashes with the same description and expiration. */
export function sameSecrets(stored: readonly SecretRecord[], desired: readonly SecretRecord[]): boolean {
  const key = (s: SecretRecord) => JSON.stringify([s.valueHash, s.description, s.expiration?.toISOString() ?? null])
  const a = stored.map(key).sort()
  const b = distinctSecrets(desired).map(key).sort()
  return isDeepStrictEqual(a, b)
}

/** Secrets without duplicate hashes (the first one wins), ready for createMany. */
export function distinctSecrets(secrets: readonly SecretRecord[]): SecretRecord[] {
  const seen = new Set<string>()
  return secrets.filter((s) => !seen.has(s.valueHash) && seen.add(s.valueHash) !== undefined)
}

/** Freezes a value read from the cache, so that no caller can change what others will read. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
