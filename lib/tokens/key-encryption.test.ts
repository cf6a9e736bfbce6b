import { exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { createKeyEncryption } from './key-encryption'

const SECRET = 'a-key-encryption-secret-of-enough-length-0123'

describe('key encryption at rest', () => {
  it('round-trips a private JWK through a dir/A256GCM compact JWE that does not show it', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = await exportJWK(privateKey)
    const jwe = await createKeyEncryption(SECRET).encryptPrivateJwk('kid-1', jwk)
    expect(jwe.split('.')).toHaveLength(5)
    expect(jwe).not.toContain(jwk.d)
    const header = JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString())
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: 'kid-1' })
    expect(await createKeyEncryption(SECRET).decryptPrivateJwk('kid-1', jwe)).toEqual(jwk)
  })

  it('fails to decrypt under another secret', async () => {
    const jwe = await createKeyEncryption(SECRET).encryptPrivateJwk('kid-1', { kty: 'oct', k: 'AAAA' })
    await expect(createKeyEncryption(`${SECRET}-other`).decryptPrivateJwk('kid-1', jwe)).rejects.toThrow()
  })

  it('refuses a ciphertext moved to another key row', async () => {
    const jwe = await createKeyEncryption(SECRET).encryptPrivateJwk('kid-1', { kty: 'oct', k: 'AAAA' })
    await expect(createKeyEncryption(SECRET).decryptPrivateJwk('kid-2', jwe)).rejects.toThrow(/kid-1/)
  })

  it('refuses a tampered ciphertext', async () => {
    const parts = (await createKeyEncryption(SECRET).encryptPrivateJwk('kid-1', { kty: 'oct', k: 'AAAA' })).split('.')
    const ciphertext = Buffer.from(parts[3]!, 'base64url')
    ciphertext[0]! ^= 1
    parts[3] = ciphertext.toString('base64url')
    await expect(createKeyEncryption(SECRET).decryptPrivateJwk('kid-1', parts.join('.'))).rejects.toThrow()
  })
})
