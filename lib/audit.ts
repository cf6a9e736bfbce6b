// The audit trail: security events as structured log lines, in the spirit of Duende's events
// (UserLoginSuccessEvent, TokenIssuedSuccessEvent, TokenRevokedSuccessEvent, GrantsRevokedEvent,
// ClientAuthenticationFailureEvent...). Each is one JSON line on the process's logger with
// `audit: true`, the event name and a fixed set of fields: who (client_id, sub), from where
// (ip), what happened (outcome, reason) and a few non-secret details.
//
// Never a secret, password or token: the fields are a closed list of identifiers, and values
// are copied field by field, so a caller cannot add a token by mistake (e2e/protocol/
// audit-log.test.ts greps a server's whole output for every secret it used).
//
// The IP of the current request comes from a request context (AsyncLocalStorage) that the
// protocol endpoints set, so code deep in a grant need not carry it.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Logger } from 'pino'
import { log } from './log'

export type AuditEvent =
  /** Password sign-in (UserLoginSuccessEvent / UserLoginFailureEvent). */
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  /** Tokens issued at the token endpoint, one event per request, with grant_type (TokenIssuedSuccessEvent). */
  | 'token.issued'
  /** A refresh_token grant succeeded. */
  | 'token.refreshed'
  /** A token request refused (TokenIssuedFailureEvent); reason is the OAuth error code. */
  | 'token.failed'
  /** A one-time refresh token reused after its grace period: the family was revoked (RFC 9700 §4.14.2). */
  | 'refresh_token.reused'
  /** An authorization code presented again: its family was revoked (RFC 6749 §4.1.2). */
  | 'code.replayed'
  /** Tokens revoked: at the revocation endpoint (RFC 7009) or on the account page (TokenRevokedSuccessEvent, GrantsRevokedEvent). */
  | 'grant.revoked'
  /** Consent given or refused on the consent page, or a remembered consent revoked. */
  | 'consent.granted'
  | 'consent.denied'
  | 'consent.revoked'
  /** A sign-in session ended: sign-out, end session, account page (UserLogoutSuccessEvent). */
  | 'session.ended'
  /** Signing keys: a new key stored, or the key that signs changed. */
  | 'key.created'
  | 'key.rotated'
  /** Client or API authentication failed (ClientAuthenticationFailureEvent, ApiAuthenticationFailureEvent). */
  | 'client_auth.failed'
  /** A request refused by a throttle (429 or the login page's message). */
  | 'request.throttled'

export interface AuditFields {
  outcome: 'success' | 'failure'
  client_id?: string | null
  sub?: string | null
  ip?: string | null
  /** Why (a failure reason, or what triggered the event); never user input verbatim. */
  reason?: string
  endpoint?: string
  grant_type?: string
  scope?: string
  /** The sign-in session's id (the `sid` claim, not the cookie). */
  sid?: string | null
  /** The grant family (Authorization row id: a random UUID, not a token). */
  authorization_id?: string | null
  /** Signing key id and algorithm (public). */
  kid?: string
  alg?: string
  /** How many things the event touched (sessions ended, tokens revoked). */
  count?: number
}

const FIELDS: readonly (keyof AuditFields)[] = ['outcome', 'client_id', 'sub', 'ip', 'reason', 'endpoint', 'grant_type', 'scope', 'sid', 'authorization_id', 'kid', 'alg', 'count']
/** Identifiers are short; anything longer is cut (a huge presented client_id stays out of the logs). */
const MAX_VALUE = 200

/** Security incidents are logged at warn, so they stay visible with LOG_LEVEL=warn. */
const WARN: ReadonlySet<AuditEvent> = new Set(['refresh_token.reused', 'code.replayed', 'client_auth.failed', 'request.throttled', 'sign_in.failed'])

export interface AuditContext {
  ip?: string | null
  endpoint?: string
}

const context = new AsyncLocalStorage<AuditContext>()

/** Runs `fn` with the request's IP (and endpoint) filled into every audit event it emits. */
export function withAuditContext<T>(ctx: AuditContext, fn: () => T): T {
  return context.run(ctx, fn)
}

export type Audit = (event: AuditEvent, fields: AuditFields) => void

/** An audit function writing to `logger` (tests pass a logger with their own destination). */
export function createAudit(logger: Logger): Audit {
  return (event, fields) => {
    const warn = WARN.has(event)
    // Nothing to build when the level drops the line (LOG_LEVEL=warn drops token.issued).
    if (!logger.isLevelEnabled(warn ? 'warn' : 'info')) return
    const ctx = context.getStore()
    const line: Record<string, unknown> = { audit: true, event }
    for (const name of FIELDS) {
      // The request's endpoint and IP, unless the event gives its own (even undefined). Read
      // field by field rather than spread into one object first: a literal that starts with a
      // spread is a slow path on Node 20 (lib/oidc/shared/merge.ts).
      const value = Object.hasOwn(fields, name) ? fields[name] : name === 'endpoint' ? ctx?.endpoint : name === 'ip' ? ctx?.ip : undefined
      if (value === undefined || value === null) continue
      line[name] = typeof value === 'string' ? value.slice(0, MAX_VALUE) : typeof value === 'number' ? value : undefined
    }
    try {
      if (warn) logger.warn(line, event)
      else logger.info(line, event)
    } catch {
      // An audit line must never fail the request it describes.
    }
  }
}

/** The process's audit trail (on lib/log's logger). */
export const audit: Audit = createAudit(log)
