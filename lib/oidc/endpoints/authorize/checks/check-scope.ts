// scope (RFC 6749 §3.3): required here, parsed strictly, and valid for this client — the
// rules of lib/oidc/shared/user-scopes.ts (identity + API scopes the client is allowed;
// offline_access only with allowOfflineAccess; identity scopes only with openid).
import type { ClientConfig } from '../../../../config/model'
import type { Db } from '../../../../db/client'
import { invalidScope } from '../../../errors'
import type { Params } from '../../../params'
import { parseScope } from '../../../shared/scope'
import { validateUserScopes } from '../../../shared/user-scopes'

export async function checkScope(params: Params, client: ClientConfig, database?: Db): Promise<string[]> {
  const requested = parseScope(params.get('scope'))
  // Duende: "scope is missing" → invalid_scope; there is no useful default for a person's consent.
  if (requested === undefined) throw invalidScope('missing parameter scope')
  return (await validateUserScopes(requested, client, database)).scopes
}
