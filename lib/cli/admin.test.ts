// The admin CLI as an operator runs it: a child process on a fresh data folder.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb } from '../db/client'
import { findCredentials, findUserByUsername } from '../stores/users'
import { countHoldings, giveHoldings } from '../test-support/holdings'
import { verifyPassword } from '../users/passwords'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const dir = mkdtempSync(path.join(os.tmpdir(), 'admin-cli-test-'))
const databaseUrl = `file:${path.join(dir, 'cli.db')}`
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `env` values override the defaults; an undefined one removes the variable. */
function admin(args: string[], env: Record<string, string | undefined> = {}) {
  const merged: Record<string, string | undefined> = { ...process.env, DATA_DIR: dir, DATABASE_URL: databaseUrl, ISSUER: 'http://localhost:3999', LOG_LEVEL: 'silent', ...env }
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name]
  // `npx tsx lib/cli/admin.ts`, without npx's own start-up cost.
  const result = spawnSync(process.execPath, [TSX, 'lib/cli/admin.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: merged as NodeJS.ProcessEnv,
    timeout: 60_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function withDb<T>(work: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(databaseUrl)
  try {
    return await work(db)
  } finally {
    await db.$disconnect()
  }
}

describe('npm run admin', { timeout: 120_000 }, () => {
  it('import prints the summary; clients lists what it imported', async () => {
    const imported = admin(['import', 'lib/config/demo-config.json'])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toMatch(/Clients\s+2 created\s+0 updated\s+0 unchanged/)
    expect(imported.stdout).toMatch(/Users\s+2 created/)
    expect(imported.stdout).toContain('Configuration version is now 1.')
    // {ISSUER} was replaced with the configured issuer.
    const redirectUris = await withDb((db) => db.client.findUnique({ where: { clientId: 'demo-web' } }).then((c) => c!.redirectUris))
    expect(redirectUris).toEqual(['http://localhost:3999/demo/callback'])

    const list = admin(['clients'])
    expect(list.code).toBe(0)
    const lines = list.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^CLIENT ID\s+NAME\s+GRANT TYPES\s+ENABLED$/)
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^demo-machine\s+Demo machine client\s+client_credentials\s+yes$/),
      expect.stringMatching(/^demo-web\s+Demo web app\s+authorization_code,refresh_token\s+yes$/),
    ])
  })

  it('validate: exit 1 with messages naming entry and field, and no writes', async () => {
    const file = path.join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ clients: [{ clientId: 'web-app', clientSecrets: ['s'], allowedGrantTypes: ['authorization_code'], redirectUris: ['https://x.example/cb#frag'] }] }))
    const result = admin(['validate', file])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('clients[0] ("web-app").redirectUris[0]: must be an absolute URL without a fragment')
    expect(await withDb((db) => db.client.count({ where: { clientId: 'web-app' } }))).toBe(0)
  })

  it('add-user (password from ADMIN_PASSWORD, typed claims), then disable-user ends all it holds; enable-user brings none of it back', async () => {
    const added = admin(['add-user', 'carol', '--claim', 'name=Carol Jones', '--claim', 'email=carol@example.com', '--claim', 'email_verified=true'], { ADMIN_PASSWORD: 'carol-password' })
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^Created user carol \(sub [0-9a-f-]{36}\)/)
    const carol = await withDb((db) => findUserByUsername('carol', db))
    expect(carol).toMatchObject({ enabled: true, claims: { name: 'Carol Jones', email: 'carol@example.com', email_verified: true } })
    const { passwordHash } = (await withDb((db) => findCredentials('carol', db)))!
    expect(await verifyPassword(passwordHash, 'carol-password')).toBe(true)

    const sub = carol!.subjectId
    await withDb((db) => giveHoldings(sub, ['demo-web', 'demo-machine'], db))
    expect(await withDb((db) => countHoldings(sub, db))).toEqual({ sessions: 2, families: 2, grants: 7, consents: 2 })

    // LOG_LEVEL unset: the CLI's quiet default, which still writes the audit events.
    const disabled = admin(['disable-user', 'carol'], { LOG_LEVEL: undefined })
    expect(disabled.code).toBe(0)
    expect(disabled.stdout).toContain('User carol disabled.')
    expect(disabled.stdout).toContain('Sessions ended: 2; authorizations revoked (with their codes and tokens): 2; other grants: 1; consents: 2.')
    const events = disabled.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events).toEqual([
      expect.objectContaining({ audit: true, event: 'grant.revoked', outcome: 'success', sub, reason: 'user_disabled', count: 3 }),
      expect.objectContaining({ audit: true, event: 'session.ended', sub, reason: 'user_disabled', count: 2 }),
      expect.objectContaining({ audit: true, event: 'consent.revoked', sub, reason: 'user_disabled', count: 2 }),
    ])
    expect(await withDb((db) => findUserByUsername('carol', db))).toMatchObject({ enabled: false })
    const none = { sessions: 0, families: 0, grants: 0, consents: 0 }
    expect(await withDb((db) => countHoldings(sub, db))).toEqual(none)

    const enabled = admin(['enable-user', 'carol'])
    expect(enabled.code).toBe(0)
    expect(enabled.stdout).toContain('User carol enabled.')
    expect(await withDb((db) => findUserByUsername('carol', db))).toMatchObject({ enabled: true })
    expect(await withDb((db) => countHoldings(sub, db))).toEqual(none)

    for (const command of ['disable-user', 'enable-user']) {
      const unknown = admin([command, 'nobody'])
      expect(unknown.code, command).toBe(1)
      expect(unknown.stderr, command).toContain('no user named "nobody"')
    }
  })

  it('bad arguments: usage and exit 2', () => {
    for (const args of [[], ['bogus'], ['import'], ['clients', 'extra'], ['clients', '--dry-run'], ['add-user', 'dave']]) {
      const result = admin(args, { ADMIN_PASSWORD: '' })
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toContain('usage: npm run admin')
    }
  })
})
