// What the consent page shows and what a consent decision grants, framework-free.
// Duende's ConsentViewModel: identity scopes and API scopes listed separately, each with its
// display name and description; `required` ones cannot be unticked; offline_access called out
// on its own because it outlives the person's visit (OpenID Connect Core §11).
import type { ApiScopeConfig, IdentityResourceConfig } from '../../config/model'

export const OFFLINE_ACCESS = 'offline_access'

export interface ScopeItem {
  name: string
  displayName: string
  description: string | null
  /** Always granted with an "allow" (openid, or marked required). */
  required: boolean
  /** Worth the person's attention (shown with more weight). */
  emphasize: boolean
}

export interface ConsentView {
  identity: ScopeItem[]
  api: ScopeItem[]
  /** Present when offline_access was asked for. */
  offlineAccess?: ScopeItem
}

export interface ScopeCatalog {
  identityResourceByName(name: string): IdentityResourceConfig | undefined
  apiScopeByName(name: string): ApiScopeConfig | undefined
}

/** The requested scopes in plain words, in request order. */
export function describeScopes(requested: readonly string[], catalog: ScopeCatalog): ConsentView {
  const view: ConsentView = { identity: [], api: [] }
  for (const name of new Set(requested)) {
    const identity = catalog.identityResourceByName(name)
    if (identity) {
      const item = toItem(identity, name === 'openid' || identity.required)
      if (name === OFFLINE_ACCESS) view.offlineAccess = { ...item, required: false }
      else view.identity.push(item)
      continue
    }
    const api = catalog.apiScopeByName(name)
    // The authorize endpoint only lets known scopes through; an unknown one is shown by name.
    view.api.push(api ? toItem(api, api.required) : { name, displayName: name, description: null, required: false, emphasize: false })
  }
  return view
}

/**
 * The scopes an "allow" grants: those the person left ticked plus the required ones, only
 * ever out of the requested ones (a tampered form cannot add scopes), in request order.
 */
export function scopesToGrant(requested: readonly string[], ticked: Iterable<string>, view: ConsentView): string[] {
  const chosen = new Set(ticked)
  const required = new Set([...view.identity, ...view.api].filter((s) => s.required).map((s) => s.name))
  return [...new Set(requested)].filter((s) => chosen.has(s) || required.has(s))
}

function toItem(scope: { name: string; displayName: string | null; description: string | null; emphasize: boolean }, required: boolean): ScopeItem {
  return {
    name: scope.name,
    displayName: scope.displayName?.trim() || scope.name,
    description: scope.description?.trim() || null,
    required,
    emphasize: scope.emphasize,
  }
}
