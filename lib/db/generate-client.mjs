// Runs `prisma generate` offline. The Prisma CLI downloads its native schema engine
// before any command unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file; `generate`
// never executes that file, so any file will do. Migrations do not use the CLI at all
// (see lib/db/migrate.ts).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const schemaPath = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url))
const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? schemaPath,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
})
process.exit(result.status ?? 1)
