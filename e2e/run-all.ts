// `npm test`: build, unit tests and protocol tests (vitest; the protocol suite twice, once per
// way of serving the endpoints), browser tests (Playwright), one
// summary. Every stage runs even when an earlier one failed, so a CI log shows everything;
// the exit code is 1 when any stage or any test failed. The last line is
// `tests: N passed, M failed, K skipped`, counted from the runners' JSON reports.
//   SKIP_BUILD=1   reuse the existing build (NEXT_DIST_DIR, default .next)
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')
const RESULTS = path.join(ROOT, 'test-results')
const UNIT_JSON = path.join(RESULTS, 'vitest-unit.json')
const PROTOCOL_JSON = path.join(RESULTS, 'vitest-protocol.json')
const PROTOCOL_NEXT_JSON = path.join(RESULTS, 'vitest-protocol-next.json')
const PLAYWRIGHT_JSON = path.join(RESULTS, 'playwright.json') // set in playwright.config.ts

interface Counts {
  passed: number
  failed: number
  skipped: number
  /** Failures that are not single tests: files that did not load, runner errors. */
  errors: string[]
}

interface StageResult {
  name: string
  exitCode: number
  seconds: number
  counts?: Counts
  note?: string
}

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
let interrupted = false

function bin(name: string): string {
  return path.join(ROOT, 'node_modules', '.bin', name)
}

/** Runs a command with its output streamed live; resolves with its exit code. */
function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: 'inherit' })
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`)
      resolve(127)
    })
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)))
  })
}

function banner(text: string): void {
  console.log(`\n${'='.repeat(72)}\n== ${text}\n${'='.repeat(72)}`)
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

// Vitest's json reporter uses Jest's shape. A file that fails to load has status "failed"
// and no failed assertion; it counts as one failure so it cannot pass unnoticed.
interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>
}

function vitestCounts(report: VitestReport): Counts {
  const errors = report.testResults
    .filter((file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'))
    .map((file) => `${path.relative(ROOT, file.name)}: ${(file.message ?? 'failed to run').split('\n')[0]}`)
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    errors,
  }
}

// Playwright's json reporter: stats.expected = passed, unexpected = failed, flaky = passed
// on retry; top-level errors are failures outside any test (web server did not start, ...).
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number }
  errors: Array<{ message?: string }>
}

function playwrightCounts(report: PlaywrightReport): Counts {
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
    errors: report.errors.map((e) => (e.message ?? 'error').split('\n')[0]!),
  }
}

async function stage(
  name: string,
  command: string,
  args: string[],
  report?: { file: string; count: (json: never) => Counts },
  extraEnv?: Record<string, string>,
): Promise<StageResult> {
  banner(name)
  if (report) rmSync(report.file, { force: true })
  const started = performance.now()
  const exitCode = await run(command, args, extraEnv)
  const result: StageResult = { name, exitCode, seconds: (performance.now() - started) / 1000 }
  if (report) {
    const json = readJson(report.file)
    if (json) result.counts = report.count(json as never)
    else result.note = 'no report written'
  }
  return result
}

process.on('SIGINT', () => {
  interrupted = true
})

const results: StageResult[] = []
mkdirSync(RESULTS, { recursive: true })

if (process.env.SKIP_BUILD === '1') {
  console.log('SKIP_BUILD=1: using the existing build')
} else {
  results.push(await stage('build: next build', bin('next'), ['build']))
}

// The vitest projects run separately: a failing protocol global setup (the server does not
// start) aborts the whole vitest run, and would hide the unit results with it. The protocol
// suite runs twice, once per way of serving the protocol endpoints (lib/server/start.ts):
// straight from node:http (the default fast path) and through Next.js's router
// (PROTOCOL_FAST_PATH=false, which the test servers inherit), so both count in the totals.
const vitestStages: { name: string; project: string; file: string; env: Record<string, string> }[] = [
  { name: 'unit tests: vitest run --project unit', project: 'unit', file: UNIT_JSON, env: {} },
  { name: 'protocol tests (fast path): vitest run --project protocol', project: 'protocol', file: PROTOCOL_JSON, env: {} },
  { name: 'protocol tests (via Next.js): PROTOCOL_FAST_PATH=false', project: 'protocol', file: PROTOCOL_NEXT_JSON, env: { PROTOCOL_FAST_PATH: 'false' } },
]
for (const { name, project, file, env: stageEnv } of vitestStages) {
  if (interrupted) break
  const args = ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]
  results.push(await stage(name, bin('vitest'), args, { file, count: vitestCounts }, stageEnv))
}

if (!interrupted) {
  results.push(await stage('browser tests: playwright test', bin('playwright'), ['test'], { file: PLAYWRIGHT_JSON, count: playwrightCounts }))
}

// A stage that exited non-zero without a failed test to show for it (build error, crash,
// missing report, runner error) counts as one failure, so the total never hides it.
const total: Counts = { passed: 0, failed: 0, skipped: 0, errors: [] }
banner('summary')
for (const r of results) {
  const c = r.counts
  let failed = c ? c.failed + c.errors.length : 0
  const unexplained = r.exitCode !== 0 && failed === 0
  if (unexplained) failed = 1
  total.passed += c?.passed ?? 0
  total.failed += failed
  total.skipped += c?.skipped ?? 0
  const status = r.exitCode === 0 ? 'ok' : `FAILED (exit ${r.exitCode})`
  const tally = c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` : r.note ?? ''
  console.log(`${r.name.padEnd(60)} ${status.padEnd(18)} ${r.seconds.toFixed(1).padStart(6)}s  ${tally}`)
  for (const error of c?.errors ?? []) console.log(`    error: ${error}`)
  if (unexplained) console.log('    failed without a failing test (see its output above): counted as 1 failure')
}
if (interrupted) console.log('interrupted: later stages did not run')
console.log(`reports: ${[UNIT_JSON, PROTOCOL_JSON, PROTOCOL_NEXT_JSON, PLAYWRIGHT_JSON].map((f) => path.relative(ROOT, f)).join(', ')}`)

const failed = interrupted || total.failed > 0 || results.some((r) => r.exitCode !== 0)
if (interrupted && total.failed === 0) total.failed = 1
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
process.exit(failed ? 1 : 0)
