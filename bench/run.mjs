// Benchmarks on loopback, our server and node-oidc-provider side by side in one run,
// alternating per workload. Needs `wrk` (Debian: apt-get install -y wrk).
//
//   npm run bench -- [--duration 15] [--runs 3] [--connections 32] [--only name,name]
//                    [--pool 12000] [--peer-pool 12000] [--code-duration 5]   (codes minted per code-exchange run)
//                    [--warmup 3]                          (unmeasured seconds per workload and side)
//                    [--port 4200]                         (ours; a second ours on +1, the peer on -100)
//   npm run bench -- --scale 1000000     ours with N stored grants against ours with an empty store
//                                        (after --settle 120 s, for the grant clean-up's first pass)
//   npm run bench -- --baseline <dir>    ours against ours as checked out in <dir> (before/after)
//   npm run bench -- --profile           ours alone, one server per workload under --cpu-prof;
//                                        profiles and their summaries in bench/out/profiles/
//
// Results: a table on stdout and bench/out/results.json; copy the table into bench/RESULTS.md
// with the command and date. Start it with the NEXT_DIST_DIR of a current build (our server
// builds the pages first when the build is missing or older than the sources).
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BENCH, ourConfiguration, scopeOf } from './fixtures.mjs'
import { summarizeProfile } from './profile-summary.mjs'
import { seedGrants } from './seed-grants.mjs'
import { basic, clientNamed, fetchAgain, ourFlows, peerFlows, redeem, refreshBody } from './user-flows.mjs'
import { wrkScript } from './wrk-script.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const OUT = path.join(ROOT, 'bench', 'out')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const DURATION = Number(option('duration', '15'))
const RUNS = Number(option('runs', '3'))
const CONNECTIONS = Number(option('connections', '32'))
const ONLY = option('only', '')?.split(',').filter(Boolean)
const SCALE = Number(option('scale', '0'))
const PROFILE = args.includes('--profile')
const BASELINE = option('baseline', '')
/** Seconds of unmeasured requests per workload and side before its runs. */
const WARMUP = Number(option('warmup', '3'))
/** --scale: seconds to wait after start-up, for the grant clean-up's first pass to finish. */
const SETTLE = Number(option('settle', '120'))
/** Ours listens on PORT (a second server of ours on PORT + 1), the peer on PORT - 100: another port lets two runs share a machine. */
const PORT = Number(option('port', '4200'))
/**
 * Codes are single use and slow to make (a trip through the authorization endpoint each: ours a
 * few hundred a second, the peer 300 to 900): the code-exchange runs last CODE_DURATION seconds,
 * on POOL codes (PEER_POOL on the peer) minted before each run. Each side redeems ~600 to 1,200
 * a second on the 2-core bench machine (the peer spends ~1 ms of CPU per exchange, ours ~2), so
 * 12,000 codes last a 5 s run up to 2,400/s. A run whose pool runs out stops sending (no spent
 * codes) and its rate is flagged as a lower bound ("pool ran out") in the row and the table.
 */
const CODE_DURATION = Math.min(DURATION, Number(option('code-duration', '5')))
const POOL = Number(option('pool', '12000'))
const PEER_POOL = Number(option('peer-pool', '12000'))
/**
 * Entries of the peer's memory store (an LRU: bench/peer-oidc-provider.mjs): room for a whole
 * pool (~7 new keys per code, minted and redeemed) with some to spare, so no pooled code is
 * evicted before its request.
 */
const PEER_STORE = Math.max(100_000, 10 * PEER_POOL)
/** Refresh tokens a chained run starts with (each answer puts its successor back). */
const CHAIN_POOL = 256
/** argon2id is the cost of a sign-in: a few connections saturate the cores (and stay under the per-IP throttle). */
const SIGN_IN_CONNECTIONS = 4
const SCALE_WORKLOADS = ['refresh_token (rotation)', 'introspection (reference)']
const WORKLOADS = [
  'client_credentials JWT ES256',
  'client_credentials JWT RS256',
  'client_credentials reference',
  'introspection (reference)',
  'discovery',
  'jwks',
  'authorization_code exchange',
  'refresh_token (rotation)',
  'userinfo',
  'password sign-in',
]

