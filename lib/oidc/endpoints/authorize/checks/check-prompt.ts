// prompt (OpenID Connect Core §3.1.2.1): a space-delimited set of none, login, consent,
// select_account. `none` with any other value is invalid_request; so is an unknown value
// (node-oidc-provider's check_prompt).
import { invalidRequest } from '../../../errors'
import type { Params } from '../../../params'
import type { Prompt } from '../request'

export const PROMPT_VALUES: readonly Prompt[] = ['none', 'login', 'consent', 'select_account']

export function checkPrompt(params: Params): Prompt[] {
  const value = params.get('prompt')
  if (value === undefined) return []
  const prompts = [...new Set(value.split(' ').filter(Boolean))]
  for (const prompt of prompts) {
    if (!(PROMPT_VALUES as readonly string[]).includes(prompt)) throw invalidRequest(`unsupported prompt value ${prompt.slice(0, 32)}`)
  }
  if (prompts.includes('none') && prompts.length > 1) throw invalidRequest('prompt=none combined with another value')
  return prompts as Prompt[]
}
