// `registration` (OpenID Connect Core §7.2.1, self-issued OP registration) is not supported:
// §3.1.2.6 registration_not_supported; node-oidc-provider's reject_registration.
import { OAuthError } from '../../../errors'
import type { Params } from '../../../params'

export function rejectRegistration(params: Params): void {
  if (params.has('registration')) throw new OAuthError('registration_not_supported', 'registration parameter sent')
}
