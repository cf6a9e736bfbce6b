import { describe, expect, it } from 'vitest'
import { checkInputLengths, echoableState, INPUT_LENGTH_LIMITS } from './check-input-lengths'
import { params } from './test-client'

describe('checkInputLengths', () => {
  it.each(Object.entries(INPUT_LENGTH_LIMITS))('accepts %s of %i characters and refuses one more', (name, limit) => {
    expect(() => checkInputLengths(params({ [name]: 'x'.repeat(limit) }))).not.toThrow()
    expect(() => checkInputLengths(params({ [name]: 'x'.repeat(limit + 1) }))).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('echoes state only when it is within the limit', () => {
    expect(echoableState(params({ state: 'abc' }))).toBe('abc')
    expect(echoableState(params({ state: 'x'.repeat(INPUT_LENGTH_LIMITS.state + 1) }))).toBeUndefined()
    expect(echoableState(params({}))).toBeUndefined()
  })
})
