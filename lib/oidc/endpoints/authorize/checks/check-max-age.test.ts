import { describe, expect, it } from 'vitest'
import { checkMaxAge } from './check-max-age'
import { params } from './test-client'

describe('checkMaxAge', () => {
  it('is undefined when absent', () => {
    expect(checkMaxAge(params({}))).toBeUndefined()
  })

  it.each([
    ['0', 0],
    ['300', 300],
    ['86400', 86400],
  ])('reads %s', (value, expected) => {
    expect(checkMaxAge(params({ max_age: value }))).toBe(expected)
  })

  it.each(['-1', '1.5', 'abc', '1e3', ' 5', '0x10', '99999999999'])('refuses %j', (value) => {
    expect(() => checkMaxAge(params({ max_age: value }))).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})
