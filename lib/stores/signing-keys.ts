// The only code that reads or writes the SigningKey table. The rows hold facts only
// (kid, algorithm, generation, createdAt, keys); each key's timeline is derived from them
// in lib/tokens/key-timeline.ts, so every process sharing the database computes the same one.
import type { JWK } from 'jose'
import type { SigningAlgorithm } from '../config/model'
import { db as defaultDb, type Db } from '../db/client'

export interface StoredSigningKey {
  kid: string
  algorithm: SigningAlgorithm
  generation: number
  createdAt: Date
  /** Public members only (kty, n, e / crv, x, y). */
  publicJwk: JWK
  /** Compact JWE of the private JWK (lib/tokens/key-encryption.ts). */
  privateJwkEncrypted: string
}

export interface SigningKeyStore {
  /** Every stored key, oldest generation first. */
  listSigningKeys(): Promise<StoredSigningKey[]>
  /**
   * Inserts a key. Returns false, without throwing, when another process already created
   * this (algorithm, generation): the caller re-reads and uses that one instead.
   */
  insertSigningKey(key: StoredSigningKey): Promise<boolean>
  /** Deletes keys by kid (those past their removal time); returns how many went. */
  deleteSigningKeys(kids: readonly string[]): Promise<number>
}

export function createSigningKeyStore(database?: Db): SigningKeyStore {
  const client = () => database ?? defaultDb()
  return {
    async listSigningKeys() {
      const rows = await client().signingKey.findMany({ orderBy: [{ algorithm: 'asc' }, { generation: 'asc' }] })
      return rows.flatMap((row) => {
        if (row.algorithm !== 'RS256' && row.algorithm !== 'ES256') return []
        return [
          {
            kid: row.id,
            algorithm: row.algorithm,
            generation: row.generation,
            createdAt: row.createdAt,
            publicJwk: row.publicJwk as JWK,
            privateJwkEncrypted: row.privateJwkEncrypted,
          },
        ]
      })
    },

    async insertSigningKey(key) {
      try {
        await client().signingKey.create({
          data: {
            id: key.kid,
            algorithm: key.algorithm,
            generation: key.generation,
            createdAt: key.createdAt,
            publicJwk: key.publicJwk as object,
            privateJwkEncrypted: key.privateJwkEncrypted,
          },
        })
        return true
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
    },

    async deleteSigningKeys(kids) {
      if (kids.length === 0) return 0
      const { count } = await client().signingKey.deleteMany({ where: { id: { in: [...kids] } } })
      return count
    },
  }
}

/** Prisma's P2002 (unique constraint failed), the same with every driver adapter. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002'
}
