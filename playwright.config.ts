// Browser tests against the real server (`npm start`'s entry point) on a fresh SQLite file.
// Chromium comes from the system (Debian's `chromium`) because Playwright's browser download
// host is unreachable here; set CHROMIUM_PATH to use another binary, or unset it and remove
// /usr/bin/chromium to use Playwright's own browsers (`npx playwright install chromium`).
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3107)
const baseURL = `http://127.0.0.1:${port}`

// This file is evaluated by the runner and again by every worker; creating the folder only
// once (workers inherit the variable) keeps one fresh database per run.
// The runner removes the folder when it exits, also after a failed start (KEEP_E2E_DATA=1
// keeps it for inspection); a folder passed in through E2E_DATA_DIR is left alone.
if (!process.env.E2E_DATA_DIR) {
  const created = mkdtempSync(path.join(os.tmpdir(), 'tokenservice-e2e-'))
  process.env.E2E_DATA_DIR = created
  if (!process.env.KEEP_E2E_DATA) process.once('exit', () => rmSync(created, { recursive: true, force: true }))
}
const dataDir = process.env.E2E_DATA_DIR

const systemChromium = '/usr/bin/chromium'
const executablePath = process.env.CHROMIUM_PATH || (existsSync(systemChromium) ? systemChromium : undefined)

export default defineConfig({
  testDir: 'e2e/browser',
  // Playwright empties its outputDir at start, so it gets its own folder beside the reports.
  outputDir: 'test-results/playwright-artifacts',
  fullyParallel: false,
  // One worker: on two cores the server, the browser and a second worker compete, and the
  // suite measured slower with two (and the demo data is shared by all tests).
  workers: 1,
  retries: 0, // a flaky test is a bug to fix, not to retry away
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            // Without these Chromium keeps calling home, which this closed network refuses.
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'npx tsx lib/server/start.ts',
    url: `${baseURL}/`,
    reuseExistingServer: false,
    // The server builds the pages first when the build is missing or older than the sources.
    timeout: 600_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER: baseURL,
      DATA_DIR: dataDir,
      // Explicit, so a DATABASE_URL in the developer's .env never points the tests at real data.
      DATABASE_URL: `file:${path.join(dataDir, 'tokenservice.db')}`,
      SEED_DEMO: 'true',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
})
