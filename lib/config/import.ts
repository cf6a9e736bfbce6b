// The configuration import: validate the whole file, then upsert API scopes, API resources,
// identity resources, clients and users in ONE transaction, so a bad file writes nothing.
// Importing the same file again writes nothing either (every store compares before it
// writes), and entities absent from the file are left alone. A write moves the
// `config.version` setting on, which tells every process's config cache to reload.
import { randomUUID } from 'node:crypto'
import type { Audit } from '../audit'
import { db as defaultDb, type Db } from '../db/client'
import { log } from '../log'
import { upsertClient } from '../stores/clients'
import { bumpConfigVersion, invalidateConfigCache } from '../stores/config-cache'
import type { UpsertOutcome } from '../stores/config-rows'
import { definedResourceNames, upsertApiResource, upsertApiScope, upsertIdentityResource } from '../stores/resources'
import { inTransaction, type Tx } from '../stores/transaction'
import { findStoredUser, saveImportedUser, type UserDisabled } from '../stores/users'
import { auditDisabled } from '../users/disable'
import { hashPassword, needsRehash, verifyPassword } from '../users/passwords'
import { BUILT_IN_IDENTITY_RESOURCES } from './built-in-resources'
import { formatIssue, parseImportFile, referenceIssues, type ImportFile, type ImportedUser, type Issue } from './import-schema'

export class ImportValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`The configuration is invalid:\n  ${issues.join('\n  ')}`)
    this.name = 'ImportValidationError'
  }
}

export interface ImportCounts {
  created: number
  updated: number
  unchanged: number
}

export interface ImportSummary {
  dryRun: boolean
  /** True when something was (or, in a dry run, would be) created or updated. */
  changed: boolean
  /** The new config.version after a write; null when nothing was written. */
  configVersion: string | null
  apiScopes: ImportCounts
  apiResources: ImportCounts
  /** Includes the built-in identity resources, which every import brings up to date. */
  identityResources: ImportCounts
  clients: ImportCounts
  users: ImportCounts
}

export interface ImportOptions {
  /** Validate against the database and count what would change, writing nothing. */
  dryRun?: boolean
  db?: Db
  /** Where the audit events go (users the file disables); the process's audit trail by default. */
  audit?: Audit
}

const KINDS = ['apiScopes', 'apiResources', 'identityResources', 'clients', 'users'] as const

export async function importConfiguration(file: unknown, options: ImportOptions = {}): Promise<ImportSummary> {
  const parsed = parseImportFile(file)
  if (!parsed.ok) throw new ImportValidationError(parsed.issues)
  const data = parsed.data
  const database = options.db ?? defaultDb()
  const write = !options.dryRun
  // argon2 is slow by design: verify and hash before the transaction, not while holding it.
  const passwords = await Promise.all(data.users.map((user) => preparePassword(user, database, write)))

  // Users the file disables lose their sessions and grants in the same transaction; the audit
  // events follow once it committed.
  const disabled: UserDisabled[] = []
  const summary = await inTransaction(database, async (tx) => {
    const summary = emptySummary(!write)
    const issues = referenceIssues(data, await definedResourceNames(tx))
    if (issues.length) throw invalid(file, issues)

    for (const scope of data.apiScopes) count(summary.apiScopes, await upsertApiScope(tx, scope, write))
    for (const resource of data.apiResources) count(summary.apiResources, await upsertApiResource(tx, resource, write))
    for (const resource of BUILT_IN_IDENTITY_RESOURCES) count(summary.identityResources, await upsertIdentityResource(tx, resource, write))
    for (const resource of data.identityResources) count(summary.identityResources, await upsertIdentityResource(tx, resource, write))
    for (const { clientSecrets, ...client } of data.clients) count(summary.clients, await upsertClient(tx, { ...client, secrets: clientSecrets }, write))
    await importUsers(tx, data, passwords, summary, write, file, disabled)

    summary.changed = KINDS.some((kind) => summary[kind].created + summary[kind].updated > 0)
    if (summary.changed && write) summary.configVersion = await bumpConfigVersion(tx)
    return summary
  })

  if (summary.configVersion) invalidateConfigCache()
  for (const done of disabled) auditDisabled(done, options.audit)
  log.info({ dryRun: summary.dryRun, changed: summary.changed, configVersion: summary.configVersion, ...countsOf(summary) }, 'configuration import')
  return summary
}

/** The built-in identity resources, created or brought up to date (first start). */
export async function ensureBuiltInIdentityResources(database: Db = defaultDb()): Promise<ImportCounts> {
  const attempt = () =>
    inTransaction(database, async (tx) => {
      const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 }
      for (const resource of BUILT_IN_IDENTITY_RESOURCES) count(counts, await upsertIdentityResource(tx, resource, true))
      const changed = counts.created + counts.updated > 0
      if (changed) await bumpConfigVersion(tx)
      return { counts, changed }
    })
  // Two processes starting at once may race to create them; the retry then finds them.
  const { counts, changed } = await attempt().catch(attempt)
  if (changed) invalidateConfigCache()
  return counts
}