async function main() {
  mkdirSync(OUT, { recursive: true })
  if (PROFILE) return profileAll()
  const [left, right] = SCALE
    ? [await startOurServer({ port: PORT, seed: SCALE, label: `ours, ${SCALE.toLocaleString('en-US')} grants` }), await startOurServer({ port: PORT + 1, label: 'ours, empty store' })]
    : BASELINE
      ? [await startOurServer({ port: PORT, label: 'ours' }), await startOurServer({ port: PORT + 1, label: `ours at ${BASELINE}`, root: path.resolve(BASELINE) })]
      : [await startOurServer({ port: PORT, label: 'ours' }), await startPeer(PORT - 100)]
  try {
    if (SCALE && SETTLE) {
      // The grant clean-up job's first pass starts within a minute of start-up; on the seeded
      // store it removes the codes and tokens that expired since seeding and scans every
      // family. Measured apart (bench/RESULTS.md), not mixed into the lookups.
      console.log(`  waiting ${SETTLE} s for the first grant clean-up pass`)
      await new Promise((resolve) => setTimeout(resolve, SETTLE * 1000))
    }
    const names = SCALE ? SCALE_WORKLOADS : undefined
    const workloads = (await defineWorkloads(left, right)).filter((w) => (ONLY?.length ? ONLY.includes(w.name) : !names || names.includes(w.name)))
    const rows = []
    for (const w of workloads) {
      // A few seconds of the same requests first, so neither side is measured while its JIT
      // warms up (not for single-use codes: those pools are minted per run).
      for (const side of ['right', 'left']) {
        const spec = w[side]
        if (spec && !spec.mint && WARMUP) await runWorkload(side === 'left' ? left : right, { ...spec, duration: WARMUP })
      }
      const results = { left: [], right: [] }
      for (let run = 0; run < RUNS; run++) {
        for (const side of run % 2 === 0 ? ['right', 'left'] : ['left', 'right']) {
          const target = side === 'left' ? left : right
          const spec = w[side]
          if (!spec) continue
          results[side].push({ ...(await runWorkload(target, spec)), rssMb: rssMb(target.pid) })
        }
      }
      rows.push({ workload: w.name, ours: median(results.left), peer: median(results.right) })
      printRow(rows.at(-1))
    }
    const labels = [left.label, right.label]
    writeFileSync(path.join(OUT, SCALE ? 'results-scale.json' : 'results.json'), JSON.stringify({ date: new Date().toISOString(), args, duration: DURATION, runs: RUNS, connections: CONNECTIONS, cpus: os.cpus().length, labels, rows }, null, 2))
    console.log('\n' + table(rows, labels))
  } finally {
    await Promise.all([left.stop(), right.stop()])
  }
}

// ---------------------------------------------------------------- workloads

/**
 * Each workload: a spec per side (undefined where a side cannot do it). A spec is a request
 * for wrk, plus `mint` (bodies made fresh before every run) for single-use tokens, or
 * `lazyHeaders` / `lazyBody` (a token made fresh before every run).
 */
async function defineWorkloads(left, right) {
  const specs = await Promise.all([left, right].map((side) => (side.kind === 'ours' ? ourSpecs(side) : peerSpecs(side))))
  return WORKLOADS.map((name) => ({ name, left: specs[0][name], right: specs[1][name] }))
}

const form = { 'Content-Type': 'application/x-www-form-urlencoded' }
const cc = (client, scope, tokenPath) => ({
  path: tokenPath,
  method: 'POST',
  headers: { Authorization: basic(client.clientId, client.secret), ...form },
  body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
})
/**
 * Introspection of a reference token made just before each run and checked active: one made at
 * start-up can leave the peer's memory store (an LRU) during the reference-token workload, and
 * an unknown token still answers 200 (`{"active":false}`, RFC 7662 §2.2), which wrk counts fine.
 */
const introspect = (side, introspectPath, tokenRequest) => {
  const api = BENCH.resources[2]
  const headers = { Authorization: basic(api.name, api.secret), ...form }
  return {
    path: introspectPath,
    method: 'POST',
    headers,
    lazyBody: async () => {
      const body = `token=${await fetchToken(side.url + tokenRequest.path, tokenRequest)}`
      const answer = await (await fetchAgain(side.url + introspectPath, { method: 'POST', headers, body })).json()
      if (answer.active !== true) throw new Error(`${side.label}: a fresh reference token introspects as ${JSON.stringify(answer)}`)
      return body
    },
  }
}

