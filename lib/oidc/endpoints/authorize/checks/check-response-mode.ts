// response_mode (OAuth 2.0 Multiple Response Type Encoding Practices §2.1; Form Post
// Response Mode 1.0): `query` (the default for `code`) or `form_post`. Read before the other
// parameters, because every later error is delivered to the client in this mode.
// `fragment` is refused: a code must not travel in a fragment only scripts can read.
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'
import type { ResponseMode } from '../request'

export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'form_post']

export function checkResponseMode(params: Params): ResponseMode {
  const mode = params.get('response_mode')
  if (mode === undefined) return 'query'
  if (!(RESPONSE_MODES as readonly string[]).includes(mode)) throw invalidRequest(`unsupported response_mode ${mode.slice(0, 32)}`)
  return mode as ResponseMode
}
