// Work done once per process before it serves: built-in resources, demo data, signing
// keys, and the background jobs. Every step is idempotent and safe when several processes
// start on one database at once.
import type { Settings } from '../config/env'
import { ensureBuiltInIdentityResources, seedDemoIfEmpty } from '../config/demo'
import { startGrantCleanup } from '../jobs/grant-cleanup'
import { useCounterStore } from '../security/throttle'
import { databaseCounters } from '../stores/rate-limits'
import { ensureSigningKeys } from '../tokens/keys'

/** Returns a function that stops the background jobs it started. */
export async function bootstrap(settings: Settings): Promise<() => void> {
  await ensureBuiltInIdentityResources()
  await seedDemoIfEmpty(settings)
  await ensureSigningKeys()
  // RATE_LIMIT_STORE=database: throttle counters shared by every process on the database.
  if (settings.throttle.store === 'database') useCounterStore(databaseCounters())
  return startGrantCleanup(settings)
}
