// Scopes for grants with a user (authorization code, and the refresh tokens issued from it):
// lib/oidc/shared/scope.ts's validation plus the two rules that only apply when a person
// is involved, both as in Duende's DefaultResourceValidator:
// - `offline_access` is allowed by the client's allowOfflineAccess flag (whether or not it
//   is listed in allowedScopes); asked for without it → invalid_scope (not silently dropped,
//   so a client learns at once that it will get no refresh token);
// - identity scopes (profile, email, ...) need `openid` ("Identity related scope requests,
//   but no openid scope" → invalid_scope).
import type { ClientConfig } from '../../config/model'
import type { Db } from '../../db/client'
import { invalidScope } from '../errors'
import { loadResourceCatalog, peekResourceCatalog, type ResourceCatalog } from '../../stores/resources'
import { merge } from './merge'
import { grantScopes, type GrantedScopes } from './scope'

export const OPENID = 'openid'
export const OFFLINE_ACCESS = 'offline_access'

export async function validateUserScopes(requested: readonly string[], client: ClientConfig, database?: Db): Promise<GrantedScopes> {
  return grantUserScopes(requested, client, peekResourceCatalog(database) ?? (await loadResourceCatalog(database)))
}

/** validateUserScopes against a catalog the caller already has (no promise). */
export function grantUserScopes(requested: readonly string[], client: ClientConfig, catalog: ResourceCatalog): GrantedScopes {
  const offline = requested.includes(OFFLINE_ACCESS)
  if (offline && !client.allowOfflineAccess) throw invalidScope(`client ${client.clientId} may not request offline_access`)
  const others = requested.filter((s) => s !== OFFLINE_ACCESS)
  if (others.length === 0) throw invalidScope('offline_access alone grants nothing')
  const granted = grantScopes(others, client, { identityScopes: true }, catalog)
  if (granted.identityScopes.length > 0 && !granted.identityScopes.includes(OPENID)) {
    throw invalidScope('identity scopes requested without openid')
  }
  return merge<GrantedScopes>(granted, {
    scopes: [...requested],
    identityScopes: offline ? [...granted.identityScopes, OFFLINE_ACCESS] : granted.identityScopes,
  })
}
