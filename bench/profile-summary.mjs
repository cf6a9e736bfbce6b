// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by area
// (our code, each package, Node's internals, GC), the functions with the most self time, and
// the inclusive time of our own functions (what a request spends inside each step).
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [last N seconds]   (run.mjs --profile calls it too)
import { readFileSync } from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..')

/** Where a function lives: "ours: lib/…", a package name, "node", or a V8 pseudo-frame. */
function areaOf(frame) {
  const url = frame.url ?? ''
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : 'native'
  if (url.startsWith('node:')) return 'node internals'
  const file = url.replace(/^file:\/\//, '')
  const nm = file.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const parts = file.slice(nm + 14).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  if (file.startsWith(ROOT)) return 'ours: ' + path.relative(ROOT, file).split('/').slice(0, 2).join('/')
  return 'other'
}

function label(frame) {
  const url = (frame.url ?? '').replace(/^file:\/\//, '')
  const where = url.startsWith(ROOT) ? path.relative(ROOT, url) : url.includes('/node_modules/') ? url.slice(url.lastIndexOf('/node_modules/') + 14) : url
  return `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`
}

/**
 * `windowSeconds`: only the samples of the profile's last seconds (the load run; the server
 * stops right after it), so start-up (module loading, Next.js preparing) does not count.
 */
export function summarizeProfile(profile, { top = 15, windowSeconds = Infinity } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const times = []
  let at = profile.startTime
  for (const delta of profile.timeDeltas) times.push((at += delta))
  const from = profile.endTime - windowSeconds * 1e6
  const samples = profile.samples.filter((_, i) => times[i] >= from)
  const total = samples.length
  const self = new Map()
  const areas = new Map()
  const inclusive = new Map()
  for (const id of samples) {
    const frame = byId.get(id).callFrame
    const name = label(frame)
    self.set(name, (self.get(name) ?? 0) + 1)
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + 1)
    // Inclusive: every distinct function of ours on the stack, once per sample.
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame
      if (!(f.url ?? '').includes(ROOT) || f.url.includes('/node_modules/')) continue
      const l = label(f)
      if (!seen.has(l)) {
        seen.add(l)
        inclusive.set(l, (inclusive.get(l) ?? 0) + 1)
      }
    }
  }
  const pct = (n) => `${((100 * n) / total).toFixed(1)}%`
  const list = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `| ${pct(v)} | ${k.replace(/\|/g, '\\|')} |`)
      .join('\n')
  const idle = (areas.get('(idle)') ?? 0) + (areas.get('(program)') ?? 0)
  return [
    `${total} samples; idle/program ${pct(idle)}, GC ${pct(areas.get('(garbage collector)') ?? 0)}.`,
    '',
    '**Self time by area**',
    '',
    '| share | area |\n|---|---|',
    list(areas, 12),
    '',
    '**Top functions by self time**',
    '',
    '| share | function |\n|---|---|',
    list(self, top),
    '',
    '**Our functions by inclusive time**',
    '',
    '| share | function |\n|---|---|',
    list(inclusive, top),
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const windowSeconds = process.argv[3] ? Number(process.argv[3]) : Infinity
  console.log(summarizeProfile(JSON.parse(readFileSync(process.argv[2], 'utf8')), { windowSeconds }))
}
