// Tools of the hostile-input suite (hostile-input.test.ts): the invariants every answer must
// keep, row counts of the database, hostile strings, forged JWTs and raw request bodies.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { SignJWT, type JWK } from 'jose'
import { expect } from 'vitest'

// ------------------------------------------------------------------ fixture

interface FixtureClient {
  clientId: string
  redirectUris?: string[]
  postLogoutRedirectUris?: string[]
}
interface Fixture {
  clients: FixtureClient[]
  users: { subjectId: string }[]
}

const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'config.json'), 'utf8')) as Fixture

/** Every URI any client registered: the only places besides this server a redirect may go. */
export const REGISTERED_URIS: readonly string[] = fixture.clients.flatMap((c) => [...(c.redirectUris ?? []), ...(c.postLogoutRedirectUris ?? [])])

// ------------------------------------------------------------------ the database

/** The tables the suite watches, plus consumed grants (a spent code or refresh token keeps its row). */
export const WATCHED = ['PersistedGrant', 'PersistedGrant (consumed)', 'Authorization', 'Consent', 'UserSession', 'User', 'Client'] as const
export type DbCounts = Record<(typeof WATCHED)[number], number>

/**
 * Row counts, read-only. Rows of the *other* suites' fixture clients and users are left out:
 * those suites may run at the same time against the same server. What a hostile request could
 * create (for the suite's own hi-* fixtures, for an injected id, for nobody) is counted.
 */
export function openRowCounter(databaseFile: string): { counts: () => DbCounts; close: () => void } {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true })
  const quote = (values: string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ') || "''"
  const otherClients = quote(fixture.clients.map((c) => c.clientId).filter((id) => !id.startsWith('hi-')))
  const otherSubjects = quote(fixture.users.map((u) => u.subjectId).filter((id) => !id.startsWith('hi-')))
  const ours = `clientId NOT IN (${otherClients}) AND (subjectId IS NULL OR subjectId NOT IN (${otherSubjects}))`
  const queries: Record<keyof DbCounts, string> = {
    PersistedGrant: `SELECT COUNT(*) FROM PersistedGrant WHERE ${ours}`,
    'PersistedGrant (consumed)': `SELECT COUNT(*) FROM PersistedGrant WHERE ${ours} AND consumedTime IS NOT NULL`,
    Authorization: `SELECT COUNT(*) FROM "Authorization" WHERE ${ours}`,
    Consent: `SELECT COUNT(*) FROM Consent WHERE ${ours}`,
    UserSession: `SELECT COUNT(*) FROM UserSession WHERE subjectId NOT IN (${otherSubjects})`,
    User: `SELECT COUNT(*) FROM User WHERE subjectId NOT IN (${otherSubjects})`,
    Client: `SELECT COUNT(*) FROM Client WHERE clientId NOT IN (${otherClients})`,
  }
  const statements = Object.entries(queries).map(([table, sql]) => [table, db.prepare(sql).pluck()] as const)
  return {
    counts: () => Object.fromEntries(statements.map(([table, statement]) => [table, statement.get() as number])) as DbCounts,
    close: () => db.close(),
  }
}

// ------------------------------------------------------------------ the invariants

/** A stack frame, an exception name, a file path or a storage detail in a response body. */
export const LEAK = /\bat [\w$.<>]+ \(|\n\s+at |\bError:|\/work\/|\/home\/|\/tmp\/|node_modules|\.tsx?\b:|prisma|SQLITE|better-sqlite3/i

export interface Answer {
  status: number
  headers: Headers
  body: string
}

/**
 * What every answer to a hostile request keeps: no 5xx, no internal detail, no redirect (by
 * Location or by a form_post page) anywhere but this server or a registered URI, and no new
 * sign-in session unless the case really signs in.
 */
export function expectSafeAnswer(answer: Answer, baseUrl: string, options: { signsIn?: boolean } = {}): void {
  expect(answer.status, 'never a 5xx').toBeLessThan(500)
  expect(answer.body.match(LEAK)?.[0], 'no internal detail in the body').toBeUndefined()
  const location = answer.headers.get('location')
  if (location !== null) expectSafeTarget(location, baseUrl)
  for (const [, action] of answer.body.matchAll(/<form\b[^>]*\baction="([^"]*)"/gi)) {
    if (action) expectSafeTarget(decodeHtml(action), baseUrl)
  }
  const sessionCookies = answer.headers.getSetCookie().filter((c) => /^ts_session=[^;]/.test(c))
  if (!options.signsIn) expect(sessionCookies, 'no session cookie').toEqual([])
}

/** This server, or exactly a registered URI (plus the query the server appends). */
export function expectSafeTarget(target: string, baseUrl: string): void {
  // Resolved as a browser would: "//evil.example" and "/\evil.example" leave this origin.
  if (new URL(target, baseUrl).origin === baseUrl) return
  const registered = REGISTERED_URIS.some((uri) => target === uri || target.startsWith(`${uri}?`) || target.startsWith(`${uri}&`))
  expect(registered, `redirect target ${target} is neither this server nor a registered URI`).toBe(true)
}

