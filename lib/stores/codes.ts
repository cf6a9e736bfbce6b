// Authorization codes (RFC 6749 §4.1.2): PersistedGrant rows of type `authorization_code`,
// keyed by the SHA-256 of the code, bound to everything the token request must match.
// Single use is enforced by the database, not by a read-then-write race: the consuming
// UPDATE is conditional on `consumedTime IS NULL` (and unexpired), and only the caller whose
// update changed exactly one row gets the code (The Copenhagen Book: "any retrieval should also
// guarantee deletion"; Duende marks ConsumedTime and keeps the row to detect replay).
import { now } from '../clock'
import { db as defaultDb, type Db, type Prisma } from '../db/client'
import { hashHandle } from '../tokens/handles'
import { insertGrant } from './grants'

const TYPE = 'authorization_code'

/** What a code stands for; the token endpoint checks the request against it. */
export interface AuthorizationCodeData {
  clientId: string
  subjectId: string
  /** The `sid` of the sign-in session that approved it. */
  sessionId: string
  /** The family (Authorization row) it starts; revoked when the code is replayed. */
  authorizationId: string
  /** The redirect_uri of the authorization request, compared by exact string (RFC 6749 §4.1.3). */
  redirectUri: string
  /** The granted scopes, in request order. */
  scopes: string[]
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
  nonce?: string
  /** OIDC auth_time, epoch seconds. */
  authTime: number
  amr: string[]
}

export interface StoredAuthorizationCode extends AuthorizationCodeData {
  creationTime: Date
  expiration: Date
}

export type CodeConsumption =
  | { outcome: 'consumed'; code: StoredAuthorizationCode }
  /** Seen before (RFC 6749 §4.1.2: the caller should revoke the family). */
  | { outcome: 'replayed'; authorizationId?: string; clientId: string }
  /** Unknown, not a code, or expired (an expired code is left unconsumed: nothing was issued from it). */
  | { outcome: 'invalid' }

/** Stores a code that expires `lifetimeSeconds` from now. */
export async function storeCode(handle: string, code: AuthorizationCodeData, lifetimeSeconds: number, database: Db = defaultDb()): Promise<void> {
  const expiration = new Date(now().getTime() + lifetimeSeconds * 1000)
  const data: Prisma.InputJsonObject = {
    redirectUri: code.redirectUri,
    scopes: code.scopes,
    authTime: code.authTime,
    amr: code.amr,
    ...(code.codeChallenge !== undefined && { codeChallenge: code.codeChallenge }),
    ...(code.codeChallengeMethod !== undefined && { codeChallengeMethod: code.codeChallengeMethod }),
    ...(code.nonce !== undefined && { nonce: code.nonce }),
  }
  await insertGrant(
    database,
    TYPE,
    handle,
    { clientId: code.clientId, subjectId: code.subjectId, sessionId: code.sessionId, authorizationId: code.authorizationId },
    expiration,
    data,
  )
}

/**
 * Consumes a code exactly once. The conditional UPDATE is the whole atomic step: of any
 * number of concurrent callers (in one process or many), only the one whose update returned
 * the row gets `consumed`. For the others a read only classifies the outcome, so no
 * transaction is needed; keeping the write lock of an interactive transaction open across
 * awaits would stall every other SQLite writer instead.
 */
export async function consumeCodeOnce(handle: string, database: Db = defaultDb()): Promise<CodeConsumption> {
  const key = hashHandle(handle)
  const at = now()
  // UPDATE … RETURNING (SQLite 3.35+, PostgreSQL): the consumed row comes back with the
  // update itself, so a good code costs one statement; only a refused one is read again.
  const [consumed] = await database.persistedGrant.updateManyAndReturn({
    where: { key, type: TYPE, consumedTime: null, expiration: { gt: at } },
    data: { consumedTime: at },
  })
  if (!consumed) {
    const row = await database.persistedGrant.findUnique({ where: { key } })
    // Unknown, not a code, expired and never used, or gone since (a concurrent replay revoked the family).
    if (!row || row.type !== TYPE || !row.consumedTime) return { outcome: 'invalid' }
    return { outcome: 'replayed', clientId: row.clientId, ...(row.authorizationId && { authorizationId: row.authorizationId }) }
  }
  const row = consumed
  const data = row.data as Record<string, unknown>
  const code: StoredAuthorizationCode = {
    clientId: row.clientId,
    subjectId: row.subjectId ?? '',
    sessionId: row.sessionId ?? '',
    authorizationId: row.authorizationId ?? '',
    redirectUri: String(data.redirectUri),
    scopes: stringArray(data.scopes),
    authTime: Number(data.authTime),
    amr: stringArray(data.amr),
    creationTime: row.creationTime,
    expiration: row.expiration ?? at,
  }
  if (typeof data.codeChallenge === 'string') code.codeChallenge = data.codeChallenge
  if (data.codeChallengeMethod === 'S256' || data.codeChallengeMethod === 'plain') code.codeChallengeMethod = data.codeChallengeMethod
  if (typeof data.nonce === 'string') code.nonce = data.nonce
  return { outcome: 'consumed', code }
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
