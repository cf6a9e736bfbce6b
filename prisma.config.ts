// Prisma CLI configuration. The server itself never runs the Prisma CLI: it applies
// migrations with the WebAssembly schema engine (lib/db/migrate.ts).
import path from 'node:path'
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  datasource: { url: process.env.DATABASE_URL ?? 'file:./data/tokenservice.db' },
})
