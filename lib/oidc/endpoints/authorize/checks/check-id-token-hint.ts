// id_token_hint (OpenID Connect Core §3.1.2.1): an identity token this server issued to this
// client, expired or not. It names the user the client expects; decide.ts asks for a new
// sign-in when the session belongs to someone else. Anything else → invalid_request.
import type { JWTPayload } from 'jose'
import type { ClientConfig } from '../../../../config/model'
import { verifyOwnJwt, type VerifyOwnJwtOptions } from '../../../../tokens/jwt'
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'

export type VerifyHint = (token: string, options: VerifyOwnJwtOptions) => Promise<JWTPayload>

export async function checkIdTokenHint(params: Params, client: ClientConfig, verify: VerifyHint = verifyOwnJwt): Promise<string | undefined> {
  const hint = params.get('id_token_hint')
  if (hint === undefined) return undefined
  let payload: JWTPayload
  try {
    // typ JWT: our identity tokens; an at+jwt access token is not a hint.
    payload = await verify(hint, { allowExpired: true, typ: 'JWT' })
  } catch (error) {
    throw invalidRequest(`id_token_hint does not verify: ${error instanceof Error ? error.message : String(error)}`)
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud]
  if (!audiences.includes(client.clientId)) throw invalidRequest(`id_token_hint was not issued to client ${client.clientId}`)
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidRequest('id_token_hint has no sub')
  return payload.sub
}
