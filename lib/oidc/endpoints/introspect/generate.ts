// The introspection response (RFC 7662 §2.2). Whatever cannot be shown — unknown, malformed,
// expired, revoked, consumed, or not the caller's to see — is exactly `{"active":false}`,
// so a caller learns nothing about tokens that are not for it.
//
// Who sees what (Duende: "refresh tokens can only be introspected by the client that
// requested them"):
// - access tokens (reference or JWT): an API whose name is in the token's `aud`;
// - refresh tokens: the client they were issued to.
import type { JWTPayload } from 'jose'
import type { ClientConfig, UserAccount } from '../../../config/model'
import { epochSeconds } from '../../../clock'
import { loadSettings } from '../../../config/env'
import { log } from '../../../log'
import { findClient, peekClient } from '../../../stores/clients'
import { findReferenceTokenWithUser } from '../../../stores/grants'
import { findRefreshTokenInUse, type StoredRefreshToken } from '../../../stores/refresh-tokens'
import { findUserBySubject } from '../../../stores/users'
import { ACCESS_TOKEN_TYP } from '../../../tokens/access-token'
import { verifyOwnJwt } from '../../../tokens/jwt'
import { merge } from '../../shared/merge'
import type { IntrospectionCaller, IntrospectionDeps, ValidatedIntrospectionRequest } from './validate'

export type IntrospectionResponse = { active: false } | ({ active: true; token_type: 'access_token' | 'refresh_token' } & Record<string, unknown>)

export const INACTIVE: { active: false } = Object.freeze({ active: false })

/** A compact JWS has three base64url parts; handles are one base64url string. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** `user`: the token's user when it was read with the token (a reference token, one statement). */
type Found = { kind: 'access_token'; claims: Record<string, unknown>; subjectId?: string; user?: UserAccount | null } | { kind: 'refresh_token'; token: StoredRefreshToken; user: UserAccount | null }

export async function generateIntrospectionResponse(request: ValidatedIntrospectionRequest, deps: IntrospectionDeps = {}): Promise<IntrospectionResponse> {
  const found = await findToken(request, deps)
  if (!found) return INACTIVE
  if (found.kind === 'refresh_token') return refreshTokenResponse(found.token, found.user, request.caller, deps)
  const answer = accessTokenResponse(found, request.caller, deps)
  return answer instanceof Promise ? await answer : answer
}

// The steps below are not async functions: each hands on the store's promise with one step
// after it, or answers at once when the caches can (the client, the user read with the
// token), where async layers would add promises and ticks (each a promise hook on Node 20
// while Next.js's AsyncLocalStorage is active). They run inside generateIntrospectionResponse,
// which turns anything they throw into its rejection.

/**
 * RFC 7662 §2.1: the hint only orders the lookups; a token is searched for among every type.
 * JWTs are recognised by their shape (no handle has dots), so they never hit the database.
 */
function findToken(request: ValidatedIntrospectionRequest, deps: IntrospectionDeps): Promise<Found | null> {
  const { token } = request
  if (token.length > 8192) return Promise.resolve(null)
  if (COMPACT_JWS.test(token)) return findJwt(token, deps)
  // Written out rather than a table of lookups.
  if (request.hint === 'refresh_token') return findRefresh(token, deps).then((found) => found ?? findAccess(token, deps))
  return findAccess(token, deps).then((found) => found ?? findRefresh(token, deps))
}

async function findJwt(token: string, deps: IntrospectionDeps): Promise<Found | null> {
  try {
    const claims: JWTPayload = await verifyOwnJwt(token, { typ: ACCESS_TOKEN_TYP }, deps.jwt)
    // RFC 9068 tokens for a user differ from client_credentials ones (sub = client_id) by auth_time.
    const isUserToken = claims.sub !== undefined && claims.sub !== claims.client_id
    return { kind: 'access_token', claims, ...(isUserToken && { subjectId: claims.sub }) }
  } catch (error) {
    log.info({ reason: (error as { reason?: string }).reason }, 'introspection: JWT refused')
    return null
  }
}

