// npm run admin -- <command>: configuration import and user administration.
// Reads .env like `npm start`, and migrates the database first, so it works on a fresh
// install. Exit codes: 0 done, 1 invalid input or failed operation, 2 bad arguments.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

const USAGE = `usage: npm run admin -- <command>

  import FILE.json [--dry-run]   import clients, resources and users (one transaction);
                                 "{ISSUER}" in any string is replaced by the issuer
  validate FILE.json             check a file against the schema and the database; writes nothing
  clients                        list the clients
  add-user USERNAME [--password P] [--claim name=value ...] [--subject-id ID]
                                 create a user; without --password, ADMIN_PASSWORD is used
  set-password USERNAME [--password P]
                                 set a user's password (or from ADMIN_PASSWORD)
  disable-user USERNAME          block a user's sign-in and end what they still hold: sessions,
                                 codes, refresh and reference tokens, remembered consents
  enable-user USERNAME           allow sign-in again (nothing disabling removed comes back)`

class UsageError extends Error {}
class OperationError extends Error {}

/** Each command, whether it takes an argument, and the options it accepts. */
const COMMANDS: Record<string, { argument: boolean; options: string[] }> = {
  import: { argument: true, options: ['dry-run'] },
  validate: { argument: true, options: [] },
  clients: { argument: false, options: [] },
  'add-user': { argument: true, options: ['password', 'claim', 'subject-id'] },
  'set-password': { argument: true, options: ['password'] },
  'disable-user': { argument: true, options: [] },
  'enable-user': { argument: true, options: [] },
}

const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified'])

function readInvocation(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        password: { type: 'string' },
        claim: { type: 'string', multiple: true },
        'subject-id': { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const [command = '', argument = '', ...extra] = positionals
  if (values.help) return { command: 'help', argument, values }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (!command) throw new UsageError('')
  if (!spec) throw new UsageError(`unknown command: ${command}`)
  const unexpected = spec.argument ? extra : [argument, ...extra].filter(Boolean)
  if (unexpected.length) throw new UsageError(`unexpected argument: ${unexpected.join(' ')}`)
  if (spec.argument && !argument) throw new UsageError(`${command} needs an argument`)
  const misplaced = Object.keys(values).filter((option) => !spec.options.includes(option))
  if (misplaced.length) throw new UsageError(`${command} does not take --${misplaced.join(', --')}`)
  return { command, argument, values }
}

type Invocation = ReturnType<typeof readInvocation>

// Arguments first: a typo gets its usage message without loading the database layer.
let invocation: Invocation
try {
  invocation = readInvocation(process.argv.slice(2))
  if (invocation.command === 'add-user') parseClaims(invocation.values.claim ?? [])
  if (invocation.command === 'add-user' || invocation.command === 'set-password') passwordFrom(invocation.values.password)
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  if (error.message) console.error(`error: ${error.message}\n`)
  console.error(USAGE)
  process.exit(2)
}
if (invocation.command === 'help') {
  console.log(USAGE)
  process.exit(0)
}

const ROOT = path.resolve(import.meta.dirname, '..', '..')
if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'))
// Structured logs would interleave with this command's own output: warnings and errors only,
// unless LOG_LEVEL is set. The audit events of a command are written all the same (below).
const logLevelGiven = process.env.LOG_LEVEL !== undefined
process.env.LOG_LEVEL ??= 'warn'

// Imported only now, so that the logger and the settings see the .env values.
const { loadSettings } = await import('../config/env')
const { applyPendingMigrations } = await import('../db/migrate')
const { db } = await import('../db/client')
const { ImportValidationError, formatImportSummary, importConfiguration, substituteIssuer } = await import('../config/import')
const { parseImportFile, referenceIssues, formatIssue } = await import('../config/import-schema')
const { listClients } = await import('../stores/clients')
const { definedResourceNames } = await import('../stores/resources')
const { UserExistsError, createUser, setPassword, setUserEnabled } = await import('../stores/users')
const { disableUserAccount } = await import('../users/disable')
const { audit: processAudit, createAudit } = await import('../audit')
const { log } = await import('../log')
/** Security events are the audit trail's: at info even under the quiet default level above. */
const audit = logLevelGiven ? processAudit : createAudit(log.child({}, { level: 'info' }))

async function run({ command, argument, values }: Invocation): Promise<void> {
  const handlers: Record<string, () => Promise<void>> = {
    import: () => importFile(argument, values['dry-run'] ?? false),
    validate: () => importFile(argument, true),
    clients: printClients,
    'add-user': () => addUser(argument, values),
    'set-password': () => changePassword(argument, passwordFrom(values.password)),
    'disable-user': () => disableUser(argument),
    'enable-user': () => enableUser(argument),
  }
  const applied = await applyPendingMigrations(loadSettings().databaseUrl)
  if (applied.length) console.error(`Database migrated: ${applied.join(', ')}`)
  await handlers[command]!()
}

async function importFile(file: string, dryRun: boolean): Promise<void> {
  let content: unknown
  try {
    content = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new OperationError(`${file}: ${(error as Error).message}`)
  }
  const summary = await importConfiguration(substituteIssuer(content, loadSettings().issuer), { dryRun, audit })
  console.log(formatImportSummary(summary))
}

async function printClients(): Promise<void> {
  const clients = await listClients()
  if (clients.length === 0) return void console.log('No clients. Import some with: npm run admin -- import FILE.json')
  const rows = [
    ['CLIENT ID', 'NAME', 'GRANT TYPES', 'ENABLED'],
    ...clients.map((c) => [c.clientId, c.clientName ?? '', c.allowedGrantTypes.join(','), c.enabled ? 'yes' : 'no']),
  ]
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)))
  for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd())
}

