// Upper bounds on free-text parameters, so a request cannot make us store, seal or echo
// kilobytes of attacker-chosen text. The numbers are Duende's InputLengthRestrictions
// (State 2000, Nonce 300, LoginHint 100, UiLocale 100, AcrValues 300).
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'

export const INPUT_LENGTH_LIMITS = {
  state: 2000,
  nonce: 300,
  login_hint: 100,
  ui_locales: 100,
  acr_values: 300,
  display: 32,
} as const

/** The `state` to echo in an error response: absent when it is itself over the limit. */
export function echoableState(params: Params): string | undefined {
  const state = params.get('state')
  return state !== undefined && state.length <= INPUT_LENGTH_LIMITS.state ? state : undefined
}

export function checkInputLengths(params: Params): void {
  for (const [name, limit] of Object.entries(INPUT_LENGTH_LIMITS)) {
    const value = params.get(name)
    if (value !== undefined && value.length > limit) throw invalidRequest(`parameter ${name} longer than ${limit} characters`)
  }
}
