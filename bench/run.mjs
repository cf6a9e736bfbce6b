// Benchmarks on loopback, our server and node-oidc-provider side by side in one run,
// alternating per workload. Usage: npm run bench -- [--duration 15] [--runs 3] [--only name,name]
// Needs `wrk` (Debian: apt-get install -y wrk). Results: a table on stdout and
// bench/out/results.json; copy the table into bench/RESULTS.md with the command and date.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BENCH, ourConfiguration, scopeOf } from './fixtures.mjs'

const ROOT = path.resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : fallback
}
const DURATION = Number(option('duration', '15'))
const RUNS = Number(option('runs', '3'))
const CONNECTIONS = Number(option('connections', '32'))
const ONLY = option('only', '')?.split(',').filter(Boolean)
const OUR_PORT = 4200
const PEER_PORT = 4100
const basic = (id, secret) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')

async function main() {
  const ours = await startOurServer()
  const peer = await startPeer()
  try {
    const workloads = await defineWorkloads(ours, peer)
    const rows = []
    for (const w of workloads.filter((w) => !ONLY?.length || ONLY.includes(w.name))) {
      const results = { ours: [], peer: [] }
      for (let run = 0; run < RUNS; run++) {
        for (const side of run % 2 === 0 ? ['peer', 'ours'] : ['ours', 'peer']) {
          const target = side === 'ours' ? ours : peer
          const spec = w[side]
          if (!spec) continue
          results[side].push({ ...(await runWrk(target.url + spec.path, spec)), rssMb: rssMb(target.pid) })
        }
      }
      rows.push({ workload: w.name, ours: median(results.ours), peer: median(results.peer) })
      printRow(rows.at(-1))
    }
    mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true })
    writeFileSync(path.join(ROOT, 'bench', 'out', 'results.json'), JSON.stringify({ date: new Date().toISOString(), duration: DURATION, runs: RUNS, connections: CONNECTIONS, cpus: os.cpus().length, rows }, null, 2))
    console.log('\n' + table(rows))
  } finally {
    ours.stop()
    peer.stop()
  }
}

async function defineWorkloads(ours, peer) {
  const cc = (client, scope) => ({
    path: '/connect/token',
    method: 'POST',
    headers: { Authorization: basic(client.clientId, client.secret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
  })
  const peerPath = (spec, p) => ({ ...spec, path: p })
  const [es256, rs256, reference] = BENCH.clients
  const opaque = BENCH.resources[2]
  const ourReference = await fetchToken(ours.url + '/connect/token', cc(reference, scopeOf(reference.resource)))
  const peerReference = await fetchToken(peer.url + '/token', cc(reference, BENCH.scope))
  const introspect = (token) => ({
    method: 'POST',
    headers: { Authorization: basic(opaque.name, opaque.secret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `token=${token}`,
  })
  return [
    { name: 'client_credentials JWT ES256', ours: cc(es256, scopeOf(es256.resource)), peer: peerPath(cc(es256, BENCH.scope), '/token') },
    { name: 'client_credentials JWT RS256', ours: cc(rs256, scopeOf(rs256.resource)), peer: peerPath(cc(rs256, BENCH.scope), '/token') },
    { name: 'client_credentials reference', ours: cc(reference, scopeOf(reference.resource)), peer: peerPath(cc(reference, BENCH.scope), '/token') },
    { name: 'introspection (reference)', ours: { path: '/connect/introspect', ...introspect(ourReference) }, peer: { path: '/token/introspection', ...introspect(peerReference) } },
    { name: 'discovery', ours: { path: '/.well-known/openid-configuration', method: 'GET' }, peer: { path: '/.well-known/openid-configuration', method: 'GET' } },
    { name: 'jwks', ours: { path: '/.well-known/openid-configuration/jwks', method: 'GET' }, peer: { path: '/jwks', method: 'GET' } },
  ]
}

async function fetchToken(url, spec) {
  const response = await fetch(url, { method: 'POST', headers: spec.headers, body: spec.body })
  const body = await response.json()
  if (!body.access_token) throw new Error(`no token from ${url}: ${JSON.stringify(body)}`)
  return body.access_token
}

function runWrk(url, spec) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wrk-'))
  const script = path.join(dir, 'request.lua')
  const headers = Object.entries(spec.headers ?? {}).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`).join('\n')
  writeFileSync(script, `wrk.method = ${JSON.stringify(spec.method)}\n${spec.body ? `wrk.body = ${JSON.stringify(spec.body)}` : ''}\n${headers}\n`)
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', '-s', script, url], { encoding: 'utf8' })
  return parseWrk(out)
}

function parseWrk(out) {
  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  const percentile = (p) => toMs(new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`).exec(out)?.[1])
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  return { rate, p50: percentile(50), p99: percentile(99), errors: non2xx + socketErrors }
}

function toMs(value) {
  if (!value) return NaN
  const n = parseFloat(value)
  if (value.endsWith('us')) return n / 1000
  if (value.endsWith('ms')) return n
  if (value.endsWith('s')) return n * 1000
  return n
}

function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Math.round(kb / 1024)
  } catch {
    return NaN
  }
}

function median(results) {
  if (!results.length) return null
  const sorted = [...results].sort((a, b) => a.rate - b.rate)
  return sorted[Math.floor(sorted.length / 2)]
}

function fmt(r) {
  return r ? `${Math.round(r.rate).toLocaleString('en-US')} | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ${r.errors} | ${r.rssMb}` : 'n/a | | |'
}

function printRow(row) {
  const ratio = row.ours && row.peer ? (row.ours.rate / row.peer.rate).toFixed(2) : 'n/a'
  console.log(`${row.workload}: ours ${Math.round(row.ours?.rate ?? 0)}/s, peer ${Math.round(row.peer?.rate ?? 0)}/s, ratio ${ratio}`)
}

function table(rows) {
  const header = '| workload | ours req/s | ours p50 / p99 ms | ours errors | ours RSS MB | peer req/s | peer p50 / p99 ms | peer errors | peer RSS MB | ours ÷ peer |\n|---|---|---|---|---|---|---|---|---|---|'
  return [header, ...rows.map((r) => `| ${r.workload} | ${fmt(r.ours)} | ${fmt(r.peer)} | ${r.ours && r.peer ? (r.ours.rate / r.peer.rate).toFixed(2) : 'n/a'} |`)].join('\n')
}

async function waitFor(url, child, seconds = 300) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`timed out waiting for ${url}`)
}

async function startOurServer() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-ours-'))
  const env = { ...process.env, PORT: String(OUR_PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn', NODE_ENV: 'production' }
  const configFile = path.join(dataDir, 'bench-config.json')
  writeFileSync(configFile, JSON.stringify(ourConfiguration(), null, 2))
  execFileSync(process.execPath, ['--import', 'tsx', 'lib/cli/admin.ts', 'import', configFile], { cwd: ROOT, env, stdio: 'inherit' })
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/server/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  const url = `http://127.0.0.1:${OUR_PORT}`
  await waitFor(`${url}/.well-known/openid-configuration`, child)
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') }
}

async function startPeer() {
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'peer-oidc-provider.mjs'), String(PEER_PORT)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${PEER_PORT}`
  await waitFor(`${url}/.well-known/openid-configuration`, child)
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') }
}

await main()
