// The admin CLI as an operator runs it: a child process on a fresh data folder.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb } from '../db/client'
import { findCredentials, findUserByUsername } from '../stores/users'
import { verifyPassword } from '../users/passwords'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const dir = mkdtempSync(path.join(os.tmpdir(), 'admin-cli-test-'))
const databaseUrl = `file:${path.join(dir, 'cli.db')}`
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function admin(args: string[], env: Record<string, string> = {}) {
  // `npx tsx lib/cli/admin.ts`, without npx's own start-up cost.
  const result = spawnSync(process.execPath, [TSX, 'lib/cli/admin.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: databaseUrl, ISSUER: 'http://localhost:3999', LOG_LEVEL: 'silent', ...env },
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

  it('add-user (password from ADMIN_PASSWORD, typed claims), then disable-user', async () => {
    const added = admin(['add-user', 'carol', '--claim', 'name=Carol Jones', '--claim', 'email=carol@example.com', '--claim', 'email_verified=true'], { ADMIN_PASSWORD: 'carol-password' })
    expect(added.code).toBe(0)
    expect(added.stdout).toMatch(/^Created user carol \(sub [0-9a-f-]{36}\)/)
    const carol = await withDb((db) => findUserByUsername('carol', db))
    expect(carol).toMatchObject({ enabled: true, claims: { name: 'Carol Jones', email: 'carol@example.com', email_verified: true } })
    const { passwordHash } = (await withDb((db) => findCredentials('carol', db)))!
    expect(await verifyPassword(passwordHash, 'carol-password')).toBe(true)

    const disabled = admin(['disable-user', 'carol'])
    expect(disabled.code).toBe(0)
    expect(disabled.stdout).toContain('User carol disabled.')
    expect(await withDb((db) => findUserByUsername('carol', db))).toMatchObject({ enabled: false })
  })

  it('bad arguments: usage and exit 2', () => {
    for (const args of [[], ['bogus'], ['import'], ['clients', 'extra'], ['clients', '--dry-run'], ['add-user', 'dave']]) {
      const result = admin(args, { ADMIN_PASSWORD: '' })
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toContain('usage: npm run admin')
    }
  })
})
