// The Lua script wrk runs for one workload.
//
// A static workload sends the same request every time. A pooled one sends a different body
// per request, taken from a file (`init` reads it; `request` takes the next one): single-use
// codes, refresh tokens. A chained pool puts back what each answer gives (the rotated refresh
// token), so a small pool lasts any duration, each token still used once. A cycled pool
// repeats its bodies (sign-ins of several users). Pooled workloads check every status in Lua:
// wrk itself counts only non-2xx/3xx answers, and a sign-in that is refused answers 200.
// `done` prints `bench-bad`, `bench-used` and `bench-exhausted` for run.mjs to read.

/** A Lua string literal for any text (bytes outside printable ASCII as \ddd escapes). */
export function luaString(text) {
  let out = '"'
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += '\\' + String.fromCharCode(byte)
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte)
    else out += '\\' + byte
  }
  return out + '"'
}

/**
 * spec: { method, headers, body } for a static workload, or with `pool`: { mode: 'consume' |
 * 'chain' | 'cycle', expect: status, bodies?: string[] (inline, for small cycled pools),
 * chain?: { prefix, pattern } }.
 */
export function wrkScript(spec) {
  const lines = [`wrk.method = ${luaString(spec.method)}`]
  for (const [name, value] of Object.entries(spec.headers ?? {})) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`)
  if (spec.body) lines.push(`wrk.body = ${luaString(spec.body)}`)
  const pool = spec.pool
  if (!pool) return lines.join('\n') + '\n'
  lines.push(
    `bodies, head, tail = {}, 1, 0`,
    `bad, used, exhausted, last = 0, 0, 0, ""`,
    `mode, expect = ${luaString(pool.mode)}, ${Number(pool.expect ?? 200)}`,
    `chain_prefix, chain_pattern = ${luaString(pool.chain?.prefix ?? '')}, ${luaString(pool.chain?.pattern ?? '')}`,
    `function init(args)`,
    `  if args[1] then for line in io.lines(args[1]) do if #line > 0 then tail = tail + 1; bodies[tail] = line end end end`,
    ...(pool.bodies ?? []).map((b) => `  tail = tail + 1; bodies[tail] = ${luaString(b)}`),
    `end`,
    `function request()`,
    `  if mode == "cycle" then`,
    `    local body = bodies[head]; head = head % tail + 1; used = used + 1`,
    `    return wrk.format(nil, nil, nil, body)`,
    `  end`,
    // An empty pool stops the run (wrk.thread:stop()), rather than sending spent tokens whose
    // refusals would count as answers (and a replayed code makes node-oidc-provider revoke its
    // whole grant, RFC 6749 §4.1.2). wrk still divides by the full duration, so such a run's
    // rate is a lower bound: run.mjs flags it. The request returned here is written at most
    // once per connection while the thread stops; its answer is not read.
    `  if head > tail then exhausted = exhausted + 1; wrk.thread:stop(); return wrk.format(nil, nil, nil, last) end`,
    `  last = bodies[head]; bodies[head] = nil; head = head + 1; used = used + 1`,
    `  return wrk.format(nil, nil, nil, last)`,
    `end`,
    `function response(status, headers, body)`,
    `  if status ~= expect then bad = bad + 1; return end`,
    `  if mode == "chain" then`,
    `    local value = body:match(chain_pattern)`,
    `    if value then tail = tail + 1; bodies[tail] = chain_prefix .. value else bad = bad + 1 end`,
    `  end`,
    `end`,
    `threads = {}`,
    `function setup(thread) table.insert(threads, thread) end`,
    `function done(summary, latency, requests)`,
    `  local b, u, e = 0, 0, 0`,
    `  for _, t in ipairs(threads) do b = b + t:get("bad"); u = u + t:get("used"); e = e + t:get("exhausted") end`,
    `  io.write(string.format("bench-bad: %d\\nbench-used: %d\\nbench-exhausted: %d\\n", b, u, e))`,
    `end`,
  )
  return lines.join('\n') + '\n'
}
