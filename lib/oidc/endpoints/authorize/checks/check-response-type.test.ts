import { describe, expect, it } from 'vitest'
import { checkResponseType } from './check-response-type'
import { params } from './test-client'

describe('checkResponseType', () => {
  it('accepts code', () => {
    expect(checkResponseType(params({ response_type: 'code' }))).toBe('code')
  })

  it('requires it (invalid_request)', () => {
    expect(() => checkResponseType(params({}))).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it.each(['token', 'id_token', 'code id_token', 'code token', 'id_token token', 'none', 'CODE'])('refuses %s (unsupported_response_type)', (value) => {
    expect(() => checkResponseType(params({ response_type: value }))).toThrow(expect.objectContaining({ code: 'unsupported_response_type' }))
  })
})
