// Revocation request validation (RFC 7009 §2.1): the client authenticates (confidential
// clients with their secret, public ones by client_id, as for the token endpoint) and names
// one token. token_type_hint only orders the search.
import type { ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { invalidRequest } from '../../errors'
import type { Params } from '../../params'
import { authenticateClient } from '../../shared/client-auth'

export interface ValidatedRevocationRequest {
  client: ClientConfig
  token: string
  /** RFC 7009 §2.1: "An invalid token type hint value is ignored". */
  hint?: 'access_token' | 'refresh_token'
}

export async function validateRevocationRequest(request: Request, params: Params, database?: Db): Promise<ValidatedRevocationRequest> {
  const client = await authenticateClient(request, params, database)
  const token = params.get('token')
  if (token === undefined) throw invalidRequest('missing parameter token')
  const hint = params.get('token_type_hint')
  return { client, token, ...((hint === 'access_token' || hint === 'refresh_token') && { hint }) }
}
