// Private signing keys are stored encrypted: a compact JWE (alg "dir", enc "A256GCM") under
// a 256-bit key derived with HKDF-SHA256 (RFC 5869) from KEY_ENCRYPTION_SECRET, as Duende's
// key management protects keys at rest with ASP.NET Data Protection. The row's kid is a
// protected header, so it is authenticated (AES-GCM AAD) and a ciphertext cannot be moved
// to another row unnoticed.
import { hkdfSync } from 'node:crypto'
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose'

const INFO = 'signing-key-encryption'

export interface KeyEncryption {
  encryptPrivateJwk(kid: string, jwk: JWK): Promise<string>
  /** Throws when the secret is not the one the key was encrypted under, or the JWE was altered. */
  decryptPrivateJwk(kid: string, jwe: string): Promise<JWK>
}

export function createKeyEncryption(secret: string): KeyEncryption {
  // The secret is already high-entropy (32+ characters, generated or operator-chosen), so an
  // empty salt is fine (RFC 5869 §3.1); `info` separates this use from any other of the secret.
  const key = new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'utf8'), new Uint8Array(0), INFO, 32))
  return {
    async encryptPrivateJwk(kid, jwk) {
      return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, cty: 'jwk+json' })
        .encrypt(key)
    },
    async decryptPrivateJwk(kid, jwe) {
      const { plaintext, protectedHeader } = await compactDecrypt(jwe, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      })
      if (protectedHeader.kid !== kid) throw new Error(`encrypted private key belongs to kid ${String(protectedHeader.kid)}, not ${kid}`)
      return JSON.parse(new TextDecoder().decode(plaintext)) as JWK
    },
  }
}
