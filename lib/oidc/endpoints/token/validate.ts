// Token request checks common to every grant (RFC 6749 §5.2), then the grant's own validator.
import type { ClientConfig } from '../../../config/model'
import { invalidRequest, unauthorizedClient, unsupportedGrantType } from '../../errors'
import type { Params } from '../../params'
import { grantTypeHandlers } from './grants'
import type { GrantHandler } from './grants/types'

export interface SelectedGrant {
  grantType: string
  handler: GrantHandler<unknown>
}

export interface ValidatedTokenRequest extends SelectedGrant {
  client: ClientConfig
  /** The grant's typed request (what `handler.validate` returned). */
  request: unknown
}

/** grant_type present and supported by this server; checked before the client is looked up. */
export function selectGrant(params: Params): SelectedGrant {
  const grantType = params.get('grant_type')
  if (grantType === undefined) throw invalidRequest('missing parameter grant_type')
  const handler = grantTypeHandlers.get(grantType)
  if (!handler) throw unsupportedGrantType(`grant_type ${grantType.slice(0, 64)} is not supported`)
  return { grantType, handler }
}

export async function validateTokenRequest(selected: SelectedGrant, params: Params, client: ClientConfig): Promise<ValidatedTokenRequest> {
  if (!client.allowedGrantTypes.includes(selected.grantType)) {
    throw unauthorizedClient(`client ${client.clientId} may not use grant_type ${selected.grantType}`)
  }
  return { ...selected, client, request: await selected.handler.validate(params, client) }
}
