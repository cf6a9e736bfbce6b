// RFC 6749 §4.4: a confidential client asks for a token for itself; only API scopes apply.
import type { ApiResourceConfig, ClientConfig } from '../../../../config/model'
import { audit } from '../../../../audit'
import { issueAccessToken, accessTokenSigningAlgorithm } from '../../../../tokens/access-token'
import { unauthorizedClient } from '../../../errors'
import { loadResourceCatalog, peekResourceCatalog, type ResourceCatalog } from '../../../../stores/resources'
import type { Params } from '../../../params'
import { grantScopes, parseScope } from '../../../shared/scope'
import type { GrantHandler } from './types'

export interface ClientCredentialsRequest {
  client: ClientConfig
  scopes: string[]
  resources: ApiResourceConfig[]
}

export const clientCredentialsGrant: GrantHandler<ClientCredentialsRequest> = {
  validate(params, client) {
    // RFC 6749 §4.4: "MUST only be used by confidential clients".
    if (!client.requireClientSecret) throw unauthorizedClient(`public client ${client.clientId} cannot use client_credentials`)
    // The cached catalog, answered without a promise when the cache can (nearly always).
    const catalog = peekResourceCatalog()
    return catalog ? grantFor(params, client, catalog) : loadResourceCatalog().then((loaded) => grantFor(params, client, loaded))
  },

  // Not async: one step after the token's own promise (each promise costs a promise hook on
  // Node 20 while Next.js's AsyncLocalStorage is active).
  generate({ client, scopes, resources }) {
    return issueAccessToken({ client, scopes, audiences: resources }).then((token) => {
      audit('token.issued', { outcome: 'success', client_id: client.clientId, grant_type: 'client_credentials', scope: scopes.join(' ') })
      return { access_token: token.token, token_type: token.tokenType, expires_in: token.expiresIn, scope: scopes.join(' ') }
    })
  },
}

function grantFor(params: Params, client: ClientConfig, catalog: ResourceCatalog): ClientCredentialsRequest {
  const granted = grantScopes(parseScope(params.get('scope')), client, { identityScopes: false }, catalog)
  // Refuse APIs that cannot agree on a signing algorithm now, before anything is issued.
  accessTokenSigningAlgorithm(granted.resources)
  return { client, scopes: granted.scopes, resources: granted.resources }
}
