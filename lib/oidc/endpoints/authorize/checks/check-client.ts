// The client named by client_id: known, enabled, and allowed the authorization code grant
// (node-oidc-provider's check_client). Until this and the redirect_uri hold, errors are
// shown on the portal's error page, never sent to a redirect_uri (RFC 6749 §4.1.2.1).
import type { ClientConfig } from '../../../../config/model'
import { invalidRequest, OAuthError, unauthorizedClient } from '../../../errors'
import type { Params } from '../../../params'

export type FindClient = (clientId: string) => Promise<ClientConfig | null>

export async function checkClient(params: Params, findClient: FindClient): Promise<ClientConfig> {
  const clientId = params.get('client_id')
  if (clientId === undefined) throw invalidRequest('missing parameter client_id')
  if (clientId.length > 200) throw new OAuthError('invalid_client', 'client_id too long', { status: 400 })
  const client = await findClient(clientId)
  // invalid_client on a page (not 401: there is no client authentication here).
  if (!client) throw new OAuthError('invalid_client', `unknown client ${clientId}`, { status: 400 })
  if (!client.enabled) throw new OAuthError('invalid_client', `client ${clientId} is disabled`, { status: 400 })
  if (!client.allowedGrantTypes.includes('authorization_code')) throw unauthorizedClient(`client ${clientId} may not use the authorization code flow`)
  return client
}