function decodeHtml(value: string): string {
  return value.replace(/&(amp|quot|lt|gt|#39|#x27);/g, (_, e: string) => ({ amp: '&', quot: '"', lt: '<', gt: '>', '#39': "'", '#x27': "'" })[e]!)
}

// ------------------------------------------------------------------ hostile strings

/** SQL, HTML and script injection, sent in every field. */
export const INJECTIONS: Readonly<Record<string, string>> = {
  'SQL quote': "' OR '1'='1' --",
  'SQL union': "x' UNION SELECT key, data FROM PersistedGrant --",
  'SQL stacked': "1; DROP TABLE User; --",
  HTML: '"><img src=x onerror=alert(1)>',
  script: '<script>alert(document.cookie)</script>',
}

/** Already percent-encoded: bytes that are not UTF-8. */
export const INVALID_UTF8: Readonly<Record<string, string>> = {
  '%C3%28': '%C3%28',
  '%FF': '%FF',
  'a UTF-16 surrogate': '%ED%A0%80',
  'overlong "/"': '%C0%AF',
}

/** Already percent-encoded: control characters. */
export const CONTROL: Readonly<Record<string, string>> = {
  NUL: 'a%00b',
  'CR LF (header injection)': 'a%0D%0ASet-Cookie:%20x=y',
  DEL: 'a%7F',
}

export const MEGABYTE = 1024 * 1024
export const mb = (size = MEGABYTE) => 'a'.repeat(size)

// ------------------------------------------------------------------ raw bodies

/** A multipart/form-data body built by hand, so raw bytes (not UTF-8) can go into it. */
export function rawMultipart(fields: [string, string | Uint8Array][]): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = `----hostile${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`))
    parts.push(typeof value === 'string' ? Buffer.from(value) : Buffer.from(value))
    parts.push(Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Uint8Array.from(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` }
}

// ------------------------------------------------------------------ forged JWTs

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url')
const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

export function jwtParts(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const [header, payload, signature] = token.split('.')
  return { header: decodePart(header!), payload: decodePart(payload!), signature: signature! }
}

/**
 * Ways to forge `token` (one of this server's own JWTs): each keeps its claims (apart from the
 * tampered ones) and fails only where the server must look.
 */
export async function forgeries(token: string, jwks: { keys: JWK[] }): Promise<Record<string, string>> {
  const { header, payload, signature } = jwtParts(token)
  const typ = typeof header.typ === 'string' ? header.typ : 'JWT'
  const now = Math.floor(Date.now() / 1000)
  const rawPayload = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')
  const withPayload = (json: string) => `${token.split('.')[0]}.${b64url(json)}.${signature}`
  const tampered = (changes: Record<string, unknown>) => withPayload(JSON.stringify({ ...payload, ...changes }))

  // RFC 8725 §2.1: the public key (as its PEM text) used as an HMAC secret.
  const rsa = jwks.keys.find((k) => k.kty === 'RSA') ?? jwks.keys[0]!
  const pem = createPublicKey({ key: rsa as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
  const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signWith = (claims: Record<string, unknown>, kid: string) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ }).sign(stranger)

  return {
    'alg none': `${b64url(JSON.stringify({ alg: 'none', typ }))}.${b64url(JSON.stringify(payload))}.`,
    'alg none, signature kept': `${b64url(JSON.stringify({ ...header, alg: 'none' }))}.${token.split('.')[1]}.${signature}`,
    'HS256 keyed with the public key': await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: String(rsa.kid), typ }).sign(new TextEncoder().encode(pem)),
    'a foreign key and kid': await signWith(payload, 'not-one-of-ours'),
    'a foreign key under our kid': await signWith(payload, String(header.kid)),
    'a tampered sub': tampered({ sub: 'someone-else' }),
    'a tampered scope': tampered({ scope: 'openid hi.read admin' }),
    'exp in the past (tampered)': tampered({ exp: now - 3600 }),
    'iat and nbf in the future (tampered)': tampered({ iat: now + 86_400, nbf: now + 86_400 }),
    'exp "abc" (tampered)': tampered({ exp: 'abc' }),
    'exp 1e309 (tampered)': withPayload(rawPayload.replace(/"exp":\d+/, '"exp":1e309')),
    'exp -1 (foreign key)': await signWith({ ...payload, exp: -1 }, String(header.kid)),
    'a five-part JWE shape': `${b64url('{"alg":"dir","enc":"A128GCM"}')}..${b64url('iv')}.${b64url('ct')}.${b64url('tag')}`,
    'not base64url': `${token.split('.')[0]}.%%%%.${signature}`,
  }
}
