// npm run db:migrate               apply pending migrations to DATABASE_URL
// npm run db:migration -- <name>   write a new migration for changes to prisma/schema.prisma
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { loadSettings } from '../config/env'
import { applyPendingMigrations, createMigration } from '../db/migrate'

const [command, name] = process.argv.slice(2)

if (command === 'migrate') {
  const applied = await applyPendingMigrations(loadSettings().databaseUrl)
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
} else if (command === 'create-migration' && name) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'migration-'))
  try {
    const dir = await createMigration(name, `file:${path.join(scratch, 'shadow.db')}`)
    console.log(dir ? `Wrote ${path.relative(process.cwd(), dir)}/migration.sql` : 'No schema changes: nothing written.')
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
} else {
  console.error('usage: db.ts migrate | db.ts create-migration <name>')
  process.exit(2)
}
