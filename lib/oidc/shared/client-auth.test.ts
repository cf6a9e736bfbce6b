import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testClock } from '../../clock'
import { importConfiguration } from '../../config/import'
import { createTestDb, type TestDb } from '../../test-support/test-db'
import { isOAuthError, type OAuthError } from '../errors'
import { paramsFrom } from '../params'
import { authenticateClient, readBasic, secretMatches } from './client-auth'

let test: TestDb

const SPECIAL_ID = 'urn:example:machine'
const SPECIAL_SECRET = 'p@ss:w%rd+with space/&='

beforeAll(async () => {
  test = await createTestDb()
  await importConfiguration(
    {
      apiScopes: [{ name: 'api.read', displayName: 'Read', description: 'Read the API.' }],
      clients: [
        {
          clientId: 'machine',
          clientSecrets: ['current-secret', { value: 'rotating-secret', expiration: '2030-01-01T00:00:00Z' }],
          allowedGrantTypes: ['client_credentials'],
          allowedScopes: ['api.read'],
        },
        { clientId: SPECIAL_ID, clientSecrets: [SPECIAL_SECRET], allowedGrantTypes: ['client_credentials'], allowedScopes: ['api.read'] },
        { clientId: 'off', clientSecrets: ['off-secret'], allowedGrantTypes: ['client_credentials'], enabled: false },
        {
          clientId: 'spa',
          requireClientSecret: false,
          allowedGrantTypes: ['authorization_code'],
          redirectUris: ['https://spa.example/cb'],
          allowedScopes: ['openid'],
        },
      ],
    },
    { db: test.db },
  )
})
afterAll(() => test.dispose())
afterEach(() => testClock.reset())

const TOKEN_URL = 'http://localhost/connect/token'

