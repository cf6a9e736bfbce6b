import { createLocalJWKSet, exportSPKI, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { epochSeconds, testClock } from '../clock'
import { createTestDb, type TestDb } from '../test-support/test-db'
import { signJwt, verifyOwnJwt, type JwtDeps, type OwnJwtFailure } from './jwt'
import { createKeyManager } from './keys'

const ISSUER = 'https://id.example.test'
let testDb: TestDb
let deps: JwtDeps

beforeAll(async () => {
  testClock.set(Date.UTC(2026, 0, 1))
  testDb = await createTestDb()
  const keys = createKeyManager({ db: testDb.db, settings: { keys: { rotationInterval: 90 * 86_400, propagationTime: 14 * 86_400, retentionDuration: 14 * 86_400 }, keyEncryptionSecret: 'unit-test-key-encryption-secret-0123456789' } })
  await keys.ensure()
  deps = { keys, issuer: ISSUER }
})
afterAll(async () => {
  testClock.reset()
  await testDb.dispose()
})

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
async function failure(token: string, options: Parameters<typeof verifyOwnJwt>[1] = {}): Promise<OwnJwtFailure | 'accepted'> {
  try {
    await verifyOwnJwt(token, options, deps)
    return 'accepted'
  } catch (error) {
    return (error as { reason: OwnJwtFailure }).reason
  }
}

describe('signJwt', () => {
  it.each(['RS256', 'ES256'] as const)('signs with the active %s key; the token verifies against the published JWKS', async (alg) => {
    const token = await signJwt({ sub: 'alice', aud: 'api', exp: epochSeconds() + 60 }, { alg, typ: 'at+jwt' }, deps)
    const { kid } = await deps.keys.getSigningKey(alg)
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await deps.keys.getPublishedJwks()), { currentDate: new Date(epochSeconds() * 1000) })
    expect(protectedHeader).toEqual({ alg, kid, typ: 'at+jwt' })
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'alice', iat: epochSeconds() })
  })
})

describe('verifyOwnJwt', () => {
  it('returns the payload of a token of ours', async () => {
    const token = await signJwt({ sub: 'alice', aud: 'client-1', exp: epochSeconds() + 60 }, { alg: 'ES256' }, deps)
    expect(await verifyOwnJwt(token, { typ: 'JWT', audience: 'client-1' }, deps)).toMatchObject({ sub: 'alice', iss: ISSUER })
  })

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, sub: 'mallory' })}.`
    expect(await failure(token)).toBe('algorithm')
  })

  it('refuses HS256 keyed with our public key', async () => {
    const published = (await deps.keys.getPublishedJwks()).keys.find((k) => k.alg === 'RS256')!
    const pem = await exportSPKI((await importJWK(published, 'RS256')) as CryptoKey)
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(published))]) {
      const token = await new SignJWT({ iss: ISSUER, sub: 'mallory' }).setProtectedHeader({ alg: 'HS256', kid: published.kid }).sign(secret)
      expect(await failure(token)).toBe('algorithm')
    }
  })

  it('refuses a token signed by a foreign key, with its own kid or with ours', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const ours = (await deps.keys.getSigningKey('ES256')).kid
    const foreign = await new SignJWT({ iss: ISSUER, sub: 'mallory' }).setProtectedHeader({ alg: 'ES256', kid: 'foreign' }).sign(privateKey)
    expect(await failure(foreign)).toBe('unknown_key')
    const impostor = await new SignJWT({ iss: ISSUER, sub: 'mallory' }).setProtectedHeader({ alg: 'ES256', kid: ours }).sign(privateKey)
    expect(await failure(impostor)).toBe('signature')
  })

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signJwt({ sub: 'alice' }, { alg: 'RS256' }, deps)).split('.')
    const tampered = `${header}.${b64({ iss: ISSUER, sub: 'admin', iat: epochSeconds() })}.${signature}`
    expect(await failure(tampered)).toBe('signature')
  })

  it('refuses another issuer, audience or typ', async () => {
    const other = await signJwt({ iss: 'https://evil.test', sub: 'alice' }, { alg: 'ES256' }, deps)
    expect(await failure(other)).toBe('claims')
    const token = await signJwt({ sub: 'alice', aud: 'client-1' }, { alg: 'ES256', typ: 'at+jwt' }, deps)
    expect(await failure(token, { audience: 'client-2' })).toBe('claims')
    expect(await failure(token, { typ: 'JWT' })).toBe('claims')
    expect(await failure(token, { typ: 'at+jwt', audience: 'client-1' })).toBe('accepted')
  })

  it('refuses an expired token unless allowExpired (id_token_hint)', async () => {
    const token = await signJwt({ sub: 'alice', exp: epochSeconds() - 1 }, { alg: 'RS256' }, deps)
    expect(await failure(token)).toBe('expired')
    expect(await verifyOwnJwt(token, { allowExpired: true }, deps)).toMatchObject({ sub: 'alice' })
    // allowExpired does not excuse anything else
    const foreignAudience = await signJwt({ sub: 'alice', aud: 'x', exp: epochSeconds() - 1 }, { alg: 'RS256' }, deps)
    expect(await failure(foreignAudience, { allowExpired: true, audience: 'y' })).toBe('claims')
  })

  it('refuses garbage as malformed', async () => {
    expect(await failure('not-a-jwt')).toBe('malformed')
  })
})
