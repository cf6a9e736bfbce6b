// Disabling a user (admin CLI `disable-user`, or an import with `enabled: false`): the store
// takes everything back in one transaction (lib/stores/users.ts), and the audit trail records
// what was taken, as Duende raises its events when sessions and grants are removed
// (UserLogoutSuccessEvent, GrantsRevokedEvent). Reason `user_disabled` tells these events from
// the person's own.
import { audit as processAudit, type Audit } from '../audit'
import type { Db } from '../db/client'
import { disableUser, type UserDisabled } from '../stores/users'

/** Null when there is no such user (nothing written, nothing logged). */
export async function disableUserAccount(username: string, deps: { database?: Db; audit?: Audit } = {}): Promise<UserDisabled | null> {
  const done = await disableUser(username, deps.database)
  if (done) auditDisabled(done, deps.audit)
  return done
}

/** The audit events of a user disabled (by the CLI, or by an import that sets enabled: false). */
export function auditDisabled(done: UserDisabled, audit: Audit = processAudit): void {
  const who = { outcome: 'success', sub: done.subjectId, reason: 'user_disabled' } as const
  // Always, so the audit trail shows the disabling even when there was nothing to revoke.
  audit('grant.revoked', { ...who, count: done.families + done.strayGrants })
  if (done.sessions) audit('session.ended', { ...who, count: done.sessions })
  if (done.consents) audit('consent.revoked', { ...who, count: done.consents })
}