function findAccess(token: string, deps: IntrospectionDeps): Promise<Found | null> {
  return findReferenceTokenWithUser(token, deps.db).then(accessFound)
}

function accessFound(found: Awaited<ReturnType<typeof findReferenceTokenWithUser>>): Found | null {
  if (!found) return null
  const { token: stored, user } = found
  return { kind: 'access_token', claims: stored.claims, ...(stored.subjectId && { subjectId: stored.subjectId, user }) }
}

function findRefresh(token: string, deps: IntrospectionDeps): Promise<Found | null> {
  return findRefreshTokenInUse(token, deps.db).then((found) => found && { kind: 'refresh_token', token: found.token, user: found.user })
}

function accessTokenResponse(found: Extract<Found, { kind: 'access_token' }>, caller: IntrospectionCaller, deps: IntrospectionDeps): IntrospectionResponse | Promise<IntrospectionResponse> {
  const { claims } = found
  if (caller.kind !== 'resource') return INACTIVE
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.includes(caller.resource.name)) return INACTIVE
  if (typeof claims.exp !== 'number' || claims.exp <= epochSeconds()) return INACTIVE
  const active = ownersActive(claims.client_id, found.subjectId, deps, found.user)
  return active instanceof Promise ? active.then((owners) => describeAccessToken(claims, owners)) : describeAccessToken(claims, active)
}

function describeAccessToken(claims: Record<string, unknown>, ownersActive: boolean): IntrospectionResponse {
  if (!ownersActive) return INACTIVE
  // Duende returns the token's claims (user claims included: an API using reference tokens
  // gets them nowhere else), with the RFC 7662 members on top.
  return merge<IntrospectionResponse>(claims, { active: true, token_type: 'access_token' })
}

async function refreshTokenResponse(token: StoredRefreshToken, user: UserAccount | null, caller: IntrospectionCaller, deps: IntrospectionDeps): Promise<IntrospectionResponse> {
  if (caller.kind !== 'client' || caller.client.clientId !== token.clientId) return INACTIVE
  if (token.consumedTime) return INACTIVE
  if (token.expiration && token.expiration.getTime() <= epochSeconds() * 1000) return INACTIVE
  if (!(await ownersActive(token.clientId, token.subjectId, deps, user))) return INACTIVE
  const iat = Math.floor(token.creationTime.getTime() / 1000)
  return {
    active: true,
    token_type: 'refresh_token',
    scope: token.scopes.join(' '),
    client_id: token.clientId,
    sub: token.subjectId,
    iss: loadSettings().issuer,
    iat,
    nbf: iat,
    ...(token.expiration && { exp: Math.floor(token.expiration.getTime() / 1000) }),
    ...(token.sessionId && { sid: token.sessionId }),
  }
}

/**
 * Duende's TokenValidator: a token stops being active when its client or user is disabled or
 * gone. At once when the client is cached and the user was read with the token (or there is
 * none), else a promise.
 */
function ownersActive(clientId: unknown, subjectId: string | undefined, deps: IntrospectionDeps, readWithToken?: UserAccount | null): boolean | Promise<boolean> {
  if (typeof clientId !== 'string') return false
  const peeked = peekClient(clientId, deps.db)
  if (peeked === undefined) return findClient(clientId, deps.db).then((client) => userActive(client, subjectId, deps, readWithToken))
  return userActive(peeked, subjectId, deps, readWithToken)
}

function userActive(client: ClientConfig | null, subjectId: string | undefined, deps: IntrospectionDeps, readWithToken: UserAccount | null | undefined): boolean | Promise<boolean> {
  if (!client?.enabled) return false
  if (subjectId === undefined) return true
  if (readWithToken !== undefined) return isActiveUser(readWithToken, subjectId)
  return findUserBySubject(subjectId, deps.db).then((user) => isActiveUser(user, subjectId))
}

function isActiveUser(user: UserAccount | null, subjectId: string): boolean {
  return user?.subjectId === subjectId && user.enabled === true
}
