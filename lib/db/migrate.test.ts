import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { applyPendingMigrations, pendingSchemaChanges } from './migrate'

const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migrations', () => {
  it('bring an empty database exactly to prisma/schema.prisma', async () => {
    expect(await pendingSchemaChanges(`file:${path.join(dir, 'shadow.db')}`)).toBe('')
  })

  it('apply to an empty database once, and are idempotent', async () => {
    const url = `file:${path.join(dir, 'fresh.db')}`
    const first = await applyPendingMigrations(url)
    expect(first.length).toBeGreaterThan(0)
    expect(await applyPendingMigrations(url)).toEqual([])
    const sqlite = new Database(path.join(dir, 'fresh.db'), { readonly: true })
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    sqlite.close()
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['Client', 'PersistedGrant', 'SigningKey', 'User', '_prisma_migrations']))
  })
})
