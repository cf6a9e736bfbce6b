// The refresh_token grant through the token endpoint, against a real SQLite file (the
// process-wide db() and key manager point at it): issue from a code exchange, refresh,
// narrow the scope, and every reason a refresh must fail.
import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILT_IN_IDENTITY_RESOURCES } from '../../../../config/built-in-resources'
import { loadSettings } from '../../../../config/env'
import { createAuthorization, findAuthorization, revokeAuthorization } from '../../../../stores/authorizations'
import { upsertClient } from '../../../../stores/clients'
import { storeCode } from '../../../../stores/codes'
import { invalidateConfigCache } from '../../../../stores/config-cache'
import { findReferenceToken } from '../../../../stores/grants'
import { findRefreshToken } from '../../../../stores/refresh-tokens'
import { upsertApiResource, upsertApiScope, upsertIdentityResource } from '../../../../stores/resources'
import { createSession, endSession } from '../../../../stores/sessions'
import { createUser, setUserEnabled } from '../../../../stores/users'
import { testClientRecord } from '../../../../test-support/clients'
import { useAsDefaultDb } from '../../../../test-support/default-db'
import { createTestDb, type TestDb } from '../../../../test-support/test-db'
import { newHandle } from '../../../../tokens/handles'
import { tokenEndpoint } from '../handler'

const issuer = loadSettings().issuer
const sha = (s: string) => createHash('sha256').update(s).digest('base64url')
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const ALL = ['openid', 'profile', 'api1', 'api2', 'offline_access']

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  useAsDefaultDb(t.db)
  for (const resource of BUILT_IN_IDENTITY_RESOURCES) await upsertIdentityResource(t.db, resource, true)
  const scope = { displayName: null, description: null, enabled: true, required: false, emphasize: false }
  await upsertApiScope(t.db, { ...scope, name: 'api1', userClaims: ['email'] }, true)
  await upsertApiScope(t.db, { ...scope, name: 'api2', userClaims: [] }, true)
  const resource = { displayName: null, description: null, enabled: true, userClaims: [], allowedAccessTokenSigningAlgorithms: [], secrets: [] }
  await upsertApiResource(t.db, { ...resource, name: 'urn:api1', scopes: ['api1'] }, true)
  await upsertApiResource(t.db, { ...resource, name: 'urn:api2', scopes: ['api2'] }, true)
  const client = (id: string, overrides: Parameters<typeof testClientRecord>[1] = {}) =>
    upsertClient(
      t.db,
      testClientRecord(id, {
        requireClientSecret: true,
        secrets: [{ valueHash: sha(`${id}-secret`), description: null, expiration: null }],
        allowedGrantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://app.example/cb'],
        allowedScopes: ALL,
        allowOfflineAccess: true,
        ...overrides,
      }),
      true,
    )
  await client('web')
  await client('other')
  await client('reuse', { refreshTokenUsage: 'ReUse' })
  await client('fresh', { updateAccessTokenClaimsOnRefresh: true })
  await client('ref', { accessTokenType: 'Reference' })
  await client('no-refresh-grant', { allowedGrantTypes: ['authorization_code'] })
  invalidateConfigCache()
  await createUser({ username: 'alice', password: 'alice-password', subjectId: 'alice-sub', claims: { name: 'Alice', email: 'alice@example.com' } }, t.db)
  await createUser({ username: 'bob', password: 'bob-password', subjectId: 'bob-sub', claims: { email: 'bob@example.com' } }, t.db)
}, 60_000)
afterAll(() => t.dispose())

