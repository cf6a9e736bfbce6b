// response_type: only `code` (OAuth 2.1 / RFC 9700 §2.1.2: no implicit or hybrid flows).
// Missing → invalid_request; anything else → unsupported_response_type (RFC 6749 §4.1.2.1).
import { invalidRequest, unsupportedResponseType } from '../../../errors'
import type { Params } from '../../../params'

export function checkResponseType(params: Params): 'code' {
  const responseType = params.get('response_type')
  if (responseType === undefined) throw invalidRequest('missing parameter response_type')
  if (responseType !== 'code') throw unsupportedResponseType(`response_type ${responseType.slice(0, 32)} is not supported`)
  return 'code'
}