/** RFC 6749 §2.3.1: each part form-urlencoded, then base64 of "id:secret". */
function basic(id: string, secret: string): string {
  const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2)
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`
}

function request(form: Record<string, string>, authorization?: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...form })
  const req = new Request(TOKEN_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization && { authorization }) },
    body,
  })
  return { req, params: paramsFrom(body) }
}

async function authenticate(form: Record<string, string>, authorization?: string) {
  const { req, params } = request(form, authorization)
  return authenticateClient(req, params, test.db)
}

async function rejection(form: Record<string, string>, authorization?: string): Promise<OAuthError> {
  const error = await authenticate(form, authorization).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isOAuthError(error)) throw new Error(`expected an OAuthError, got ${String(error)}`)
  return error
}

describe('client_secret_basic', () => {
  it('authenticates with the right secret', async () => {
    expect((await authenticate({}, basic('machine', 'current-secret'))).clientId).toBe('machine')
  })

  it('form-decodes both parts: %3A in the id, %25 %2B + in the secret', async () => {
    const header = basic(SPECIAL_ID, SPECIAL_SECRET)
    expect(Buffer.from(header.slice(6), 'base64').toString()).toContain('urn%3Aexample%3Amachine:')
    expect((await authenticate({}, header)).clientId).toBe(SPECIAL_ID)
  })

  it('reads "+" as a space, so a secret sent without form-encoding does not match', async () => {
    // Encoded by hand: '+' for the space, %2B for the plus.
    const raw = `Basic ${Buffer.from(`urn%3Aexample%3Amachine:p%40ss%3Aw%25rd%2Bwith+space%2F%26%3D`).toString('base64')}`
    expect((await authenticate({}, raw)).clientId).toBe(SPECIAL_ID)
    const plusLeftRaw = `Basic ${Buffer.from(`urn%3Aexample%3Amachine:p%40ss%3Aw%25rd+with+space%2F%26%3D`).toString('base64')}`
    expect((await rejection({}, plusLeftRaw)).code).toBe('invalid_client')
    const unencoded = `Basic ${Buffer.from(`machine:current+secret`).toString('base64')}`
    expect(readBasic(unencoded)).toEqual({ clientId: 'machine', secret: 'current secret' })
  })

  it('accepts the scheme name in any case', async () => {
    expect((await authenticate({}, basic('machine', 'current-secret').replace('Basic', 'bAsIc'))).clientId).toBe('machine')
  })

  it('a wrong secret is invalid_client, 401, with a Basic challenge', async () => {
    const error = await rejection({}, basic('machine', 'nope'))
    expect(error.code).toBe('invalid_client')
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toMatch(/^Basic realm="[^"]+"/)
  })

  it('an unknown client is invalid_client with the same challenge', async () => {
    const error = await rejection({}, basic('nobody', 'current-secret'))
    expect(error.code).toBe('invalid_client')
    expect(error.headers['WWW-Authenticate']).toMatch(/^Basic /)
  })

  it('a disabled client is invalid_client even with its secret', async () => {
    expect((await rejection({}, basic('off', 'off-secret'))).code).toBe('invalid_client')
  })

  it('a client_id in the body must name the same client', async () => {
    expect((await authenticate({ client_id: 'machine' }, basic('machine', 'current-secret'))).clientId).toBe('machine')
    expect((await rejection({ client_id: 'other' }, basic('machine', 'current-secret'))).code).toBe('invalid_request')
  })

  it('malformed headers are invalid_request', () => {
    const code = (header: string) => {
      try {
        readBasic(header)
        return 'accepted'
      } catch (e) {
        return (e as OAuthError).code
      }
    }
    expect(code('Basic')).toBe('invalid_request')
    expect(code('Basic !!!')).toBe('invalid_request')
    expect(code(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBe('invalid_request')
    expect(code(`Basic ${Buffer.from(':secret').toString('base64')}`)).toBe('invalid_request')
    expect(code(`Basic ${Buffer.from('id:').toString('base64')}`)).toBe('invalid_request')
    expect(code(`Basic ${Buffer.from('id:%zz').toString('base64')}`)).toBe('invalid_request')
  })

  it('ignores other authorization schemes', () => {
    expect(readBasic('Bearer abc')).toBeUndefined()
    expect(readBasic('Basically abc')).toBeUndefined()
    expect(readBasic(null)).toBeUndefined()
  })
})

describe('client_secret_post', () => {
  it('authenticates with client_id and client_secret in the body', async () => {
    expect((await authenticate({ client_id: 'machine', client_secret: 'current-secret' })).clientId).toBe('machine')
  })

  it('a wrong secret is invalid_client without a Basic challenge', async () => {
    const error = await rejection({ client_id: 'machine', client_secret: 'nope' })
    expect(error.code).toBe('invalid_client')
    expect(error.status).toBe(401)
    expect(error.headers['WWW-Authenticate']).toBeUndefined()
  })

  it('a Bearer authorization header does not count as a second method', async () => {
    expect((await authenticate({ client_id: 'machine', client_secret: 'current-secret' }, 'Bearer x')).clientId).toBe('machine')
  })
})

describe('more than one method (RFC 6749 §2.3)', () => {
  it('Basic plus client_secret in the body is invalid_request', async () => {
    const error = await rejection({ client_id: 'machine', client_secret: 'current-secret' }, basic('machine', 'current-secret'))
    expect(error.code).toBe('invalid_request')
  })

  it('client_secret plus client_assertion is invalid_request', async () => {
    const error = await rejection({ client_id: 'machine', client_secret: 'current-secret', client_assertion: 'x.y.z' })
    expect(error.code).toBe('invalid_request')
  })

  it('client_assertion alone is an unsupported method: invalid_client', async () => {
    expect((await rejection({ client_id: 'machine', client_assertion: 'x.y.z' })).code).toBe('invalid_client')
  })
})

describe('none (public clients)', () => {
  it('a public client authenticates with its client_id alone', async () => {
    expect((await authenticate({ client_id: 'spa' })).clientId).toBe('spa')
  })

  it('a confidential client without a secret is invalid_client', async () => {
    expect((await rejection({ client_id: 'machine' })).code).toBe('invalid_client')
  })

  it('a public client presenting a secret must match one (it has none)', async () => {
    expect((await rejection({ client_id: 'spa', client_secret: 'anything' })).code).toBe('invalid_client')
  })

  it('no client_id at all is invalid_client', async () => {
    expect((await rejection({})).code).toBe('invalid_client')
  })
})

describe('secret expiration', () => {
  it('a secret is accepted until its expiration and refused after it', async () => {
    testClock.set(new Date('2029-12-31T23:59:59Z'))
    expect((await authenticate({}, basic('machine', 'rotating-secret'))).clientId).toBe('machine')
    testClock.set(new Date('2030-01-01T00:00:00Z'))
    expect((await rejection({}, basic('machine', 'rotating-secret'))).code).toBe('invalid_client')
    // The client's other, unexpiring secret still works.
    expect((await authenticate({}, basic('machine', 'current-secret'))).clientId).toBe('machine')
  })
})

describe('secretMatches', () => {
  const hash = (s: string) => createHash('sha256').update(s).digest('base64url')

  it('matches any unexpired stored hash and ignores malformed ones', () => {
    const secrets = [
      { valueHash: 'not-a-hash', expiration: null },
      { valueHash: hash('a'), expiration: null },
      { valueHash: hash('b'), expiration: new Date('2000-01-01T00:00:00Z') },
    ]
    expect(secretMatches('a', secrets)).toBe(true)
    expect(secretMatches('b', secrets)).toBe(false)
    expect(secretMatches('not-a-hash', secrets)).toBe(false)
    expect(secretMatches('a', [])).toBe(false)
  })
})
