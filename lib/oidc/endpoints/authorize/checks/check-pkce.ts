// code_challenge / code_challenge_method (RFC 7636 §4.3, node-oidc-provider's check_pkce).
// Required when the client requires PKCE (the default) and always for public clients
// (RFC 9700 §2.1.1). A missing method means `plain` (§4.3), which only clients with
// allowPlainTextPkce may use; everyone else must send S256.
import type { ClientConfig } from '../../../../config/model'
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'
import { PKCE_VALUE, type PkceMethod } from '../../../shared/pkce'

export interface PkceBinding {
  codeChallenge?: string
  codeChallengeMethod?: PkceMethod
}

export function pkceRequired(client: ClientConfig): boolean {
  return client.requirePkce || !client.requireClientSecret
}

export function checkPkce(params: Params, client: ClientConfig): PkceBinding {
  const challenge = params.get('code_challenge')
  const method = params.get('code_challenge_method')
  if (challenge === undefined) {
    if (method !== undefined) throw invalidRequest('code_challenge_method without code_challenge')
    if (pkceRequired(client)) throw invalidRequest(`client ${client.clientId} must use PKCE (code_challenge missing)`)
    return {}
  }
  if (!PKCE_VALUE.test(challenge)) throw invalidRequest('code_challenge is not 43-128 characters of [A-Za-z0-9-._~]')
  const effective = method ?? 'plain'
  if (effective !== 'S256' && effective !== 'plain') throw invalidRequest(`unsupported code_challenge_method ${effective.slice(0, 16)}`)
  if (effective === 'plain' && !client.allowPlainTextPkce) throw invalidRequest(`client ${client.clientId} must use code_challenge_method S256`)
  return { codeChallenge: challenge, codeChallengeMethod: effective }
}
