import { describe, expect, it } from 'vitest'
import { checkPkce } from './check-pkce'
import { params, testClient } from './test-client'

// A well-formed S256 challenge (43 base64url characters).
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const strict = testClient({ requirePkce: true, requireClientSecret: true })
const optional = testClient({ requirePkce: false, requireClientSecret: true })
const publicClient = testClient({ requirePkce: false, requireClientSecret: false })
const plainAllowed = testClient({ requirePkce: true, allowPlainTextPkce: true })

describe('checkPkce', () => {
  it('accepts S256', () => {
    expect(checkPkce(params({ code_challenge: CHALLENGE, code_challenge_method: 'S256' }), strict)).toEqual({ codeChallenge: CHALLENGE, codeChallengeMethod: 'S256' })
  })

  it('is required when the client requires it', () => {
    expect(() => checkPkce(params({}), strict)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('is required for public clients even when requirePkce is off', () => {
    expect(() => checkPkce(params({}), publicClient)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('is optional for a confidential client that does not require it', () => {
    expect(checkPkce(params({}), optional)).toEqual({})
  })

  it('treats a missing method as plain (RFC 7636 §4.3), refused unless allowed', () => {
    const plain = 'a'.repeat(43)
    expect(() => checkPkce(params({ code_challenge: plain }), strict)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
    expect(checkPkce(params({ code_challenge: plain }), plainAllowed)).toEqual({ codeChallenge: plain, codeChallengeMethod: 'plain' })
    expect(checkPkce(params({ code_challenge: plain, code_challenge_method: 'plain' }), plainAllowed).codeChallengeMethod).toBe('plain')
  })

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside the alphabet', `${'a'.repeat(42)}+`],
    ['padding', `${'a'.repeat(42)}=`],
  ])('refuses a challenge of %s', (_name, challenge) => {
    expect(() => checkPkce(params({ code_challenge: challenge, code_challenge_method: 'S256' }), strict)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('accepts 43 and 128 characters of the full alphabet', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'
    expect(checkPkce(params({ code_challenge: alphabet.slice(0, 43), code_challenge_method: 'S256' }), strict).codeChallenge).toHaveLength(43)
    expect(checkPkce(params({ code_challenge: (alphabet + alphabet).slice(0, 128), code_challenge_method: 'S256' }), strict).codeChallenge).toHaveLength(128)
  })

  it.each(['s256', 'S512', 'none'])('refuses method %s', (method) => {
    expect(() => checkPkce(params({ code_challenge: CHALLENGE, code_challenge_method: method }), plainAllowed)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('refuses a method without a challenge', () => {
    expect(() => checkPkce(params({ code_challenge_method: 'S256' }), optional)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})
