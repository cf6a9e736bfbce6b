import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../clock'
import { loadSettings } from '../config/env'
import type { ApiResourceConfig, ClientConfig, SigningAlgorithm } from '../config/model'
import { findReferenceToken } from '../stores/grants'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { accessTokenClaims, accessTokenSigningAlgorithm, issueAccessToken } from './access-token'
import { hashHandle } from './handles'

const api = (name: string, algs: SigningAlgorithm[] = []): ApiResourceConfig => ({
  name,
  displayName: null,
  description: null,
  enabled: true,
  scopes: [],
  userClaims: [],
  secrets: [],
  allowedAccessTokenSigningAlgorithms: algs,
})

const client = (overrides: Partial<ClientConfig> = {}): ClientConfig => ({
  clientId: 'machine',
  clientName: null,
  enabled: true,
  secrets: [],
  requireClientSecret: true,
  allowedGrantTypes: ['client_credentials'],
  redirectUris: [],
  postLogoutRedirectUris: [],
  allowedScopes: ['a', 'b'],
  allowedCorsOrigins: [],
  requirePkce: true,
  allowPlainTextPkce: false,
  requireConsent: false,
  allowRememberConsent: true,
  allowOfflineAccess: false,
  alwaysIncludeUserClaimsInIdToken: false,
  accessTokenType: 'Jwt',
  identityTokenLifetime: 300,
  accessTokenLifetime: 900,
  authorizationCodeLifetime: 300,
  refreshTokenUsage: 'OneTimeOnly',
  refreshTokenExpiration: 'Absolute',
  absoluteRefreshTokenLifetime: 2592000,
  slidingRefreshTokenLifetime: 1296000,
  updateAccessTokenClaimsOnRefresh: false,
  allowedIdentityTokenSigningAlgorithms: [],
  ...overrides,
})

afterEach(() => testClock.reset())

describe('accessTokenSigningAlgorithm', () => {
  it('is RS256 without audiences or when no audience restricts it', () => {
    expect(accessTokenSigningAlgorithm([])).toBe('RS256')
    expect(accessTokenSigningAlgorithm([api('x'), api('y')])).toBe('RS256')
  })

  it('follows a single restricting audience, whatever unrestricted ones say', () => {
    expect(accessTokenSigningAlgorithm([api('x', ['ES256'])])).toBe('ES256')
    expect(accessTokenSigningAlgorithm([api('free'), api('x', ['ES256'])])).toBe('ES256')
  })

  it('takes the first algorithm every restricting audience allows', () => {
    expect(accessTokenSigningAlgorithm([api('x', ['ES256', 'RS256']), api('y', ['RS256', 'ES256'])])).toBe('ES256')
    expect(accessTokenSigningAlgorithm([api('x', ['ES256', 'RS256']), api('y', ['RS256'])])).toBe('RS256')
  })

  it('audiences without a common algorithm are invalid_scope', () => {
    expect(() => accessTokenSigningAlgorithm([api('x', ['ES256']), api('y', ['RS256'])])).toThrow(expect.objectContaining({ code: 'invalid_scope' }))
  })
})

describe('accessTokenClaims (RFC 9068 §2.2)', () => {
  it('carries the protocol claims; sub is the client_id when there is no user', () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const iat = Date.parse('2030-01-01T00:00:00Z') / 1000
    const claims = accessTokenClaims({ client: client(), scopes: ['b', 'a'], audiences: [api('one')] })
    expect(claims).toMatchObject({ iss: loadSettings().issuer, iat, nbf: iat, exp: iat + 900, client_id: 'machine', sub: 'machine', scope: 'b a', aud: 'one' })
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(claims).not.toHaveProperty('auth_time')
    expect(claims).not.toHaveProperty('sid')
  })

  it('several audiences become an array; none becomes the static {issuer}/resources', () => {
    expect(accessTokenClaims({ client: client(), scopes: ['a'], audiences: [api('one'), api('two')] }).aud).toEqual(['one', 'two'])
    expect(accessTokenClaims({ client: client(), scopes: ['a'], audiences: [] }).aud).toBe(`${loadSettings().issuer}/resources`)
  })

  it('with a user: sub, auth_time and sid; extra claims never override protocol claims', () => {
    const claims = accessTokenClaims({
      client: client(),
      scopes: ['a'],
      audiences: [api('one')],
      subject: 'user-1',
      sessionId: 'sid-1',
      authTime: 1_900_000_000,
      claims: { email: 'a@example.com', client_id: 'forged', sub: 'forged' },
    })
    expect(claims).toMatchObject({ sub: 'user-1', sid: 'sid-1', auth_time: 1_900_000_000, email: 'a@example.com', client_id: 'machine' })
  })

  it('every token gets its own jti', () => {
    const a = accessTokenClaims({ client: client(), scopes: ['a'], audiences: [] })
    const b = accessTokenClaims({ client: client(), scopes: ['a'], audiences: [] })
    expect(a.jti).not.toBe(b.jti)
  })
})

describe('reference tokens', () => {
  let test: TestDb
  beforeAll(async () => {
    test = await createTestDb()
  })
  afterAll(() => test.dispose())

  it('the client gets a 256-bit handle; the store keeps only its hash, with the claims and the expiry', async () => {
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    const issued = await issueAccessToken({ client: client({ accessTokenType: 'Reference' }), scopes: ['a'], audiences: [api('one', ['ES256'])] }, test.db)
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 })

    const rows = await test.db.persistedGrant.findMany()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.key).toBe(hashHandle(issued.token))
    expect(rows[0]!.type).toBe('reference_token')
    expect(JSON.stringify(rows[0])).not.toContain(issued.token)
    expect(rows[0]!.expiration).toEqual(new Date('2030-01-01T00:15:00Z'))

    const found = await findReferenceToken(issued.token, test.db)
    expect(found?.clientId).toBe('machine')
    expect(found?.subjectId).toBeUndefined()
    expect(found?.claims).toEqual(issued.claims)

    testClock.set(new Date('2030-01-01T00:15:00Z'))
    expect(await findReferenceToken(issued.token, test.db)).toBeNull()
  })
})
