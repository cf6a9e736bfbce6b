// Authorization codes (RFC 6749 §4.1.2): PersistedGrant rows of type `authorization_code`,
// keyed by the SHA-256 of the code, bound to everything the token request must match.
// Single use is enforced by the database, not by a read-then-write race: the consuming
// UPDATE is conditional on `consumedTime IS NULL` (and unexpired), and only the caller whose
// update changed exactly one row gets the code (The Copenhagen Book: "any retrieval should also
// guarantee deletion"; Duende marks ConsumedTime and keeps the row to detect replay).
//
// The token endpoint reads a code (findCode) without consuming it, builds the tokens, then
// consumes it and stores the tokens in ONE transaction (redeemCodeOnce): a code is never
// spent without its tokens stored, nor tokens stored from a code someone else spent.
import { now } from '../clock'
import type { UserAccount } from '../config/model'
import { db as defaultDb, Prisma, statementsOf, type Db } from '../db/client'
import type { Statements } from '../db/statements'
import { hashHandle } from '../tokens/handles'
import { GRANT_COLUMNS, grantRow, insertGrant, toStoredGrant, type GrantRowValues, type NewGrantRow, type StoredGrant } from './grants'
import { JOINED_USER_COLUMNS, joinedUser, type JoinedUserColumns } from './users'

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

/** Stores a code that expires `lifetimeSeconds` from now. */
export async function storeCode(handle: string, code: AuthorizationCodeData, lifetimeSeconds: number, database: Db = defaultDb()): Promise<void> {
  const expiration = new Date(now().getTime() + lifetimeSeconds * 1000)
  const data: CodeData = { redirectUri: code.redirectUri, scopes: code.scopes, authTime: code.authTime, amr: code.amr }
  if (code.codeChallenge !== undefined) data.codeChallenge = code.codeChallenge
  if (code.codeChallengeMethod !== undefined) data.codeChallengeMethod = code.codeChallengeMethod
  if (code.nonce !== undefined) data.nonce = code.nonce
  const owner = { clientId: code.clientId, subjectId: code.subjectId, sessionId: code.sessionId, authorizationId: code.authorizationId }
  await insertGrant(statementsOf(database), grantRow(TYPE, handle, owner, expiration, data))
}

/** A presented code as it stands, read without consuming it. */
export type CodeLookup =
  /** Live and unused; `user` is its subject's account (null when gone), read in the same statement. */
  | { outcome: 'usable'; code: StoredAuthorizationCode; user: UserAccount | null }
  /** Used before (RFC 6749 §4.1.2: the caller should revoke the family). */
  | { outcome: 'replayed'; authorizationId?: string; clientId: string }
  /** Unknown, not a code, or expired. */
  | { outcome: 'invalid' }

/** The code's bindings as stored in `data` (the ownership columns hold the rest). */
interface CodeData {
  redirectUri: string
  scopes: string[]
  authTime: number
  amr: string[]
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
  nonce?: string
}

/** Reads a code and its user in one statement, changing nothing. */
export async function findCode(handle: string, database: Db = defaultDb()): Promise<CodeLookup> {
  const rows = await statementsOf(database).query<GrantRowValues & JoinedUserColumns>(Prisma.sql`
    SELECT ${GRANT_COLUMNS}, ${JOINED_USER_COLUMNS}
    FROM "PersistedGrant" g LEFT JOIN "User" u ON u."subjectId" = g."subjectId"
    WHERE g."key" = ${hashHandle(handle)}`)
  const row = rows[0]
  if (!row || row.type !== TYPE) return { outcome: 'invalid' }
  const grant = toStoredGrant<Record<string, unknown>>(row)
  if (grant.consumedTime) return replayed(grant)
  // Expired and never used: refused, left as it is (nothing was issued from it).
  if (!grant.expiration || grant.expiration <= now()) return { outcome: 'invalid' }
  return { outcome: 'usable', code: toCode(grant), user: joinedUser(row) }
}

/**
 * Consumes a code and stores the tokens issued from it, all or nothing, in one transaction:
 * the conditional UPDATE (unconsumed, unexpired) must change exactly one row, else the code
 * was spent by someone else (a replay, or its family was revoked) and nothing is stored.
 * Of any number of concurrent callers, in one process or many, exactly one gets true.
 *
 * An interactive transaction (the inserts depend on the UPDATE's count), on the driver
 * adapter (lib/db/statements.ts): through Prisma's `$transaction` the same work costs ~550 µs
 * of CPU, here ~150 µs. Not a batch whose inserts are each `INSERT ... SELECT
 * ... WHERE` the code is unconsumed: that is exactly-once on SQLite (one write lock from the
 * first statement to the commit) but not on PostgreSQL under READ COMMITTED, where two
 * transactions can both see the code unconsumed; the SQL is kept portable, so is this. The
 * write lock is held only for these statements: everything slow (signing, handles) was done
 * before. Across processes the database's write lock makes the UPDATE's count exact; within
 * one process lib/db/one-connection-gate.ts keeps other requests' queries out of the
 * transaction.
 */
export async function redeemCodeOnce(handle: string, grants: readonly NewGrantRow[], database: Db = defaultDb()): Promise<boolean> {
  const key = hashHandle(handle)
  const at = now()
  const consume = (tx: Statements) =>
    tx.execute(Prisma.sql`
      UPDATE "PersistedGrant" SET "consumedTime" = ${at}
      WHERE "key" = ${key} AND "type" = ${TYPE} AND "consumedTime" IS NULL AND "expiration" > ${at}`)
  const statements = statementsOf(database)
  // Nothing to store with it (self-contained tokens only): the UPDATE alone is atomic.
  if (grants.length === 0) return (await consume(statements)) === 1
  return statements.transaction(async (tx) => {
    if ((await consume(tx)) !== 1) return false
    for (const row of grants) await insertGrant(tx, row)
    return true
  })
}

function replayed(grant: StoredGrant<unknown>): CodeLookup & { outcome: 'replayed' } {
  return { outcome: 'replayed', clientId: grant.clientId, ...(grant.authorizationId && { authorizationId: grant.authorizationId }) }
}

/** The one mapping from a stored code row to the code. */
function toCode(grant: StoredGrant<Record<string, unknown>>): StoredAuthorizationCode {
  const data = grant.data
  const code: StoredAuthorizationCode = {
    clientId: grant.clientId,
    subjectId: grant.subjectId ?? '',
    sessionId: grant.sessionId ?? '',
    authorizationId: grant.authorizationId ?? '',
    redirectUri: String(data.redirectUri),
    scopes: stringArray(data.scopes),
    authTime: Number(data.authTime),
    amr: stringArray(data.amr),
    creationTime: grant.creationTime,
    expiration: grant.expiration ?? grant.creationTime,
  }
  if (typeof data.codeChallenge === 'string') code.codeChallenge = data.codeChallenge
  if (data.codeChallengeMethod === 'S256' || data.codeChallengeMethod === 'plain') code.codeChallengeMethod = data.codeChallengeMethod
  if (typeof data.nonce === 'string') code.nonce = data.nonce
  return code
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
