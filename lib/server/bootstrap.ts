// Work done once per process before it serves: built-in resources, demo data, signing
// keys, and the background jobs. Every step is idempotent and safe when several processes
// start on one database at once.
import type { Settings } from '../config/env'
import { ensureBuiltInIdentityResources, seedDemoIfEmpty } from '../config/demo'
import { startGrantCleanup } from '../jobs/grant-cleanup'
import { ensureSigningKeys } from '../tokens/keys'

/** Returns a function that stops the background jobs it started. */
export async function bootstrap(settings: Settings): Promise<() => void> {
  await ensureBuiltInIdentityResources()
  await seedDemoIfEmpty(settings)
  await ensureSigningKeys()
  return startGrantCleanup(settings)
}
