// The `scope` parameter: parsed strictly (RFC 6749 §3.3), then checked against the client's
// allowedScopes and the resource catalog. Returns the granted scopes and the APIs (audiences)
// they address.
import type { ApiResourceConfig, ClientConfig } from '../../config/model'
import type { Db } from '../../db/client'
import { loadResourceCatalog, peekResourceCatalog, type ResourceCatalog } from '../../stores/resources'
import { invalidScope } from '../errors'

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** The scope tokens of a `scope` value, or undefined when absent. Malformed or repeated → invalid_scope. */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const tokens = value.split(' ')
  const seen = new Set<string>()
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token)) throw invalidScope('malformed scope parameter')
    if (seen.has(token)) throw invalidScope(`scope ${token} requested twice`)
    seen.add(token)
  }
  return tokens
}

export interface ScopeRules {
  /** false for grants without a user (client_credentials): openid, profile, offline_access... are refused. */
  identityScopes: boolean
}

export interface GrantedScopes {
  /** In the order requested (or the client's configured order when none was requested). */
  scopes: string[]
  /** API scopes among them. */
  apiScopes: string[]
  /** Identity scopes among them (only when the rules allow them). */
  identityScopes: string[]
  /** The enabled ApiResources whose scopes include a granted API scope: the token's audiences. */
  resources: ApiResourceConfig[]
  /** Their names (the `aud` claim). */
  audiences: string[]
}

/**
 * Validates requested scopes for a client. With no `scope`, every API scope the client is
 * allowed is granted, while identity scopes are left out when the rules refuse them
 * (Duende's TokenRequestValidator: "ignoreImplicitIdentityScopes" for client_credentials).
 */
export async function validateScopes(requested: string[] | undefined, client: ClientConfig, rules: ScopeRules, database?: Db): Promise<GrantedScopes> {
  return grantScopes(requested, client, rules, peekResourceCatalog(database) ?? (await loadResourceCatalog(database)))
}

/** validateScopes against a catalog the caller already has (no promise: the token endpoint's hot path). */
export function grantScopes(requested: string[] | undefined, client: ClientConfig, rules: ScopeRules, catalog: ResourceCatalog): GrantedScopes {
  const { apiScopeNames, identityNames } = scopeNames(catalog)

  let scopes: string[]
  if (requested === undefined) {
    scopes = client.allowedScopes.filter((s) => apiScopeNames.has(s) || (rules.identityScopes && identityNames.has(s)))
    if (scopes.length === 0) throw invalidScope(`client ${client.clientId} has no allowed scopes usable with this grant`)
  } else {
    for (const scope of requested) {
      if (!client.allowedScopes.includes(scope)) throw invalidScope(`scope ${scope} is not allowed for client ${client.clientId}`)
      if (identityNames.has(scope)) {
        if (!rules.identityScopes) throw invalidScope(`identity scope ${scope} is not valid for this grant`)
      } else if (!apiScopeNames.has(scope)) {
        throw invalidScope(`scope ${scope} is unknown or disabled`)
      }
    }
    scopes = requested
  }

  const apiScopes = scopes.filter((s) => apiScopeNames.has(s))
  const resources = apiScopes.length ? catalog.resourcesForScopes(apiScopes).filter((r) => r.enabled) : []
  return {
    scopes,
    apiScopes,
    identityScopes: scopes.filter((s) => !apiScopeNames.has(s)),
    resources,
    audiences: resources.map((r) => r.name),
  }
}

interface ScopeNames {
  apiScopeNames: ReadonlySet<string>
  identityNames: ReadonlySet<string>
}

// The name sets of a catalog, made once per catalog object (it is frozen, and an import or a
// version change makes a new one) instead of on every request.
const namesByCatalog = new WeakMap<ResourceCatalog, ScopeNames>()

function scopeNames(catalog: ResourceCatalog): ScopeNames {
  let names = namesByCatalog.get(catalog)
  if (!names) {
    // The catalog holds enabled entries only; the filters keep that true whatever it holds.
    names = {
      apiScopeNames: new Set(catalog.apiScopes.filter((s) => s.enabled).map((s) => s.name)),
      identityNames: new Set(catalog.identityResources.filter((r) => r.enabled).map((r) => r.name)),
    }
    namesByCatalog.set(catalog, names)
  }
  return names
}
