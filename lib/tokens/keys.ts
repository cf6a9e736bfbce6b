// Automatic signing-key management (Duende's KeyManagement, made deterministic for several
// processes on one database): RS256 (RSA 2048; required by OpenID Connect Core §15.1) and
// ES256 (P-256) keys are created, announced, activated, retired and removed on the timeline
// of lib/tokens/key-timeline.ts.
//
// Agreement without coordination: which key signs is a pure function of the stored rows and
// the clock, and generation N+1 of an algorithm can be inserted only once (unique
// (algorithm, generation)); a process that loses that race re-reads and uses the winner's key.
//
// Per process, the parsed keys are cached: private keys are decrypted and imported once per
// kid (never per token), and the rows are re-read when the cached plan reaches its next
// timeline boundary or after REFRESH_MS, so another process's new key is seen within that.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { audit } from '../audit'
import { loadSettings } from '../config/env'
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../config/model'
import { nowMs } from '../clock'
import type { Db } from '../db/client'
import { log } from '../log'
import { createSigningKeyStore, type SigningKeyStore, type StoredSigningKey } from '../stores/signing-keys'
import { createKeyEncryption, type KeyEncryption } from './key-encryption'
import { planKeys, validateKeySettings, type KeyPlan, type KeySettings } from './key-timeline'

/** How long a process trusts its cached view of the key table. */
export const REFRESH_MS = 60_000
/** After a failed refresh (database unavailable), keep serving the cached keys and retry this soon. */
const RETRY_MS = 5_000

export interface ActiveSigningKey {
  kid: string
  alg: SigningAlgorithm
  key: CryptoKey
}

export interface PublishedJwks {
  keys: JWK[]
}

export interface KeyManager {
  /** Start-up: creates missing keys and checks that every stored private key decrypts. */
  ensure(): Promise<void>
  getSigningKey(alg: SigningAlgorithm): Promise<ActiveSigningKey>
  /**
   * The same as getSigningKey, without a promise, when the cached view is current and the key
   * already imported; undefined otherwise (then call getSigningKey). The hot path of signing.
   */
  peekSigningKey(alg: SigningAlgorithm): ActiveSigningKey | undefined
  /** Public members only; the same (frozen) object until the next refresh. */
  getPublishedJwks(): Promise<PublishedJwks>
  /** The current timeline (diagnostics and tests). */
  getPlan(): Promise<KeyPlan>
}

export interface KeyManagerOptions {
  db?: Db
  store?: SigningKeyStore
  /** Epoch milliseconds; defaults to lib/clock (which tests move with testClock). */
  clock?: () => number
  settings?: { keys: KeySettings; keyEncryptionSecret: string }
  algorithms?: readonly SigningAlgorithm[]
}

interface Snapshot {
  keys: ReadonlyMap<string, StoredSigningKey>
  plan: KeyPlan
  jwks: PublishedJwks
  validUntil: number
}

