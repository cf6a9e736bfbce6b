import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { BUILT_IN_IDENTITY_RESOURCES } from '../config/built-in-resources'
import { loadSettings } from '../config/env'
import type { UserAccount } from '../config/model'
import { testClient } from '../oidc/endpoints/authorize/checks/test-client'
import { useAsDefaultDb } from '../test-support/default-db'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { atHash, idTokenClaims, idTokenSigningAlgorithm, issueIdToken } from './id-token'
import { defaultKeyManager } from './keys'

const issuer = loadSettings().issuer
const user: UserAccount = {
  subjectId: 'alice-sub',
  username: 'alice',
  enabled: true,
  claims: { name: 'Alice', email: 'alice@example.test', email_verified: true, phone_number: '+1 555', sub: 'forged', auth_time: 1 },
}

let t: TestDb
beforeAll(async () => {
  t = await createTestDb()
  useAsDefaultDb(t.db)
})
afterAll(() => t.dispose())
afterEach(() => testClock.reset())

describe('idTokenSigningAlgorithm', () => {
  it('is RS256 by default and the first allowed algorithm otherwise', () => {
    expect(idTokenSigningAlgorithm(testClient())).toBe('RS256')
    expect(idTokenSigningAlgorithm(testClient({ allowedIdentityTokenSigningAlgorithms: ['ES256', 'RS256'] }))).toBe('ES256')
  })
})

describe('atHash', () => {
  it('matches the OpenID Connect Core example (Appendix A)', () => {
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe('77QmUPtjPfzWtF2AnpK9RQ')
    expect(atHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'ES256')).toBe('77QmUPtjPfzWtF2AnpK9RQ')
  })
})

describe('idTokenClaims', () => {
  const base = { client: testClient({ clientId: 'web', identityTokenLifetime: 300 }), subject: 'alice-sub', authTime: 1_900_000_000, scopes: ['openid', 'profile', 'email'] }

  it('carries the OIDC Core §2 claims', () => {
    testClock.set(new Date('2030-06-01T00:00:00Z'))
    const iat = Math.floor(Date.parse('2030-06-01T00:00:00Z') / 1000)
    const claims = idTokenClaims({ ...base, nonce: 'n-1', amr: ['pwd'], sessionId: 'sid-1', accessToken: 'at' }, 'RS256')
    expect(claims).toEqual({ sub: 'alice-sub', aud: 'web', iat, exp: iat + 300, auth_time: 1_900_000_000, nonce: 'n-1', amr: ['pwd'], sid: 'sid-1', at_hash: atHash('at', 'RS256') })
  })

  it('leaves out nonce, amr, sid and at_hash when there are none', () => {
    const claims = idTokenClaims(base, 'RS256')
    expect(Object.keys(claims).sort()).toEqual(['aud', 'auth_time', 'exp', 'iat', 'sub'])
  })

  it('has no user claims unless the client always wants them', () => {
    expect(idTokenClaims({ ...base, user, identityResources: BUILT_IN_IDENTITY_RESOURCES }, 'RS256')).not.toHaveProperty('name')
  })

  it('with alwaysIncludeUserClaimsInIdToken, adds the claims of granted identity scopes only, never over protocol claims', () => {
    const client = testClient({ clientId: 'web', alwaysIncludeUserClaimsInIdToken: true })
    const claims = idTokenClaims({ ...base, client, user, identityResources: BUILT_IN_IDENTITY_RESOURCES }, 'RS256')
    expect(claims).toMatchObject({ name: 'Alice', email: 'alice@example.test', email_verified: true, sub: 'alice-sub', auth_time: 1_900_000_000 })
    expect(claims).not.toHaveProperty('phone_number') // phone was not granted
  })
})

describe('issueIdToken', () => {
  it.each(['RS256', 'ES256'] as const)('signs with %s, typ JWT, verifiable with the published keys', async (alg) => {
    const client = testClient({ clientId: 'web', allowedIdentityTokenSigningAlgorithms: [alg] })
    const token = await issueIdToken({ client, subject: 'alice-sub', authTime: 1_900_000_000, scopes: ['openid'], accessToken: 'at' })
    expect(decodeProtectedHeader(token)).toMatchObject({ alg, typ: 'JWT' })
    const jwks = createLocalJWKSet(await defaultKeyManager().getPublishedJwks())
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: 'web' })
    expect(payload).toMatchObject({ iss: issuer, sub: 'alice-sub', aud: 'web', at_hash: atHash('at', alg) })
  })
})
