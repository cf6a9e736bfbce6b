// max_age (OpenID Connect Core §3.1.2.1): the allowable elapsed time in seconds since the
// End-User last actively authenticated; a non-negative integer. 0 forces a new sign-in.
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'

export function checkMaxAge(params: Params): number | undefined {
  const value = params.get('max_age')
  if (value === undefined) return undefined
  if (!/^\d{1,10}$/.test(value)) throw invalidRequest('max_age is not a non-negative integer')
  return Number(value)
}
