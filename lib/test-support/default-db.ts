// For tests of code that uses the process-wide defaults (db(), defaultKeyManager()) all the
// way down, e.g. a token grant: points both at a test database for this test file's process.
// (Vitest isolates test files, so this never leaks into another file.)
import type { Db } from '../db/client'
import { createKeyManager } from '../tokens/keys'

export function useAsDefaultDb(database: Db): void {
  const holder = globalThis as typeof globalThis & { __tokenserviceDb?: Db; __tokenserviceKeyManager?: unknown }
  holder.__tokenserviceDb = database
  holder.__tokenserviceKeyManager = createKeyManager({ db: database })
}
