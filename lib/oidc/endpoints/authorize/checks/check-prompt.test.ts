import { describe, expect, it } from 'vitest'
import { checkPrompt } from './check-prompt'
import { params } from './test-client'

describe('checkPrompt', () => {
  it('is empty when absent', () => {
    expect(checkPrompt(params({}))).toEqual([])
  })

  it.each([
    ['none', ['none']],
    ['login', ['login']],
    ['consent', ['consent']],
    ['select_account', ['select_account']],
    ['login consent', ['login', 'consent']],
    ['consent  login', ['consent', 'login']],
    ['login login', ['login']],
  ])('reads %j', (value, expected) => {
    expect(checkPrompt(params({ prompt: value }))).toEqual(expected)
  })

  it.each(['none login', 'consent none', 'create', 'LOGIN', 'login bogus'])('refuses %j', (value) => {
    expect(() => checkPrompt(params({ prompt: value }))).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})
