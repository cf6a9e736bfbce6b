// A real, migrated SQLite file per test file (never a mock), removed afterwards.
// In a vitest file, useTestDb() (./use-test-db.ts) registers the hooks that make and remove it.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createDb, type Db } from '../db/client'
import { applyPendingMigrations } from '../db/migrate'

export interface TestDb {
  db: Db
  url: string
  dispose(): Promise<void>
}

export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tokenservice-test-'))
  const url = `file:${path.join(dir, 'test.db')}`
  await applyPendingMigrations(url)
  const db = createDb(url)
  return {
    db,
    url,
    async dispose() {
      await db.$disconnect()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

