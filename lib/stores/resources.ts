// ApiScope, ApiResource (+ secrets) and IdentityResource: what scopes mean, which APIs
// (audiences) they address, and which user claims they release. The protocol reads the
// whole catalog at once (it is small) through the per-process config cache.
import type { ApiResourceConfig, ApiScopeConfig, IdentityResourceConfig, SigningAlgorithm } from '../config/model'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { cachedConfig, peekConfig } from './config-cache'
import { asStringArray, changedFields, deepFreeze, distinctSecrets, sameSecrets, type SecretRecord, type UpsertOutcome } from './config-rows'
import type { Tx } from './transaction'

/** The enabled scopes and resources, with lookups. Frozen: shared by every caller. */
export interface ResourceCatalog {
  apiScopes: readonly ApiScopeConfig[]
  apiResources: readonly ApiResourceConfig[]
  identityResources: readonly IdentityResourceConfig[]
  apiScopeByName(name: string): ApiScopeConfig | undefined
  identityResourceByName(name: string): IdentityResourceConfig | undefined
  /** The API resource with its secret hashes (introspection callers authenticate as one). */
  findApiResource(name: string): ApiResourceConfig | undefined
  /** The API resources whose `scopes` include any of these: the access token's `aud`. */
  resourcesForScopes(scopeNames: Iterable<string>): ApiResourceConfig[]
}

export function loadResourceCatalog(database: Db = defaultDb()): Promise<ResourceCatalog> {
  return cachedConfig(CATALOG_KEY, () => readCatalog(database), database)
}

/** The catalog without a promise when the cache holds it (see peekConfig); else undefined. */
export function peekResourceCatalog(database: Db = defaultDb()): ResourceCatalog | undefined {
  return peekConfig<ResourceCatalog>(CATALOG_KEY, database)?.value
}

const CATALOG_KEY = 'resources'

export async function findApiResource(name: string, database?: Db): Promise<ApiResourceConfig | undefined> {
  return (await loadResourceCatalog(database)).findApiResource(name)
}

export async function resourcesForScopes(scopeNames: Iterable<string>, database?: Db): Promise<ApiResourceConfig[]> {
  return (await loadResourceCatalog(database)).resourcesForScopes(scopeNames)
}

export async function identityResourceByName(name: string, database?: Db): Promise<IdentityResourceConfig | undefined> {
  return (await loadResourceCatalog(database)).identityResourceByName(name)
}

export async function apiScopeByName(name: string, database?: Db): Promise<ApiScopeConfig | undefined> {
  return (await loadResourceCatalog(database)).apiScopeByName(name)
}

async function readCatalog(database: Db): Promise<ResourceCatalog> {
  const [scopeRows, resourceRows, identityRows] = await Promise.all([
    database.apiScope.findMany({ where: { enabled: true }, orderBy: { name: 'asc' } }),
    database.apiResource.findMany({ where: { enabled: true }, include: { secrets: true }, orderBy: { name: 'asc' } }),
    database.identityResource.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
  ])
  const apiScopes = scopeRows.map(toApiScope)
  const apiResources = resourceRows.map(toApiResource)
  const identityResources = identityRows.map(toIdentityResource)
  const scopesByName = new Map(apiScopes.map((s) => [s.name, s]))
  const resourcesByName = new Map(apiResources.map((r) => [r.name, r]))
  const identityByName = new Map(identityResources.map((r) => [r.name, r]))
  return deepFreeze({
    apiScopes,
    apiResources,
    identityResources,
    apiScopeByName: (name: string) => scopesByName.get(name),
    identityResourceByName: (name: string) => identityByName.get(name),
    findApiResource: (name: string) => resourcesByName.get(name),
    resourcesForScopes(scopeNames: Iterable<string>) {
      const wanted = new Set(scopeNames)
      return apiResources.filter((r) => r.scopes.some((s) => wanted.has(s)))
    },
  })
}

/** Every scope, resource and claim-type name, enabled or not: what an import file may refer to. */
export async function definedResourceNames(database: Db | Tx = defaultDb()) {
  const [scopes, resources, identity] = await Promise.all([
    database.apiScope.findMany({ select: { name: true, userClaims: true } }),
    database.apiResource.findMany({ select: { userClaims: true } }),
    database.identityResource.findMany({ select: { name: true, userClaims: true } }),
  ])
  return {
    apiScopes: new Set(scopes.map((s) => s.name)),
    identityResources: new Set(identity.map((r) => r.name)),
    claimTypes: new Set([...scopes, ...resources, ...identity].flatMap((r) => asStringArray(r.userClaims))),
  }
}