/** The user-flow workloads, the same on both sides but for paths and minting. */
function userFlowSpecs(side, flows, { tokenPath, userinfoPath }) {
  const web = clientNamed('bench-web')
  const webRef = clientNamed('bench-web-ref')
  const tokenHeaders = (client) => ({ Authorization: basic(client.clientId, client.secret), ...form })
  return {
    'authorization_code exchange': {
      path: tokenPath,
      method: 'POST',
      headers: tokenHeaders(web),
      pool: { mode: 'consume', expect: 200 },
      mint: () => flows.codes(web, side.kind === 'peer' ? PEER_POOL : POOL),
      duration: CODE_DURATION,
    },
    'refresh_token (rotation)': {
      path: tokenPath,
      method: 'POST',
      headers: tokenHeaders(web),
      pool: { mode: 'chain', expect: 200, chain: { prefix: refreshBody(''), pattern: '"refresh_token":"([^"]+)"' } },
      mint: async () => (await redeem(side.url, flows, web, await flows.codes(web, CHAIN_POOL))).map((t) => refreshBody(t.refresh_token)),
    },
    userinfo: {
      path: userinfoPath,
      method: 'GET',
      // One reference (opaque) access token, looked up in the store on every call; made per run.
      lazyHeaders: async () => ({ Authorization: `Bearer ${(await redeem(side.url, flows, webRef, await flows.codes(webRef, 1)))[0].access_token}` }),
    },
  }
}
async function ourSpecs(side) {
  const [es256, rs256, reference] = BENCH.clients
  const tokenPath = '/connect/token'
  return {
    'client_credentials JWT ES256': cc(es256, scopeOf(es256.resource), tokenPath),
    'client_credentials JWT RS256': cc(rs256, scopeOf(rs256.resource), tokenPath),
    'client_credentials reference': cc(reference, scopeOf(reference.resource), tokenPath),
    'introspection (reference)': introspect(side, '/connect/introspect', cc(reference, scopeOf(reference.resource), tokenPath)),
    discovery: { path: '/.well-known/openid-configuration', method: 'GET' },
    jwks: { path: '/.well-known/openid-configuration/jwks', method: 'GET' },
    ...userFlowSpecs(side, ourFlows(side.url), { tokenPath, userinfoPath: '/connect/userinfo' }),
    'password sign-in': await signInSpec(side),
  }
}

async function peerSpecs(side) {
  const [es256, rs256, reference] = BENCH.clients
  const tokenPath = '/token'
  return {
    'client_credentials JWT ES256': cc(es256, BENCH.scope, tokenPath),
    'client_credentials JWT RS256': cc(rs256, BENCH.scope, tokenPath),
    'client_credentials reference': cc(reference, BENCH.scope, tokenPath),
    'introspection (reference)': introspect(side, '/token/introspection', cc(reference, BENCH.scope, tokenPath)),
    discovery: { path: '/.well-known/openid-configuration', method: 'GET' },
    jwks: { path: '/jwks', method: 'GET' },
    ...userFlowSpecs(side, peerFlows(side.url), { tokenPath, userinfoPath: '/me' }),
    // node-oidc-provider has no password check of its own (login is the application's).
    'password sign-in': undefined,
  }
}

/**
 * POST /login as a browser without JavaScript does (the server action's ids are hidden
 * inputs of the form); each request signs one of the bench users in (argon2id verify, a new
 * session) and must answer 303.
 */
async function signInSpec(side) {
  const page = '/login?returnTo=%2Faccount'
  const html = await (await fetch(side.url + page)).text()
  const formHtml = html.match(/<form\b[\s\S]*?<\/form>/)?.[0] ?? ''
  const hidden = [...formHtml.matchAll(/<input\b[^>]*>/g)]
    .map(([tag]) => tag)
    .filter((tag) => /\btype="hidden"/.test(tag) && /\bname="/.test(tag))
    .map((tag) => [decode(tag.match(/\bname="([^"]*)"/)[1]), decode(tag.match(/\bvalue="([^"]*)"/)?.[1] ?? '')])
  if (!hidden.length) throw new Error('no hidden inputs on the login page')
  const boundary = '----bench' + Math.random().toString(36).slice(2)
  const part = ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const bodies = BENCH.users.map((u) => [...hidden, ['username', u.username], ['password', u.password]].map(part).join('') + `--${boundary}--\r\n`)
  return {
    path: page,
    method: 'POST',
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Origin: side.url },
    pool: { mode: 'cycle', expect: 303, bodies },
    connections: SIGN_IN_CONNECTIONS,
  }
}