/** Replaces every "{ISSUER}" in the file's strings (the demo and example files use it). */
export function substituteIssuer<T>(value: T, issuer: string): T {
  if (typeof value === 'string') return value.replaceAll('{ISSUER}', issuer) as T
  if (Array.isArray(value)) return value.map((v: unknown) => substituteIssuer(v, issuer)) as T
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteIssuer(v, issuer)])) as T
  return value
}

export function formatImportSummary(summary: ImportSummary): string {
  const labels: Record<(typeof KINDS)[number], string> = {
    apiScopes: 'API scopes',
    apiResources: 'API resources',
    identityResources: 'Identity resources',
    clients: 'Clients',
    users: 'Users',
  }
  const lines = KINDS.map((kind) => {
    const c = summary[kind]
    return `${labels[kind].padEnd(20)}${String(c.created).padStart(4)} created ${String(c.updated).padStart(4)} updated ${String(c.unchanged).padStart(4)} unchanged`
  })
  if (summary.dryRun) lines.push(summary.changed ? 'Dry run: the file is valid; nothing was written.' : 'Dry run: the file is valid and already imported.')
  else lines.push(summary.configVersion ? `Configuration version is now ${summary.configVersion}.` : 'Nothing changed.')
  return lines.join('\n')
}

// ------------------------------------------------------------------ users

interface PreparedPassword {
  /** The stored hash the file's password verified against (kept as is). */
  verifiedHash?: string
  /** A fresh hash of the file's password (absent in a dry run). */
  newHash?: string
}

async function preparePassword(user: ImportedUser, database: Db, write: boolean): Promise<PreparedPassword> {
  const existing = await findStoredUser(user.subjectId ? { subjectId: user.subjectId } : { username: user.username }, database)
  if (existing && !needsRehash(existing.passwordHash) && (await verifyPassword(existing.passwordHash, user.password))) return { verifiedHash: existing.passwordHash }
  return write ? { newHash: await hashPassword(user.password) } : {}
}

async function importUsers(tx: Tx, data: ImportFile, passwords: PreparedPassword[], summary: ImportSummary, write: boolean, file: unknown, disabled: UserDisabled[]): Promise<void> {
  const issues: Issue[] = []
  for (const [index, user] of data.users.entries()) {
    // A user is matched by subjectId when the file gives one (so it may rename), else by username.
    const existing = await findStoredUser(user.subjectId ? { subjectId: user.subjectId } : { username: user.username }, tx)
    const holder = existing?.username === user.username ? existing : await findStoredUser({ username: user.username }, tx)
    if (holder && holder.subjectId !== existing?.subjectId) {
      issues.push({ path: ['users', index, 'subjectId'], message: `the username "${user.username}" already belongs to subject "${holder.subjectId}"; a user's subjectId never changes` })
      continue
    }
    const prepared = passwords[index] ?? {}
    const passwordHash =
      existing && prepared.verifiedHash === existing.passwordHash
        ? existing.passwordHash
        : (prepared.newHash ?? (write ? await hashPassword(user.password) : '(changed)'))
    const desired = {
      subjectId: existing?.subjectId ?? user.subjectId ?? randomUUID(),
      username: user.username,
      // JSON round trip: what the database will hand back, so the comparison is like for like.
      claims: JSON.parse(JSON.stringify(user.claims)) as Record<string, unknown>,
      enabled: user.enabled,
      passwordHash,
    }
    const saved = await saveImportedUser(tx, existing, desired, write)
    count(summary.users, saved.outcome)
    if (saved.disabled) disabled.push(saved.disabled)
  }
  // Thrown after earlier kinds were written: the transaction takes them back.
  if (issues.length) throw invalid(file, issues)
}

// ------------------------------------------------------------------ helpers

function invalid(file: unknown, issues: Issue[]): ImportValidationError {
  return new ImportValidationError(issues.map((i) => formatIssue(file, i.path, i.message)))
}

function count(counts: ImportCounts, outcome: UpsertOutcome): void {
  counts[outcome]++
}

function emptySummary(dryRun: boolean): ImportSummary {
  const zero = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 })
  return { dryRun, changed: false, configVersion: null, apiScopes: zero(), apiResources: zero(), identityResources: zero(), clients: zero(), users: zero() }
}

function countsOf(summary: ImportSummary): Record<string, ImportCounts> {
  return Object.fromEntries(KINDS.map((kind) => [kind, summary[kind]]))
}
