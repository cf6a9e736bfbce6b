// The Client and ClientSecret tables. Reads for the protocol go through the per-process
// config cache; the import writes through upsertClient inside its transaction.
import type { AccessTokenType, ClientConfig, RefreshTokenExpiration, RefreshTokenUsage, SigningAlgorithm } from '../config/model'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { cachedConfig, peekConfig } from './config-cache'
import { asStringArray, changedFields, deepFreeze, distinctSecrets, sameSecrets, type SecretRecord, type UpsertOutcome } from './config-rows'
import type { Tx } from './transaction'

type ClientRow = Prisma.ClientGetPayload<{ include: { secrets: true } }>

/** A client as the import writes it: the configuration with secrets already hashed. */
export interface ClientRecord extends Omit<ClientConfig, 'secrets'> {
  secrets: SecretRecord[]
}

/** The client, enabled or not (callers check `enabled`), or null. Cached. */
export function findClient(clientId: string, database: Db = defaultDb()): Promise<ClientConfig | null> {
  return cachedConfig(`client:${clientId}`, async () => {
    const row = await database.client.findUnique({ where: { clientId }, include: { secrets: true } })
    return row && deepFreeze(toClientConfig(row))
  }, database)
}

/**
 * findClient's answer without a promise when the cache holds it (see peekConfig): the client
 * or null; undefined when not known at once (then call findClient).
 */
export function peekClient(clientId: string, database: Db = defaultDb()): ClientConfig | null | undefined {
  return peekConfig<ClientConfig | null>(`client:${clientId}`, database)?.value
}

/** Every client, by clientId (admin listings; not cached). */
export async function listClients(database: Db = defaultDb()): Promise<ClientConfig[]> {
  const rows = await database.client.findMany({ include: { secrets: true }, orderBy: { clientId: 'asc' } })
  return rows.map(toClientConfig)
}

export async function countClients(database: Db | Tx = defaultDb()): Promise<number> {
  return database.client.count()
}

/** Creates or updates one client, writing only what differs (nothing when `write` is false). */
export async function upsertClient(tx: Tx, desired: ClientRecord, write: boolean): Promise<UpsertOutcome> {
  const existing = await tx.client.findUnique({ where: { clientId: desired.clientId }, include: { secrets: true } })
  const { secrets, ...fields } = desired
  const secretRows = distinctSecrets(secrets)
  if (!existing) {
    if (write) await tx.client.create({ data: { ...fields, secrets: { create: secretRows } } })
    return 'created'
  }
  const changes = changedFields(existing, fields)
  const secretsChanged = !sameSecrets(existing.secrets, secretRows)
  if (Object.keys(changes).length === 0 && !secretsChanged) return 'unchanged'
  if (write) {
    if (Object.keys(changes).length) await tx.client.update({ where: { id: existing.id }, data: changes })
    if (secretsChanged) {
      await tx.clientSecret.deleteMany({ where: { clientRowId: existing.id } })
      await tx.clientSecret.createMany({ data: secretRows.map((s) => ({ ...s, clientRowId: existing.id })) })
    }
  }
  return 'updated'
}

function toClientConfig(row: ClientRow): ClientConfig {
  return {
    clientId: row.clientId,
    clientName: row.clientName,
    enabled: row.enabled,
    secrets: row.secrets.map((s) => ({ valueHash: s.valueHash, expiration: s.expiration })),
    requireClientSecret: row.requireClientSecret,
    allowedGrantTypes: asStringArray(row.allowedGrantTypes),
    redirectUris: asStringArray(row.redirectUris),
    postLogoutRedirectUris: asStringArray(row.postLogoutRedirectUris),
    allowedScopes: asStringArray(row.allowedScopes),
    allowedCorsOrigins: asStringArray(row.allowedCorsOrigins),
    requirePkce: row.requirePkce,
    allowPlainTextPkce: row.allowPlainTextPkce,
    requireConsent: row.requireConsent,
    allowRememberConsent: row.allowRememberConsent,
    allowOfflineAccess: row.allowOfflineAccess,
    alwaysIncludeUserClaimsInIdToken: row.alwaysIncludeUserClaimsInIdToken,
    accessTokenType: row.accessTokenType as AccessTokenType,
    identityTokenLifetime: row.identityTokenLifetime,
    accessTokenLifetime: row.accessTokenLifetime,
    authorizationCodeLifetime: row.authorizationCodeLifetime,
    refreshTokenUsage: row.refreshTokenUsage as RefreshTokenUsage,
    refreshTokenExpiration: row.refreshTokenExpiration as RefreshTokenExpiration,
    absoluteRefreshTokenLifetime: row.absoluteRefreshTokenLifetime,
    slidingRefreshTokenLifetime: row.slidingRefreshTokenLifetime,
    updateAccessTokenClaimsOnRefresh: row.updateAccessTokenClaimsOnRefresh,
    allowedIdentityTokenSigningAlgorithms: asStringArray(row.allowedIdentityTokenSigningAlgorithms) as SigningAlgorithm[],
  }
}
