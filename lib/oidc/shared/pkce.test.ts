import { describe, expect, it } from 'vitest'
import { s256Challenge, verifierMatches } from './pkce'

const VERIFIER = 'dBjftJeZ4CVP-mJ0IGUCeYCoDQ2fSwuHqE7a5WRRjVk'

describe('PKCE verification (RFC 7636 §4.6)', () => {
  it('S256 is BASE64URL(SHA256(verifier)) without padding', () => {
    expect(s256Challenge(VERIFIER)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('matches the right verifier for S256 and plain', () => {
    expect(verifierMatches(VERIFIER, s256Challenge(VERIFIER), 'S256')).toBe(true)
    expect(verifierMatches(VERIFIER, VERIFIER, 'plain')).toBe(true)
  })

  it.each([
    ['another verifier', `${VERIFIER.slice(0, -1)}X`],
    ['the challenge itself (S256 downgraded to plain by the attacker)', s256Challenge(VERIFIER)],
    ['a too-short verifier', 'abc'],
    ['a verifier outside the alphabet', `${VERIFIER}+`],
  ])('refuses %s', (_name, verifier) => {
    expect(verifierMatches(verifier, s256Challenge(VERIFIER), 'S256')).toBe(false)
  })

  it('plain compares exactly', () => {
    expect(verifierMatches(VERIFIER, VERIFIER.toUpperCase(), 'plain')).toBe(false)
  })
})
