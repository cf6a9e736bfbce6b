// `request` and `request_uri` (OpenID Connect Core §6; RFC 9101) are not supported and
// discovery says so (request_parameter_supported: false, request_uri_parameter_supported:
// false). §6.1 / §6.2 name the errors; node-oidc-provider's reject_request_and_uri.
import { OAuthError } from '../../../errors'
import type { Params } from '../../../params'

export function rejectRequestObject(params: Params): void {
  if (params.has('request')) throw new OAuthError('request_not_supported', 'request object sent')
  if (params.has('request_uri')) throw new OAuthError('request_uri_not_supported', 'request_uri sent')
}