async function addUser(username: string, values: Invocation['values']): Promise<void> {
  const password = passwordFrom(values.password)
  const subjectId = values['subject-id']
  // The import file's rules apply to a user added by hand too.
  const draft = { users: [{ username, password, claims: parseClaims(values.claim ?? []), ...(subjectId ? { subjectId } : {}) }] }
  const parsed = parseImportFile(draft)
  if (!parsed.ok) throw new ImportValidationError(parsed.issues)
  const issues = referenceIssues(parsed.data, await definedResourceNames())
  if (issues.length) throw new ImportValidationError(issues.map((i) => formatIssue(draft, i.path, i.message)))
  const user = parsed.data.users[0]!
  try {
    const created = await createUser({ username, password, claims: user.claims, subjectId: user.subjectId })
    console.log(`Created user ${created.username} (sub ${created.subjectId}).`)
  } catch (error) {
    if (error instanceof UserExistsError) throw new OperationError(error.message)
    throw error
  }
}

async function changePassword(username: string, password: string): Promise<void> {
  if (password.length < 8) throw new OperationError('the password must be at least 8 characters long')
  if (!(await setPassword(username, password))) throw new OperationError(`no user named "${username}"`)
  console.log(`Password of ${username} changed.`)
}

async function disableUser(username: string): Promise<void> {
  const done = await disableUserAccount(username, { audit })
  if (!done) throw new OperationError(`no user named "${username}"`)
  console.log(`User ${username} disabled.`)
  console.log(`Sessions ended: ${done.sessions}; authorizations revoked (with their codes and tokens): ${done.families}; other grants: ${done.strayGrants}; consents: ${done.consents}.`)
}

async function enableUser(username: string): Promise<void> {
  if (!(await setUserEnabled(username, true))) throw new OperationError(`no user named "${username}"`)
  console.log(`User ${username} enabled.`)
}

function passwordFrom(given: string | undefined): string {
  // ADMIN_PASSWORD keeps the password out of the shell history and the process list.
  const password = given ?? process.env.ADMIN_PASSWORD
  if (!password) throw new UsageError('give --password P, or set ADMIN_PASSWORD')
  return password
}

/** --claim name=value, typed as OpenID Connect Core §5.1 defines; a repeated name makes a list. */
function parseClaims(pairs: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq < 1) throw new UsageError(`--claim needs name=value, got "${pair}"`)
    const name = pair.slice(0, eq)
    const raw = pair.slice(eq + 1)
    let value: unknown = raw
    if (BOOLEAN_CLAIMS.has(name) && (raw === 'true' || raw === 'false')) value = raw === 'true'
    else if (name === 'updated_at' && /^\d+$/.test(raw)) value = Number(raw)
    else if (name === 'address') value = raw.startsWith('{') ? jsonClaim(raw) : { formatted: raw }
    const previous = claims[name]
    claims[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return claims
}

function jsonClaim(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new UsageError(`not valid JSON: ${raw}`)
  }
}

let exitCode = 0
try {
  await run(invocation)
} catch (error) {
  exitCode = 1
  if (error instanceof ImportValidationError) console.error(error.message)
  else if (error instanceof OperationError) console.error(`error: ${error.message}`)
  else console.error(error)
}
await Promise.resolve()
  .then(() => db().$disconnect())
  .catch(() => {}) // settings that failed to load leave nothing to close
process.exit(exitCode)
