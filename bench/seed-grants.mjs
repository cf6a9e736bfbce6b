// Fills a migrated database with `count` persisted grants shaped like a store in steady state
// (what is left between two hourly clean-ups), for the data-scale run: SHA-256 keys of random
// handles, families (Authorization rows) of about four grants, twenty clients, 50,000
// subjects, and this mix:
//   60%  live refresh tokens, issued over the last 30 days, absolute 30-day expiration
//   15%  refresh tokens consumed by rotation within the last day (kept for reuse detection)
//   20%  reference access tokens of the last hour (2% already expired, awaiting clean-up)
//    5%  authorization codes of the last five minutes (half consumed)
// One transaction of prepared inserts through better-sqlite3: a bulk tool, so it writes rows
// the way the stores would (dates in the Prisma adapter's ISO format, Json as text) rather
// than through them. Usage: node bench/seed-grants.mjs <db file> <count>
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'

const CLIENTS = Array.from({ length: 20 }, (_, i) => `app-${i + 1}`)
const SUBJECTS = 50_000
const GRANTS_PER_FAMILY = 4
const HOUR = 3600_000
const DAY = 24 * HOUR

/** The Prisma better-sqlite3 adapter's DateTime encoding (iso8601 with +00:00). */
const iso = (ms) => new Date(ms).toISOString().replace('Z', '+00:00')
const key = () => createHash('sha256').update(randomBytes(32)).digest('base64url')

export async function seedGrants(file, count) {
  const started = performance.now()
  const db = new Database(file)
  const now = Date.now()
  const insertFamily = db.prepare('INSERT INTO "Authorization" (id, subjectId, clientId, sessionId, scopes, createdAt, lastUsedAt) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insertGrant = db.prepare(
    'INSERT INTO "PersistedGrant" (key, type, subjectId, sessionId, clientId, authorizationId, creationTime, expiration, consumedTime, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const scopes = ['openid', 'profile', 'email', 'api1:es256', 'offline_access']
  const seed = db.transaction(() => {
    let family
    for (let i = 0; i < count; i++) {
      if (i % GRANTS_PER_FAMILY === 0) {
        const subjectId = `seed-sub-${Math.floor(Math.random() * SUBJECTS)}`
        const created = now - Math.random() * 30 * DAY
        family = { id: randomUUID(), subjectId, clientId: CLIENTS[i % CLIENTS.length], sessionId: randomBytes(12).toString('base64url'), created }
        insertFamily.run(family.id, subjectId, family.clientId, family.sessionId, JSON.stringify(scopes), iso(created), iso(now - Math.random() * DAY))
      }
      const roll = Math.random()
      const owner = [family.subjectId, family.sessionId, family.clientId, family.id]
      if (roll < 0.75) {
        const consumed = roll >= 0.6
        const created = consumed ? now - Math.random() * DAY - HOUR : Math.max(family.created, now - Math.random() * 30 * DAY)
        const data = {
          scopes,
          claims: { email: `${family.subjectId}@example.test` },
          originalCreationTime: new Date(family.created).toISOString(),
          authTime: Math.floor(family.created / 1000),
          amr: ['pwd'],
          ...(consumed && { successor: randomBytes(71).toString('base64url') }),
        }
        insertGrant.run(key(), 'refresh_token', ...owner, iso(created), iso(family.created + 30 * DAY), consumed ? iso(created + Math.random() * HOUR) : null, JSON.stringify(data))
      } else if (roll < 0.95) {
        const created = now - Math.random() * (roll < 0.754 ? 2 * HOUR : HOUR)
        const iat = Math.floor(created / 1000)
        const claims = { iss: 'http://127.0.0.1:4200', exp: iat + 3600, iat, nbf: iat, jti: randomBytes(16).toString('base64url'), client_id: family.clientId, scope: scopes.join(' '), aud: 'urn:bench:opaque', sub: family.subjectId, auth_time: iat, sid: family.sessionId }
        insertGrant.run(key(), 'reference_token', ...owner, iso(created), iso((iat + 3600) * 1000), null, JSON.stringify({ claims }))
      } else {
        const created = now - Math.random() * 5 * 60_000
        const data = { redirectUri: `https://${family.clientId}.example/cb`, scopes, authTime: Math.floor(created / 1000) - 5, amr: ['pwd'], codeChallenge: key(), codeChallengeMethod: 'S256', nonce: randomBytes(12).toString('base64url') }
        insertGrant.run(key(), 'authorization_code', ...owner, iso(created), iso(created + 300_000), Math.random() < 0.5 ? iso(created + 2000) : null, JSON.stringify(data))
      }
    }
  })
  seed()
  db.close()
  console.log(`  seeded ${count.toLocaleString('en-US')} grants in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await seedGrants(process.argv[2], Number(process.argv[3]))
}
