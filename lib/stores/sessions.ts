// Server-side sign-in sessions (UserSession rows). The browser holds only a sealed random
// handle (lib/session/current.ts); the row is keyed by SHA-256 of that handle, so a copy
// of the database cannot be turned into a working cookie. `sid` is the public id that
// tokens carry (OIDC Front-/Back-Channel Logout `sid`); a new one is minted on every
// sign-in (session fixation: OWASP Session Management Cheat Sheet, "Renew the Session ID").
import { randomBytes } from 'node:crypto'
import { now } from '../clock'
import { db as defaultDb, type Db } from '../db/client'
import type { SignInSession } from '../session/types'
import { hashHandle, newHandle } from '../tokens/handles'

/** lastSeenAt is written at most this often, so reading a session is not a write per request. */
export const TOUCH_INTERVAL_MS = 60_000

export interface NewSession {
  subjectId: string
  /** RFC 8176 authentication methods, e.g. ["pwd"]. */
  amr: string[]
  ipAddress?: string | null
  userAgent?: string | null
  /** Seconds until the session expires (absolute, not sliding). */
  lifetimeSeconds: number
  /** Defaults to now: the moment the person authenticated. */
  authTime?: Date
}

export interface CreatedSession {
  /** The secret the cookie carries (sealed); never stored. */
  handle: string
  session: SignInSession
}

type SessionRow = NonNullable<Awaited<ReturnType<Db['userSession']['findUnique']>>>

export async function createSession(input: NewSession, database: Db = defaultDb()): Promise<CreatedSession> {
  const handle = newHandle()
  const at = now()
  const row = await database.userSession.create({
    data: {
      key: hashHandle(handle),
      // 128 bits, hex like Duende's CryptoRandom.CreateUniqueId(16, HexEncoding).
      sid: randomBytes(16).toString('hex').toUpperCase(),
      subjectId: input.subjectId,
      authTime: input.authTime ?? at,
      amr: input.amr,
      ipAddress: input.ipAddress ?? null,
      userAgent: input.userAgent ?? null,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + input.lifetimeSeconds * 1000),
    },
  })
  return { handle, session: toSession(row) }
}

/** The live session a cookie handle points at; null when unknown or expired. */
export async function findSessionByHandle(handle: string, database: Db = defaultDb()): Promise<SignInSession | null> {
  const row = await database.userSession.findUnique({ where: { key: hashHandle(handle) } })
  return row && row.expiresAt > now() ? toSession(row) : null
}

/** The live session with this public id (e.g. from an id_token_hint's `sid`); null when gone or expired. */
export async function findSessionBySid(sid: string, database: Db = defaultDb()): Promise<SignInSession | null> {
  const row = await database.userSession.findUnique({ where: { sid } })
  return row && row.expiresAt > now() ? toSession(row) : null
}

/**
 * Records activity. One conditional UPDATE (no read first): it only writes when the last
 * write is older than TOUCH_INTERVAL_MS. Returns true when it wrote.
 */
export async function touchSession(sid: string, database: Db = defaultDb()): Promise<boolean> {
  const at = now()
  const { count } = await database.userSession.updateMany({
    where: { sid, lastSeenAt: { lt: new Date(at.getTime() - TOUCH_INTERVAL_MS) }, expiresAt: { gt: at } },
    data: { lastSeenAt: at },
  })
  return count === 1
}

/** Ends one session (sign-out, or the person ending it on the account page). True when it existed. */
export async function endSession(sid: string, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.userSession.deleteMany({ where: { sid } })
  return count > 0
}

/** Ends every session of a user (password change, account disabled, "sign out everywhere"). */
export async function endSessionsForUser(subjectId: string, database: Db = defaultDb()): Promise<number> {
  const { count } = await database.userSession.deleteMany({ where: { subjectId } })
  return count
}

/** A user's live sessions, most recently used first (for the account page). */
export async function listSessionsForUser(subjectId: string, database: Db = defaultDb()): Promise<SignInSession[]> {
  const rows = await database.userSession.findMany({
    where: { subjectId, expiresAt: { gt: now() } },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
  })
  return rows.map(toSession)
}

/** Deletes up to `batchSize` expired sessions (for the periodic clean-up job); returns how many. */
export async function removeExpiredSessions(batchSize: number, database: Db = defaultDb()): Promise<number> {
  const expired = await database.userSession.findMany({
    where: { expiresAt: { lte: now() } },
    select: { id: true },
    take: batchSize,
  })
  if (!expired.length) return 0
  const { count } = await database.userSession.deleteMany({ where: { id: { in: expired.map((r) => r.id) } } })
  return count
}

function toSession(row: SessionRow): SignInSession {
  return {
    sid: row.sid,
    subjectId: row.subjectId,
    authTime: row.authTime,
    amr: Array.isArray(row.amr) ? row.amr.filter((m): m is string => typeof m === 'string') : [],
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
  }
}
