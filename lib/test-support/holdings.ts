// Everything a signed-in person can hold in the database, for tests of taking it all back
// (disabling a user), counted with plain counts per table. Sessions, families and consents
// come from their stores; the grant rows are written as they are stored (only their owner
// columns matter here), so these tests do not depend on how each grant encodes its data.
import { now } from '../clock'
import type { Db } from '../db/client'
import { createAuthorization } from '../stores/authorizations'
import { rememberConsent } from '../stores/consents'
import { createSession } from '../stores/sessions'
import { hashHandle, newHandle } from '../tokens/handles'

const DAY_MS = 86_400_000

/**
 * For each client: a sign-in session, and a family holding an unredeemed code, a refresh token
 * and a reference access token, plus a remembered consent; and one reference token outside
 * any family.
 */
export async function giveHoldings(subjectId: string, clientIds: string[], database: Db): Promise<void> {
  for (const clientId of clientIds) {
    const { session } = await createSession({ subjectId, amr: ['pwd'], lifetimeSeconds: 3600 }, database)
    const scopes = ['openid', 'offline_access']
    const authorizationId = await createAuthorization({ clientId, subjectId, sessionId: session.sid, scopes }, database)
    const owner = { clientId, subjectId, sessionId: session.sid, authorizationId }
    await grant(database, 'authorization_code', owner, 300_000)
    await grant(database, 'refresh_token', owner, 30 * DAY_MS)
    await grant(database, 'reference_token', owner, DAY_MS)
    await rememberConsent(subjectId, clientId, scopes, {}, database)
  }
  await grant(database, 'reference_token', { clientId: clientIds[0] ?? 'stray', subjectId, sessionId: null, authorizationId: null }, DAY_MS)
}

interface Owner {
  clientId: string
  subjectId: string
  sessionId: string | null
  authorizationId: string | null
}

async function grant(database: Db, type: string, owner: Owner, lifetimeMs: number): Promise<void> {
  const at = now()
  await database.persistedGrant.create({ data: { key: hashHandle(newHandle()), type, ...owner, creationTime: at, expiration: new Date(+at + lifetimeMs), data: {} } })
}

export interface HoldingCounts {
  sessions: number
  families: number
  /** Codes, refresh and reference tokens, in families or not. */
  grants: number
  consents: number
}

export async function countHoldings(subjectId: string, database: Db): Promise<HoldingCounts> {
  const where = { where: { subjectId } }
  const [sessions, families, grants, consents] = await Promise.all([
    database.userSession.count(where),
    database.authorization.count(where),
    database.persistedGrant.count(where),
    database.consent.count(where),
  ])
  return { sessions, families, grants, consents }
}
