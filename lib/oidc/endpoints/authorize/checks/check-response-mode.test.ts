import { describe, expect, it } from 'vitest'
import { checkResponseMode } from './check-response-mode'
import { params } from './test-client'

describe('checkResponseMode', () => {
  it('defaults to query', () => {
    expect(checkResponseMode(params({}))).toBe('query')
  })

  it.each(['query', 'form_post'] as const)('accepts %s', (mode) => {
    expect(checkResponseMode(params({ response_mode: mode }))).toBe(mode)
  })

  it.each(['fragment', 'jwt', 'query.jwt', 'web_message', 'FORM_POST'])('refuses %s', (mode) => {
    expect(() => checkResponseMode(params({ response_mode: mode }))).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})
