// What a password sign-in costs: argon2id verification with the parameters of
// lib/users/passwords.ts, one core (verifySync in a loop) and all cores (the async verify,
// on libuv's thread pool, as the login does). Usage: node bench/argon2.mjs [seconds]
import os from 'node:os'
import { hash, verify, verifySync } from '@node-rs/argon2'
import { tsImport } from 'tsx/esm/api'

const { PASSWORD_HASH_OPTIONS } = await tsImport('../lib/users/passwords.ts', import.meta.url)
const seconds = Number(process.argv[2] ?? 5)
const stored = await hash('correct horse battery staple', PASSWORD_HASH_OPTIONS)
console.log(`argon2id ${stored.split('$').slice(1, 4).join(' ')} (memory KiB, passes, lanes), output ${PASSWORD_HASH_OPTIONS.outputLen} bytes`)

let n = 0
let started = performance.now()
while (performance.now() - started < seconds * 1000) {
  if (!verifySync(stored, 'correct horse battery staple')) throw new Error('verify failed')
  n++
}
const oneCore = (n * 1000) / (performance.now() - started)
console.log(`one core: ${oneCore.toFixed(1)} verifications/s (${(1000 / oneCore).toFixed(1)} ms each)`)

const parallel = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
n = 0
started = performance.now()
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (performance.now() - started < seconds * 1000) {
      await verify(stored, 'correct horse battery staple')
      n++
    }
  }),
)
const all = (n * 1000) / (performance.now() - started)
console.log(`${os.cpus().length} cores, ${parallel} at a time: ${all.toFixed(1)} verifications/s`)
