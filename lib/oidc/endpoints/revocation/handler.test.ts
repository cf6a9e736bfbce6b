import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epochSeconds } from '../../../clock'
import { loadSettings } from '../../../config/env'
import { createAuthorization, findAuthorization } from '../../../stores/authorizations'
import { findClient, upsertClient } from '../../../stores/clients'
import { invalidateConfigCache } from '../../../stores/config-cache'
import { findReferenceToken, storeReferenceToken } from '../../../stores/grants'
import { findRefreshToken } from '../../../stores/refresh-tokens'
import { testClientRecord } from '../../../test-support/clients'
import { createTestDb, type TestDb } from '../../../test-support/test-db'
import { newHandle } from '../../../tokens/handles'
import { signJwt } from '../../../tokens/jwt'
import { createKeyManager } from '../../../tokens/keys'
import { issueRefreshToken } from '../../../tokens/refresh-token'
import { handleRevocationRequest } from './handler'

const URL_ = 'http://localhost:3000/connect/revocation'
const sha = (s: string) => createHash('sha256').update(s).digest('base64url')
const secret = (value: string) => ({ valueHash: sha(value), description: null, expiration: null })

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  const common = { allowedGrantTypes: ['authorization_code', 'refresh_token'], allowedScopes: ['openid', 'api1', 'offline_access'], allowOfflineAccess: true }
  await upsertClient(t.db, testClientRecord('web', { ...common, requireClientSecret: true, secrets: [secret('web-secret')] }), true)
  await upsertClient(t.db, testClientRecord('other', { ...common, requireClientSecret: true, secrets: [secret('other-secret')] }), true)
  await upsertClient(t.db, testClientRecord('spa', { ...common, requireClientSecret: false }), true)
  invalidateConfigCache()
}, 60_000)
afterAll(() => t.dispose())

const basic = (id: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}` })

async function revoke(form: Record<string, string>, headers: Record<string, string> = basic('web', 'web-secret')) {
  const response = await handleRevocationRequest(
    new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) }),
    t.db,
  )
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

/** A family of `clientId` with two refresh tokens (one consumed) and two reference tokens. */
async function family(clientId = 'web') {
  const client = (await findClient(clientId, t.db))!
  const authorizationId = await createAuthorization({ clientId, subjectId: 'alice', scopes: ['openid', 'api1', 'offline_access'] }, t.db)
  const input = { client, subjectId: 'alice', authorizationId, scopes: ['openid', 'api1', 'offline_access'], claims: {} }
  const refresh = await issueRefreshToken(input, { database: t.db })
  const refresh2 = await issueRefreshToken(input, { database: t.db })
  const refs = [newHandle(), newHandle()]
  for (const handle of refs) {
    await storeReferenceToken(handle, { clientId, subjectId: 'alice', authorizationId, expiration: new Date(Date.now() + 3600_000), claims: { aud: 'urn:api1' } }, t.db)
  }
  return { authorizationId, refresh, refresh2, refs }
}

async function familyGone(f: Awaited<ReturnType<typeof family>>) {
  return (
    (await findAuthorization(f.authorizationId, t.db)) === null &&
    (await findRefreshToken(f.refresh, t.db)) === null &&
    (await findRefreshToken(f.refresh2, t.db)) === null &&
    (await findReferenceToken(f.refs[0]!, t.db)) === null &&
    (await findReferenceToken(f.refs[1]!, t.db)) === null
  )
}

describe('revocation', () => {
  it('revoking a refresh token revokes its whole family (refresh and reference tokens)', async () => {
    const f = await family()
    const other = await family()
    const r = await revoke({ token: f.refresh, token_type_hint: 'refresh_token' })
    expect(r.status).toBe(200)
    expect(r.text).toBe('')
    expect(r.headers.get('cache-control')).toBe('no-store')
    expect(await familyGone(f)).toBe(true)
    expect(await familyGone(other)).toBe(false)
  })

  it('revoking a reference token removes that token only', async () => {
    const f = await family()
    expect((await revoke({ token: f.refs[0]!, token_type_hint: 'access_token' })).status).toBe(200)
    expect(await findReferenceToken(f.refs[0]!, t.db)).toBeNull()
    expect(await findReferenceToken(f.refs[1]!, t.db)).not.toBeNull()
    expect(await findRefreshToken(f.refresh, t.db)).not.toBeNull()
  })

  it('finds the token whatever the hint says (unknown hints are ignored)', async () => {
    const a = await family()
    expect((await revoke({ token: a.refresh, token_type_hint: 'access_token' })).status).toBe(200)
    expect(await familyGone(a)).toBe(true)
    const b = await family()
    expect((await revoke({ token: b.refs[0]!, token_type_hint: 'refresh_token' })).status).toBe(200)
    expect(await findReferenceToken(b.refs[0]!, t.db)).toBeNull()
    const c = await family()
    expect((await revoke({ token: c.refresh, token_type_hint: 'no_such_type' })).status).toBe(200)
    expect(await familyGone(c)).toBe(true)
  })

  it("answers 200 and does nothing for another client's tokens (RFC 7009 §2.2)", async () => {
    const f = await family('web')
    for (const token of [f.refresh, f.refs[0]!]) {
      const r = await revoke({ token }, basic('other', 'other-secret'))
      expect(r.status).toBe(200)
    }
    expect(await familyGone(f)).toBe(false)
    expect(await findReferenceToken(f.refs[0]!, t.db)).not.toBeNull()
    expect(await findRefreshToken(f.refresh, t.db)).not.toBeNull()
  })

  it('answers 200 for unknown tokens', async () => {
    expect((await revoke({ token: 'no-such-token' })).status).toBe(200)
    expect((await revoke({ token: 'x'.repeat(10_000) })).status).toBe(200)
  })

  it('public clients revoke their own tokens with their client_id', async () => {
    const f = await family('spa')
    expect((await revoke({ token: f.refresh, client_id: 'spa' }, {})).status).toBe(200)
    expect(await familyGone(f)).toBe(true)
  })

  it('answers unsupported_token_type for a JWT access token (it cannot be revoked)', async () => {
    const keys = createKeyManager({ db: t.db })
    await keys.ensure()
    const jwt = await signJwt({ sub: 'alice', client_id: 'web', exp: epochSeconds() + 60 }, { alg: 'RS256', typ: 'at+jwt' }, { keys, issuer: loadSettings().issuer })
    const r = await revoke({ token: jwt })
    expect(r.status).toBe(400)
    expect(r.body?.error).toBe('unsupported_token_type')
    expect((await revoke({ token: 'not.a.jwt' })).status).toBe(200)
  })

  it('requires client authentication', async () => {
    const f = await family()
    const none = await revoke({ token: f.refresh }, {})
    expect(none.status).toBe(401)
    expect(none.body?.error).toBe('invalid_client')
    const wrong = await revoke({ token: f.refresh }, basic('web', 'wrong'))
    expect(wrong.status).toBe(401)
    expect(await familyGone(f)).toBe(false)
  })

  it('requires the token parameter and POST', async () => {
    expect((await revoke({})).body?.error).toBe('invalid_request')
    expect((await handleRevocationRequest(new Request(URL_), t.db)).status).toBe(405)
  })
})
