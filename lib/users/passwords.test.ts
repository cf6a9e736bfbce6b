import { describe, expect, it } from 'vitest'
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from './passwords'

describe('passwords', () => {
  it('hash with argon2id at the OWASP parameters, salted', async () => {
    const first = await hashPassword('correct horse')
    const second = await hashPassword('correct horse')
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(second).not.toBe(first)
    expect(needsRehash(first)).toBe(false)
  })

  it('verify the right password only', async () => {
    const hash = await hashPassword('correct horse')
    expect(await verifyPassword(hash, 'correct horse')).toBe(true)
    expect(await verifyPassword(hash, 'correct horse ')).toBe(false)
    expect(await verifyPassword(hash, '')).toBe(false)
  })

  it('treat a malformed stored hash as a mismatch, and as needing a rehash', async () => {
    expect(await verifyPassword('not a hash', 'x')).toBe(false)
    expect(needsRehash('not a hash')).toBe(true)
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g')).toBe(true)
  })

  it('dummyVerify always says no', async () => {
    expect(await dummyVerify('anything')).toBe(false)
    expect(await dummyVerify('')).toBe(false)
  })
})
