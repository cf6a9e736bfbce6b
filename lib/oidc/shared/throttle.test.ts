// The endpoint side of throttling, through the revocation endpoint (the token and
// introspection endpoints run the same two steps; e2e/protocol/audit-throttle.test.ts covers
// them over HTTP): failed client authentication per client + IP, per client and per IP, and
// the caller's budget per minute, each answered 429 with Retry-After and no-store.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createThrottles, type Throttles } from '../../security/throttle'
import { upsertClient } from '../../stores/clients'
import { invalidateConfigCache } from '../../stores/config-cache'
import { testClientRecord } from '../../test-support/clients'
import { createTestDb, type TestDb } from '../../test-support/test-db'
import { handleRevocationRequest } from '../endpoints/revocation/handler'
import { readForm } from '../params'
import { presentedClientId } from './throttle'

const sha = (s: string) => createHash('sha256').update(s).digest('base64url')

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  for (const id of ['web', 'api-caller']) {
    await upsertClient(t.db, testClientRecord(id, { requireClientSecret: true, secrets: [{ valueHash: sha(`${id}-secret`), description: null, expiration: null }] }), true)
  }
  invalidateConfigCache()
}, 60_000)
afterAll(() => t.dispose())

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

function throttles(overrides: { revocationPerMinute?: number } = {}): Throttles {
  const failures = { perSubjectAndIp: 2, perSubject: 5, perIp: 4, windowSeconds: 900 }
  return createThrottles({ store: 'memory', tokenPerMinute: 0, introspectionPerMinute: 0, revocationPerMinute: overrides.revocationPerMinute ?? 0, login: failures, clientAuth: failures })
}

async function revoke(deps: { throttles: Throttles }, ip: string, authorization: string) {
  const request = new Request('http://localhost/connect/revocation', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization, 'x-forwarded-for': ip },
    body: new URLSearchParams({ token: 'not-a-token' }),
  })
  const response = await handleRevocationRequest(request, t.db, deps)
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as { error?: string }) : null }
}

describe('client authentication throttle at an endpoint', () => {
  it('locks the guessing IP out of the client, with Retry-After and no-store, and nobody else', async () => {
    const deps = { throttles: throttles() }
    for (let i = 0; i < 2; i++) expect((await revoke(deps, '127.0.0.1', basic('web', 'guess'))).status).toBe(401)
    const refused = await revoke(deps, '127.0.0.1', basic('web', 'web-secret'))
    expect(refused.status).toBe(429)
    expect(refused.body?.error).toBe('too_many_requests')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.headers.get('cache-control')).toBe('no-store')
    // The client itself, from its own address, is unaffected.
    expect((await revoke(deps, '127.0.0.2', basic('web', 'web-secret'))).status).toBe(200)
  })

  it('caps failures per client across IPs, and per IP across clients', async () => {
    const deps = { throttles: throttles() }
    for (const ip of ['127.0.1.1', '127.0.1.2', '127.0.1.3']) await revoke(deps, ip, basic('web', 'guess'))
    await revoke(deps, '127.0.1.4', basic('web', 'guess'))
    await revoke(deps, '127.0.1.5', basic('web', 'guess'))
    expect((await revoke(deps, '127.0.1.6', basic('web', 'web-secret'))).status).toBe(429)
    expect((await revoke(deps, '127.0.1.6', basic('api-caller', 'api-caller-secret'))).status).toBe(200)

    for (const id of ['a', 'b', 'c', 'd']) expect((await revoke(deps, '127.0.2.1', basic(id, 'guess'))).status).toBe(401)
    expect((await revoke(deps, '127.0.2.1', basic('api-caller', 'api-caller-secret'))).status).toBe(429)
  })

  it('counts nothing for successful authentications', async () => {
    const deps = { throttles: throttles() }
    for (let i = 0; i < 20; i++) expect((await revoke(deps, '127.0.3.1', basic('web', 'web-secret'))).status).toBe(200)
  })
})

describe('request budget at an endpoint', () => {
  it('answers 429 once the caller has spent its budget for the minute', async () => {
    const deps = { throttles: throttles({ revocationPerMinute: 3 }) }
    for (let i = 0; i < 3; i++) expect((await revoke(deps, '127.0.4.1', basic('web', 'web-secret'))).status).toBe(200)
    const refused = await revoke(deps, '127.0.4.2', basic('web', 'web-secret'))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(refused.headers.get('cache-control')).toBe('no-store')
    expect((await revoke(deps, '127.0.4.1', basic('api-caller', 'api-caller-secret'))).status).toBe(200)
  })
})

describe('presentedClientId', () => {
  const request = (headers: Record<string, string>, body: Record<string, string>) =>
    new Request('http://localhost/x', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) })

  it('reads Basic first, then the body, and survives a malformed header', async () => {
    const cases: [Request, string | null][] = [
      [request({ authorization: basic('from-basic', 's') }, { client_id: 'from-body' }), 'from-basic'],
      [request({}, { client_id: 'from-body' }), 'from-body'],
      [request({ authorization: 'Basic !!!' }, { client_id: 'from-body' }), 'from-body'],
      [request({}, {}), null],
    ]
    for (const [req, expected] of cases) expect(presentedClientId(req, await readForm(req.clone()))).toBe(expected)
  })
})
