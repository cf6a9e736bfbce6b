import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/**/*.test.ts'], environment: 'node', setupFiles: ['lib/test-support/unit-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'protocol',
          include: ['e2e/protocol/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/protocol/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
