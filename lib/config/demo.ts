// Demo data for a first look: when SEED_DEMO is on (the default) and no client exists yet,
// the first start imports demo-config.json (two clients, an API, users alice and bob).
import type { Db } from '../db/client'
import { db as defaultDb } from '../db/client'
import { log } from '../log'
import { countClients } from '../stores/clients'
import demoConfiguration from './demo-config.json'
import type { Settings } from './env'
import { importConfiguration, substituteIssuer, type ImportSummary } from './import'

export { ensureBuiltInIdentityResources } from './import'

/** The demo configuration with `{ISSUER}` replaced by this server's issuer. */
export function demoConfigurationFor(issuer: string): unknown {
  return substituteIssuer(demoConfiguration, issuer)
}

/** Imports the demo configuration when enabled and the database has no client at all. */
export async function seedDemoIfEmpty(settings: Pick<Settings, 'seedDemo' | 'issuer'>, database: Db = defaultDb()): Promise<ImportSummary | null> {
  if (!settings.seedDemo || (await countClients(database)) > 0) return null
  try {
    const summary = await importConfiguration(demoConfigurationFor(settings.issuer), { db: database })
    log.warn(
      { clients: ['demo-machine', 'demo-web'], users: ['alice', 'bob'] },
      'no clients were configured, so the demo configuration was imported (well-known secrets and passwords: do not use in production); set SEED_DEMO=false to start empty',
    )
    return summary
  } catch (error) {
    // Another process starting at the same moment may have seeded first.
    if ((await countClients(database)) > 0) return null
    throw error
  }
}