// ------------------------------------------------------------------ writes (import)

export async function upsertApiScope(tx: Tx, desired: ApiScopeConfig, write: boolean): Promise<UpsertOutcome> {
  return upsertByName(tx.apiScope, desired, write)
}

export interface ApiResourceRecord extends Omit<ApiResourceConfig, 'secrets'> {
  secrets: SecretRecord[]
}

export async function upsertApiResource(tx: Tx, desired: ApiResourceRecord, write: boolean): Promise<UpsertOutcome> {
  const existing = await tx.apiResource.findUnique({ where: { name: desired.name }, include: { secrets: true } })
  const { secrets, ...fields } = desired
  const secretRows = distinctSecrets(secrets)
  if (!existing) {
    if (write) await tx.apiResource.create({ data: { ...fields, secrets: { create: secretRows } } })
    return 'created'
  }
  const changes = changedFields(existing, fields)
  const secretsChanged = !sameSecrets(existing.secrets, secretRows)
  if (Object.keys(changes).length === 0 && !secretsChanged) return 'unchanged'
  if (write) {
    if (Object.keys(changes).length) await tx.apiResource.update({ where: { id: existing.id }, data: changes })
    if (secretsChanged) {
      await tx.apiResourceSecret.deleteMany({ where: { resourceRowId: existing.id } })
      await tx.apiResourceSecret.createMany({ data: secretRows.map((s) => ({ ...s, resourceRowId: existing.id })) })
    }
  }
  return 'updated'
}

export async function upsertIdentityResource(tx: Tx, desired: IdentityResourceConfig, write: boolean): Promise<UpsertOutcome> {
  return upsertByName(tx.identityResource, desired, write)
}

/** The part of a Prisma table (ApiScope, IdentityResource) that upsertByName uses. */
interface NamedTable<T> {
  findUnique(args: { where: { name: string } }): PromiseLike<{ id: number } | null>
  create(args: { data: T }): PromiseLike<unknown>
  update(args: { where: { id: number }; data: Partial<T> }): PromiseLike<unknown>
}

/** Creates `desired`, or updates the row of that name to it, writing only what differs. */
async function upsertByName<T extends { name: string }>(table: NamedTable<T>, desired: T, write: boolean): Promise<UpsertOutcome> {
  const existing = await table.findUnique({ where: { name: desired.name } })
  if (!existing) {
    if (write) await table.create({ data: desired })
    return 'created'
  }
  const changes = changedFields(existing, desired)
  if (Object.keys(changes).length === 0) return 'unchanged'
  if (write) await table.update({ where: { id: existing.id }, data: changes })
  return 'updated'
}

// ------------------------------------------------------------------ rows → configuration

type ApiScopeRow = Prisma.ApiScopeGetPayload<object>
type ApiResourceRow = Prisma.ApiResourceGetPayload<{ include: { secrets: true } }>
type IdentityResourceRow = Prisma.IdentityResourceGetPayload<object>

/** The columns every scope and resource table shares, as configuration: the one row mapping. */
function describedFields(row: Pick<ApiScopeRow, 'name' | 'displayName' | 'description' | 'enabled' | 'userClaims'>) {
  return { name: row.name, displayName: row.displayName, description: row.description, enabled: row.enabled, userClaims: asStringArray(row.userClaims) }
}

function toApiScope(row: ApiScopeRow): ApiScopeConfig {
  return { ...describedFields(row), required: row.required, emphasize: row.emphasize }
}

function toApiResource(row: ApiResourceRow): ApiResourceConfig {
  return {
    ...describedFields(row),
    scopes: asStringArray(row.scopes),
    secrets: row.secrets.map((s) => ({ valueHash: s.valueHash, expiration: s.expiration })),
    allowedAccessTokenSigningAlgorithms: asStringArray(row.allowedAccessTokenSigningAlgorithms) as SigningAlgorithm[],
  }
}

function toIdentityResource(row: IdentityResourceRow): IdentityResourceConfig {
  return { ...describedFields(row), required: row.required, emphasize: row.emphasize, showInDiscoveryDocument: row.showInDiscoveryDocument }
}
