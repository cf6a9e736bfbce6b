// grant_type → handler (node-oidc-provider's grantTypeHandlers). Adding a grant is one file
// in this folder plus one line here.
import { authorizationCodeGrant } from './authorization-code'
import { clientCredentialsGrant } from './client-credentials'
import { refreshTokenGrant } from './refresh-token'
import { grantHandler, type GrantHandler } from './types'

export const grantTypeHandlers: ReadonlyMap<string, GrantHandler<unknown>> = new Map([
  ['client_credentials', grantHandler(clientCredentialsGrant)],
  ['authorization_code', grantHandler(authorizationCodeGrant)],
  ['refresh_token', grantHandler(refreshTokenGrant)],
])