export function createKeyManager(options: KeyManagerOptions = {}): KeyManager {
  const settings = options.settings ?? loadSettings()
  validateKeySettings(settings.keys)
  const store = options.store ?? createSigningKeyStore(options.db)
  const clock = options.clock ?? nowMs
  const algorithms = options.algorithms ?? SIGNING_ALGORITHMS
  const encryption = createKeyEncryption(settings.keyEncryptionSecret)
  const privateKeys = new Map<string, Promise<CryptoKey>>()
  /** Imported keys ready to sign, as handed out (by kid): peekSigningKey's answers. */
  const ready = new Map<string, ActiveSigningKey>()
  let snapshot: Snapshot | undefined
  let refreshing: Promise<Snapshot> | undefined

  function refresh(): Promise<Snapshot> {
    refreshing ??= load().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  async function current(): Promise<Snapshot> {
    if (snapshot && clock() < snapshot.validUntil) return snapshot
    return refresh()
  }

  async function load(): Promise<Snapshot> {
    try {
      let rows = await store.listSigningKeys()
      // Create what is due; a lost race (insert returns false) just means re-reading.
      for (let attempt = 0; attempt < 3; attempt++) {
        const due = planKeys(rows, algorithms, settings.keys, clock()).needsNewKey
        if (due.length === 0) break
        for (const alg of due) await createKey(alg, rows)
        rows = await store.listSigningKeys()
      }
      const now = clock()
      const plan = planKeys(rows, algorithms, settings.keys, now)
      if (plan.removable.length > 0) {
        await store.deleteSigningKeys(plan.removable)
        log.info({ kids: plan.removable }, 'deleted signing keys past their retention')
      }
      auditRotation(snapshot?.plan, plan)
      snapshot = build(rows.filter((r) => !plan.removable.includes(r.kid)), plan, now + REFRESH_MS)
    } catch (error) {
      if (!snapshot) throw error
      // Keep signing with what we know; the timeline is computed from the cached rows.
      log.warn({ err: error }, 'could not refresh signing keys; using the cached ones')
      const now = clock()
      snapshot = build([...snapshot.keys.values()], planKeys([...snapshot.keys.values()], algorithms, settings.keys, now), now + RETRY_MS)
    }
    return snapshot
  }

  function build(rows: StoredSigningKey[], plan: KeyPlan, refreshAt: number): Snapshot {
    const keys = new Map(rows.map((r) => [r.kid, r]))
    for (const kid of privateKeys.keys()) if (!keys.has(kid)) privateKeys.delete(kid)
    for (const kid of ready.keys()) if (!keys.has(kid)) ready.delete(kid)
    const published = plan.published.flatMap((kid) => {
      const row = keys.get(kid)
      return row ? [Object.freeze({ ...publicMembers(row.publicJwk), kid: row.kid, alg: row.algorithm, use: 'sig' })] : []
    })
    return { keys, plan, jwks: Object.freeze({ keys: Object.freeze(published) as JWK[] }), validUntil: Math.min(refreshAt, plan.nextChangeAt) }
  }

  async function createKey(alg: SigningAlgorithm, rows: readonly StoredSigningKey[]): Promise<void> {
    const generation = Math.max(0, ...rows.filter((r) => r.algorithm === alg).map((r) => r.generation)) + 1
    const pair = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048, extractable: true } : { extractable: true })
    const publicJwk = publicMembers(await exportJWK(pair.publicKey))
    // RFC 7638 thumbprint: a stable kid that says nothing but which key it is.
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256')
    const privateJwkEncrypted = await encryption.encryptPrivateJwk(kid, await exportJWK(pair.privateKey))
    const inserted = await store.insertSigningKey({ kid, algorithm: alg, generation, createdAt: new Date(clock()), publicJwk, privateJwkEncrypted })
    if (inserted) audit('key.created', { outcome: 'success', kid, alg, reason: `generation ${generation}` })
    else log.debug({ alg, generation }, 'another process created this signing key generation first')
  }

  function privateKey(row: StoredSigningKey): Promise<CryptoKey> {
    let key = privateKeys.get(row.kid)
    if (!key) {
      key = importPrivateKey(row)
      privateKeys.set(row.kid, key)
      key.catch(() => privateKeys.delete(row.kid))
    }
    return key
  }

  async function importPrivateKey(row: StoredSigningKey): Promise<CryptoKey> {
    let jwk: JWK
    try {
      jwk = await encryption.decryptPrivateJwk(row.kid, row.privateJwkEncrypted)
    } catch (cause) {
      throw new Error(
        `signing key ${row.kid} (${row.algorithm}) cannot be decrypted: KEY_ENCRYPTION_SECRET differs from the one it was stored under. ` +
          'Restore that secret, or delete the SigningKey rows to start with new keys (tokens already issued will stop verifying).',
        { cause },
      )
    }
    if (!samePublicKey(publicMembers(jwk), publicMembers(row.publicJwk))) throw new Error(`signing key ${row.kid}: private key does not match the stored public key`)
    return importJWK(jwk, row.algorithm, { extractable: false }) as Promise<CryptoKey>
  }

  return {
    async ensure() {
      const snap = await refresh()
      // Fail at start-up, not at the first token, when the secret or a row is wrong.
      await Promise.all([...snap.keys.values()].map((row) => privateKey(row)))
      for (const alg of algorithms) if (!snap.plan.signing.has(alg)) throw new Error(`no ${alg} signing key`)
    },

    async getSigningKey(alg) {
      const snap = await current()
      const kid = snap.plan.signing.get(alg)
      const row = kid === undefined ? undefined : snap.keys.get(kid)
      if (!row) throw new Error(`no ${alg} signing key`)
      const active: ActiveSigningKey = Object.freeze({ kid: row.kid, alg, key: await privateKey(row) })
      // Only if the row is still current (a refresh may have dropped it meanwhile).
      if (snapshot?.keys.get(row.kid) === row) ready.set(row.kid, active)
      return active
    },

    peekSigningKey(alg) {
      if (!snapshot || clock() >= snapshot.validUntil) return undefined
      const kid = snapshot.plan.signing.get(alg)
      return kid === undefined ? undefined : ready.get(kid)
    },

    async getPublishedJwks() {
      return (await current()).jwks
    },

    async getPlan() {
      return (await current()).plan
    },
  }
}

/** Only the public members of an RSA or EC key; private members (d, p, q, dp, dq, qi) never pass. */
export function publicMembers(jwk: JWK): JWK {
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) return { kty: 'RSA', n: jwk.n, e: jwk.e }
  if (jwk.kty === 'EC' && jwk.crv && jwk.x && jwk.y) return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }
  throw new Error(`unsupported signing key type ${String(jwk.kty)}`)
}

function samePublicKey(a: JWK, b: JWK): boolean {
  return a.kty === b.kty && a.n === b.n && a.e === b.e && a.crv === b.crv && a.x === b.x && a.y === b.y
}

// ---------------------------------------------------------------- the process-wide manager

// Kept on globalThis so the start-up script (lib/server/start.ts) and the route bundles
// Next.js loads share one cache, and dev-mode reloads do not start another.
const holder = globalThis as typeof globalThis & { __tokenserviceKeyManager?: KeyManager }

export function defaultKeyManager(): KeyManager {
  holder.__tokenserviceKeyManager ??= createKeyManager()
  return holder.__tokenserviceKeyManager
}

/** Call once at start-up (lib/server/bootstrap.ts), after migrations. */
export function ensureSigningKeys(): Promise<void> {
  return defaultKeyManager().ensure()
}

export function getSigningKey(alg: SigningAlgorithm): Promise<ActiveSigningKey> {
  return defaultKeyManager().getSigningKey(alg)
}

export function getPublishedJwks(): Promise<PublishedJwks> {
  return defaultKeyManager().getPublishedJwks()
}

/** The key an algorithm signs with changed since this process last looked (each process notices once). */
function auditRotation(before: KeyPlan | undefined, after: KeyPlan): void {
  if (!before) return
  for (const [alg, kid] of after.signing) {
    const previous = before.signing.get(alg)
    if (previous !== undefined && previous !== kid) audit('key.rotated', { outcome: 'success', kid, alg, reason: `replaces ${previous}` })
  }
}
