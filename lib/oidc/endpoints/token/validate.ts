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

/**
 * The grant's own validation of a request the client may make. Without a promise when the
 * grant's validator answers at once (client_credentials, with the catalog cached); a refusal
 * is thrown then, as it is rejected otherwise.
 */
export function validateTokenRequest(selected: SelectedGrant, params: Params, client: ClientConfig): ValidatedTokenRequest | Promise<ValidatedTokenRequest> {
  if (!client.allowedGrantTypes.includes(selected.grantType)) {
    throw unauthorizedClient(`client ${client.clientId} may not use grant_type ${selected.grantType}`)
  }
  const request = selected.handler.validate(params, client)
  return request instanceof Promise ? request.then((validated) => validatedRequest(selected, client, validated)) : validatedRequest(selected, client, request)
}

// Written out, not `{ ...selected, client, request }`: a literal that starts with a spread is a
// slow path on Node 20 (lib/oidc/shared/merge.ts).
function validatedRequest(selected: SelectedGrant, client: ClientConfig, request: unknown): ValidatedTokenRequest {
  return { grantType: selected.grantType, handler: selected.handler, client, request }
}