async function token(clientId: string, form: Record<string, string>) {
  const response = await tokenEndpoint(
    new Request(`${issuer}/connect/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    }),
  )
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, string | number | undefined> }
}

/** A code as the authorize endpoint stores it, exchanged at the token endpoint. */
async function exchange(clientId = 'web', scopes = ALL, subjectId = 'alice-sub', sessionId = 'SID-1') {
  const authorizationId = await createAuthorization({ clientId, subjectId, sessionId, scopes }, t.db)
  const code = newHandle()
  await storeCode(code, { clientId, subjectId, sessionId, authorizationId, redirectUri: 'https://app.example/cb', scopes, codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', authTime: 1_800_000_000, amr: ['pwd'] }, 300, t.db)
  const r = await token(clientId, { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: VERIFIER })
  expect(r.status).toBe(200)
  return { ...r.body, authorizationId } as Record<string, string | number | undefined> & { authorizationId: string }
}

const refresh = (clientId: string, refreshToken: string, extra: Record<string, string> = {}) => token(clientId, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra })

describe('refresh tokens from the code exchange', () => {
  it('come with offline_access for a client that allows offline access', async () => {
    const r = await exchange()
    expect(typeof r.refresh_token).toBe('string')
    const stored = await findRefreshToken(String(r.refresh_token), t.db)
    expect(stored).toMatchObject({ clientId: 'web', subjectId: 'alice-sub', sessionId: 'SID-1', authorizationId: r.authorizationId, scopes: ALL, authTime: 1_800_000_000, amr: ['pwd'] })
    expect(stored?.claims).toEqual({ email: 'alice@example.com' })
  })

  it('do not come without offline_access, nor for a client without the refresh_token grant', async () => {
    expect((await exchange('web', ['openid', 'api1'])).refresh_token).toBeUndefined()
    expect((await exchange('no-refresh-grant')).refresh_token).toBeUndefined()
  })
})

describe('a code of a client with stored tokens, exchanged 10 times at once (issue 6 §3)', () => {
  it('gives tokens to exactly one exchange, and the replays revoke them: nothing of the family lives', async () => {
    const scopes = ALL
    const authorizationId = await createAuthorization({ clientId: 'ref', subjectId: 'alice-sub', sessionId: 'SID-1', scopes }, t.db)
    const code = newHandle()
    await storeCode(code, { clientId: 'ref', subjectId: 'alice-sub', sessionId: 'SID-1', authorizationId, redirectUri: 'https://app.example/cb', scopes, codeChallenge: CHALLENGE, codeChallengeMethod: 'S256', authTime: 1_800_000_000, amr: ['pwd'] }, 300, t.db)
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: VERIFIER }
    const answers = await Promise.all(Array.from({ length: 10 }, () => token('ref', form)))
    const winners = answers.filter((a) => a.status === 200)
    expect(winners).toHaveLength(1)
    expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).toHaveLength(9)
    const won = winners[0]!.body
    expect(typeof won.refresh_token).toBe('string')
    expect(await findRefreshToken(String(won.refresh_token), t.db)).toBeNull()
    expect(await findReferenceToken(String(won.access_token), t.db)).toBeNull()
    expect(await findAuthorization(authorizationId, t.db)).toBeNull()
    expect(await t.db.persistedGrant.count({ where: { authorizationId } })).toBe(0)
    expect((await refresh('ref', String(won.refresh_token))).body.error).toBe('invalid_grant')
  })

  it('a single exchange stores its refresh and reference tokens with the consumed code', async () => {
    const first = await exchange('ref')
    expect(await findRefreshToken(String(first.refresh_token), t.db)).not.toBeNull()
    expect(await findReferenceToken(String(first.access_token), t.db)).toMatchObject({ clientId: 'ref', subjectId: 'alice-sub', authorizationId: first.authorizationId })
  })
})

describe('grant_type=refresh_token', () => {
  it('returns new tokens, a rotated refresh token and a new identity token; no-store', async () => {
    const first = await exchange()
    const r = await refresh('web', String(first.refresh_token))
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('no-store')
    expect(r.body.refresh_token).not.toBe(first.refresh_token)
    expect(r.body.scope).toBe(ALL.join(' '))
    const at = decodeJwt(String(r.body.access_token))
    expect(at).toMatchObject({ sub: 'alice-sub', client_id: 'web', sid: 'SID-1', auth_time: 1_800_000_000, email: 'alice@example.com' })
    expect(at.aud).toEqual(['urn:api1', 'urn:api2'])
    const id = decodeJwt(String(r.body.id_token))
    expect(id).toMatchObject({ sub: 'alice-sub', aud: 'web', auth_time: 1_800_000_000, sid: 'SID-1' })
    expect(id.nonce).toBeUndefined()
  })

  it('records the family as just used', async () => {
    const first = await exchange()
    await t.db.authorization.update({ where: { id: first.authorizationId }, data: { lastUsedAt: new Date(0) } })
    await refresh('web', String(first.refresh_token))
    expect((await findAuthorization(first.authorizationId, t.db))!.lastUsedAt.getTime()).toBeGreaterThan(0)
  })

  it('narrows the access token to a smaller scope; the refresh token keeps the original scopes', async () => {
    const first = await exchange()
    const narrow = await refresh('web', String(first.refresh_token), { scope: 'api2 offline_access' })
    expect(narrow.status).toBe(200)
    expect(narrow.body.scope).toBe('api2 offline_access')
    const at = decodeJwt(String(narrow.body.access_token))
    expect(at.aud).toBe('urn:api2')
    expect(at.email).toBeUndefined()
    expect(narrow.body.id_token).toBeUndefined()
    const full = await refresh('web', String(narrow.body.refresh_token))
    expect(full.body.scope).toBe(ALL.join(' '))
  })

  it('refuses a wider scope with invalid_scope and leaves the token usable', async () => {
    const first = await exchange('web', ['openid', 'api1', 'offline_access'])
    const r = await refresh('web', String(first.refresh_token), { scope: 'openid api1 api2 offline_access' })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('invalid_scope')
    expect((await refresh('web', String(first.refresh_token))).status).toBe(200)
  })

  it("refuses another client's refresh token (invalid_grant) without harming it", async () => {
    const first = await exchange()
    const r = await refresh('other', String(first.refresh_token))
    expect(r.status).toBe(400)
    expect(r.body.error).toBe('invalid_grant')
    expect((await refresh('web', String(first.refresh_token))).status).toBe(200)
  })

  it('refuses once the user is disabled', async () => {
    const first = await exchange('web', ALL, 'bob-sub')
    await setUserEnabled('bob', false, t.db)
    try {
      expect((await refresh('web', String(first.refresh_token))).body.error).toBe('invalid_grant')
    } finally {
      await setUserEnabled('bob', true, t.db)
    }
  })

  it('refuses once the family is revoked', async () => {
    const first = await exchange()
    await revokeAuthorization(first.authorizationId, t.db)
    expect((await refresh('web', String(first.refresh_token))).body.error).toBe('invalid_grant')
  })

  it('keeps working after the sign-in session ended (offline access is not tied to it)', async () => {
    const { session } = await createSession({ subjectId: 'alice-sub', amr: ['pwd'], lifetimeSeconds: 3600 }, t.db)
    const first = await exchange('web', ALL, 'alice-sub', session.sid)
    await endSession(session.sid, t.db)
    const r = await refresh('web', String(first.refresh_token))
    expect(r.status).toBe(200)
    expect(decodeJwt(String(r.body.access_token)).sid).toBe(session.sid)
  })

  it('reuse outside the grace period revokes the family; a quick retry inside it is served', async () => {
    const first = await exchange()
    const a = await refresh('web', String(first.refresh_token))
    const retry = await refresh('web', String(first.refresh_token))
    expect(retry.status).toBe(200)
    expect(retry.body.refresh_token).toBe(a.body.refresh_token)
    // Outside the window (consumed long ago):
    await t.db.persistedGrant.updateMany({ where: { authorizationId: first.authorizationId, consumedTime: { not: null } }, data: { consumedTime: new Date(Date.now() - 3600_000) } })
    expect((await refresh('web', String(first.refresh_token))).body.error).toBe('invalid_grant')
    expect(await findAuthorization(first.authorizationId, t.db)).toBeNull()
    expect((await refresh('web', String(a.body.refresh_token))).body.error).toBe('invalid_grant')
  })

  it('ReUse clients get the same refresh token back', async () => {
    const first = await exchange('reuse')
    const r = await refresh('reuse', String(first.refresh_token))
    expect(r.body.refresh_token).toBe(first.refresh_token)
    expect((await refresh('reuse', String(first.refresh_token))).status).toBe(200)
  })

  it('updateAccessTokenClaimsOnRefresh re-reads the user; otherwise the claims are those of sign-in', async () => {
    const plain = await exchange('web')
    const fresh = await exchange('fresh')
    await t.db.user.update({ where: { subjectId: 'alice-sub' }, data: { claims: { name: 'Alice', email: 'new@example.com' } } })
    try {
      expect(decodeJwt(String((await refresh('web', String(plain.refresh_token))).body.access_token)).email).toBe('alice@example.com')
      const updated = await refresh('fresh', String(fresh.refresh_token))
      expect(decodeJwt(String(updated.body.access_token)).email).toBe('new@example.com')
    } finally {
      await t.db.user.update({ where: { subjectId: 'alice-sub' }, data: { claims: { name: 'Alice', email: 'alice@example.com' } } })
    }
  })

  it('reference access tokens from a refresh belong to the family and go with it', async () => {
    const first = await exchange('ref')
    const r = await refresh('ref', String(first.refresh_token))
    const handle = String(r.body.access_token)
    expect(handle.split('.')).toHaveLength(1)
    expect(await findReferenceToken(handle, t.db)).toMatchObject({ authorizationId: first.authorizationId })
    await revokeAuthorization(first.authorizationId, t.db)
    expect(await findReferenceToken(handle, t.db)).toBeNull()
  })

  it('requires the refresh_token parameter and refuses unknown handles', async () => {
    expect((await token('web', { grant_type: 'refresh_token' })).body.error).toBe('invalid_request')
    expect((await refresh('web', 'unknown')).body.error).toBe('invalid_grant')
    expect((await refresh('web', 'x'.repeat(600))).body.error).toBe('invalid_grant')
  })

  it('is refused to clients without the refresh_token grant (unauthorized_client)', async () => {
    expect((await refresh('no-refresh-grant', 'whatever')).body.error).toBe('unauthorized_client')
  })
})