function decode(value) {
  const entities = { '&quot;': '"', '&#x27;': "'", '&#39;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' }
  return value.replace(/&(?:quot|#x27|#39|lt|gt|amp);/g, (e) => entities[e])
}

async function fetchToken(url, spec) {
  // Again on a kept-alive connection the server closed while the other side was measured.
  const response = await fetchAgain(url, { method: 'POST', headers: spec.headers, body: spec.body })
  const body = await response.json()
  if (!body.access_token) throw new Error(`no token from ${url}: ${JSON.stringify(body)}`)
  return body.access_token
}

// ---------------------------------------------------------------- running wrk

async function runWorkload(target, spec) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wrk-'))
  try {
    const headers = spec.lazyHeaders ? { ...spec.headers, ...(await spec.lazyHeaders()) } : spec.headers
    const body = spec.lazyBody ? await spec.lazyBody() : spec.body
    const script = path.join(dir, 'request.lua')
    writeFileSync(script, wrkScript({ ...spec, headers, body }))
    const extra = []
    let bodies = []
    if (spec.mint) {
      const started = performance.now()
      bodies = await spec.mint()
      const poolFile = path.join(dir, 'pool.txt')
      writeFileSync(poolFile, bodies.join('\n') + '\n')
      extra.push('--', poolFile)
      console.log(`  ${target.label}: minted ${bodies.length} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
    const connections = spec.connections ?? CONNECTIONS
    const cpuBefore = cpuMs(target.pid)
    const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${spec.duration ?? DURATION}s`, '--latency', '-s', script, target.url + spec.path, ...extra], { encoding: 'utf8' })
    const result = parseWrk(out, !!spec.pool)
    if (result.exhausted) {
      const hint = spec.pool.mode === 'consume' ? `; raise ${target.kind === 'peer' ? '--peer-pool' : '--pool'} or lower --code-duration` : ''
      console.log(`  ${target.label}: POOL RAN OUT before the end of the run (${bodies.length} tokens): the run stopped early, so ${Math.round(result.rate)}/s is only a lower bound${hint}`)
    }
    // CPU the server process spent per request (all its threads): unlike req/s, barely moved
    // by whatever else runs on the machine, so it compares runs made at different times.
    const cpuPerRequest = (cpuMs(target.pid) - cpuBefore) / Math.max(1, result.requests)
    return { ...result, cpuPerRequest, connections }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function parseWrk(out, pooled) {
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  const percentile = (p) => toMs(new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`).exec(out)?.[1])
  const count = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  // Pooled scripts check every status themselves (bench-bad includes wrk's non-2xx/3xx).
  const errors = (pooled ? count('bench-bad') : count('Non-2xx or 3xx responses')) + socketErrors
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  return { rate, requests, p50: percentile(50), p99: percentile(99), errors, exhausted: count('bench-exhausted') }
}

function toMs(value) {
  if (!value) return NaN
  const n = parseFloat(value)
  if (value.endsWith('us')) return n / 1000
  if (value.endsWith('ms')) return n
  if (value.endsWith('s')) return n * 1000
  return n
}

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return NaN
  }
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Math.round(kb / 1024)
  } catch {
    return NaN
  }
}

/** The run of median rate; `poolRanOut` when any run's pool ran out (its rate is then a lower bound). */
function median(results) {
  if (!results.length) return null
  const sorted = [...results].sort((a, b) => a.rate - b.rate)
  return { ...sorted[Math.floor(sorted.length / 2)], poolRanOut: results.some((r) => r.exhausted > 0) }
}

// ---------------------------------------------------------------- output

/** A rate, as "≥ n (pool ran out)" when the run stopped early for want of tokens. */
const rateOf = (r, unit = '') => `${r.poolRanOut ? '≥ ' : ''}${Math.round(r.rate).toLocaleString('en-US')}${unit}${r.poolRanOut ? ' (pool ran out)' : ''}`
/** No ratio from a lower bound. */
const ratioOf = (row) => (!row.ours || !row.peer ? 'n/a' : row.ours.poolRanOut || row.peer.poolRanOut ? 'n/a (pool ran out)' : (row.ours.rate / row.peer.rate).toFixed(2))

function fmt(r) {
  return r ? `${rateOf(r)} | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ${r.errors} | ${r.rssMb} | ${r.cpuPerRequest.toFixed(2)}` : 'n/a | | | |'
}

function printRow(row) {
  const side = (r) => (r ? `${rateOf(r, '/s')}, ${r.cpuPerRequest.toFixed(2)} ms CPU/req, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors` : 'n/a')
  console.log(`${row.workload}: ${side(row.ours)} against ${side(row.peer)}; ratio ${ratioOf(row)}`)
}

function table(rows, [left, right]) {
  const header =
    `| workload | ${left} req/s | p50 / p99 ms | errors | RSS MB | CPU ms/req | ${right} req/s | p50 / p99 ms | errors | RSS MB | CPU ms/req | ratio |\n` +
    '|---|---|---|---|---|---|---|---|---|---|---|---|'
  const note = (r) => (r.ours?.connections && r.ours.connections !== CONNECTIONS ? ` (${r.ours.connections} connections)` : '')
  return [header, ...rows.map((r) => `| ${r.workload}${note(r)} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${ratioOf(r)} |`)].join('\n')
}

// ---------------------------------------------------------------- servers

async function waitFor(url, child, seconds = 600) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${url}`)
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
}

async function startOurServer({ port, seed = 0, label, nodeArgs = [], root = ROOT, dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-ours-')) }) {
  const url = `http://127.0.0.1:${port}`
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: url,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    // The per-client request budgets stay on (their cost is measured) but never trip: one
    // bench client makes thousands of requests a second. The peer has no such limits.
    TOKEN_RATE_LIMIT_PER_MINUTE: '1000000000',
    INTROSPECTION_RATE_LIMIT_PER_MINUTE: '1000000000',
  }
  const configFile = path.join(dataDir, 'bench-config.json')
  writeFileSync(configFile, JSON.stringify(ourConfiguration(), null, 2))
  execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli/admin.ts', 'import', configFile], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
  if (seed) await seedGrants(path.join(dataDir, 'tokenservice.db'), seed)
  const child = spawn(process.execPath, [...startFlags(root), ...nodeArgs, '--import', 'tsx', 'lib/server/start.ts'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] })
  await waitFor(`${url}/.well-known/openid-configuration`, child)
  const stop = stopper(child)
  return { kind: 'ours', label, url, pid: child.pid, dataDir, stop: () => stop().then(() => rmSync(dataDir, { recursive: true, force: true })) }
}

/** The V8 flags `npm start` gives the server (package.json "start": `node <flags> --import tsx …`), so the bench measures what operators run. */
function startFlags(root) {
  const script = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts?.start ?? ''
  const words = script.split(/\s+/)
  return words[0] === 'node' ? words.slice(1, words.indexOf('--import') >>> 0).filter((word) => word.startsWith('--')) : []
}

async function startPeer(port) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'peer-oidc-provider.mjs'), String(port), String(PEER_STORE)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/.well-known/openid-configuration`, child)
  return { kind: 'peer', label: 'node-oidc-provider', url, pid: child.pid, stop: stopper(child) }
}

// ---------------------------------------------------------------- profiles

/** Ours alone: one fresh server per workload under --cpu-prof, one run each, then a summary. */
async function profileAll() {
  const base = path.join(OUT, 'profiles')
  const names = WORKLOADS.filter((n) => !ONLY?.length || ONLY.includes(n))
  const summaries = []
  for (const name of names) {
    const dir = path.join(base, name.replace(/[^a-z0-9]+/gi, '-').toLowerCase())
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    let seconds = DURATION
    const result = await withServer({ port: PORT, label: 'ours', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] }, async (side) => {
      const spec = (await ourSpecs(side))[name]
      seconds = spec.duration ?? DURATION
      return runWorkload(side, spec)
    })
    // <pid>.0.<n>.cpuprofile is the main thread (tsx's loader thread writes one too).
    const file = readdirSync(dir).find((f) => /\.0\.\d+\.cpuprofile$/.test(f))
    // The server stops within a few seconds of the end of the run: that much more, not the start-up.
    const summary = file ? summarizeProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), { windowSeconds: seconds + 1 }) : 'no profile written'
    const text = `## ${name}: ${Math.round(result.rate)} req/s, ${result.cpuPerRequest.toFixed(2)} ms CPU per request (p99 ${result.p99.toFixed(1)} ms, ${result.errors} errors) under the profiler\n\n${summary}\n`
    writeFileSync(path.join(dir, 'summary.md'), text)
    summaries.push(text)
    console.log(text)
  }
  writeFileSync(path.join(base, 'summary.md'), summaries.join('\n'))
}

async function withServer(options, work) {
  const server = await startOurServer(options)
  try {
    return await work(server)
  } finally {
    await server.stop()
  }
}

await main()
