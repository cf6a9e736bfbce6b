// The account page's view of one person's grants, and "revoke this app". Reads aggregate
// the Authorization families that still hold live tokens with the remembered consents;
// the write takes everything of one app back in one transaction.
import { now } from '../clock'
import { db as defaultDb, type Db } from '../db/client'
import { listConsentsForUser } from './consents'

/** What one app may do for the person, across all its families and its remembered consent. */
export interface AppAccess {
  clientId: string
  /** Every scope granted (families and remembered consent together), first-granted order. */
  scopes: string[]
  /** The earliest grant still in force (family creation or consent). */
  grantedAt: Date
  /** The latest use of a family (code exchange or refresh); null when only consent is remembered. */
  lastUsedAt: Date | null
  /** When the latest live refresh token expires; null: none, 'never': one without expiry. */
  refreshTokenExpiresAt: Date | 'never' | null
  /** Live refresh and reference tokens. */
  liveTokens: number
  consentRemembered: boolean
}

const TOKEN_TYPES = ['refresh_token', 'reference_token']

export async function listAppAccess(subjectId: string, database: Db = defaultDb()): Promise<AppAccess[]> {
  const at = now()
  const live = { type: { in: TOKEN_TYPES }, consumedTime: null, OR: [{ expiration: null }, { expiration: { gt: at } }] }
  const [families, consents] = await Promise.all([
    database.authorization.findMany({
      where: { subjectId, grants: { some: live } },
      include: { grants: { where: live, select: { type: true, expiration: true } } },
      orderBy: { createdAt: 'asc' },
    }),
    listConsentsForUser(subjectId, database),
  ])

  const apps = new Map<string, AppAccess>()
  const entry = (clientId: string, grantedAt: Date): AppAccess => {
    let app = apps.get(clientId)
    if (!app) {
      app = { clientId, scopes: [], grantedAt, lastUsedAt: null, refreshTokenExpiresAt: null, liveTokens: 0, consentRemembered: false }
      apps.set(clientId, app)
    }
    if (grantedAt < app.grantedAt) app.grantedAt = grantedAt
    return app
  }
  const addScopes = (app: AppAccess, scopes: unknown) => {
    for (const scope of Array.isArray(scopes) ? scopes : []) if (typeof scope === 'string' && !app.scopes.includes(scope)) app.scopes.push(scope)
  }

  for (const family of families) {
    const app = entry(family.clientId, family.createdAt)
    addScopes(app, family.scopes)
    if (!app.lastUsedAt || family.lastUsedAt > app.lastUsedAt) app.lastUsedAt = family.lastUsedAt
    app.liveTokens += family.grants.length
    for (const grant of family.grants) {
      if (grant.type !== 'refresh_token') continue
      const current = app.refreshTokenExpiresAt
      if (grant.expiration === null) app.refreshTokenExpiresAt = 'never'
      else if (current === null || (current !== 'never' && grant.expiration > current)) app.refreshTokenExpiresAt = grant.expiration
    }
  }
  for (const consent of consents) {
    const app = entry(consent.clientId, consent.createdAt)
    addScopes(app, consent.scopes)
    app.consentRemembered = true
  }
  return [...apps.values()].sort((a, b) => +(b.lastUsedAt ?? b.grantedAt) - +(a.lastUsedAt ?? a.grantedAt))
}

export interface AppRevocation {
  consents: number
  families: number
  /** Grants outside any family (none are issued so today; removed all the same). */
  strayGrants: number
}

/**
 * Takes back everything `subjectId` gave `clientId`, at once and all-or-nothing: the
 * remembered consent, and every family (its refresh tokens, reference tokens and codes go by
 * cascade). Scoped by subjectId in every statement, so a person can only revoke their own.
 */
export async function revokeAppAccess(subjectId: string, clientId: string, database: Db = defaultDb()): Promise<AppRevocation> {
  // A batch transaction: three statements, no application code between them.
  const [consents, families, strays] = await database.$transaction([
    database.consent.deleteMany({ where: { subjectId, clientId } }),
    database.authorization.deleteMany({ where: { subjectId, clientId } }),
    database.persistedGrant.deleteMany({ where: { subjectId, clientId } }),
  ])
  return { consents: consents.count, families: families.count, strayGrants: strays.count }
}
