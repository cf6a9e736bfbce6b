import { describe, expect, it } from 'vitest'
import { OAuthError, invalidToken, insufficientScope } from '../errors'
import { bearerChallenge, extractBearerToken } from './bearer'

const URL_ = 'http://localhost:3000/connect/userinfo'

function get(headers: Record<string, string> = {}, url = URL_): Request {
  return new Request(url, { method: 'GET', headers })
}

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body })
}

async function rejection(request: Request): Promise<OAuthError> {
  const error = await extractBearerToken(request).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(OAuthError)
  return error as OAuthError
}

describe('extractBearerToken: Authorization header (RFC 6750 §2.1)', () => {
  it('reads the token after "Bearer "', async () => {
    expect(await extractBearerToken(get({ authorization: 'Bearer abc.def-ghi_~+/==' }))).toEqual({ token: 'abc.def-ghi_~+/==', method: 'header' })
  })

  it('accepts the scheme in any case', async () => {
    expect(await extractBearerToken(get({ authorization: 'bEaReR tok' }))).toEqual({ token: 'tok', method: 'header' })
  })

  it('returns null without any credentials', async () => {
    expect(await extractBearerToken(get())).toBeNull()
  })

  it('returns null for another scheme (no bearer credentials at all)', async () => {
    expect(await extractBearerToken(get({ authorization: 'Basic ZGVtbzpzZWNyZXQ=' }))).toBeNull()
  })

  it('refuses "Bearer" without a token', async () => {
    expect((await rejection(get({ authorization: 'Bearer' }))).code).toBe('invalid_request')
    expect((await rejection(get({ authorization: 'Bearer    ' }))).code).toBe('invalid_request')
  })

  it('refuses a token with characters outside b64token', async () => {
    expect((await rejection(get({ authorization: 'Bearer a,b' }))).code).toBe('invalid_request')
    expect((await rejection(get({ authorization: 'Bearer two tokens' }))).code).toBe('invalid_request')
  })
})

describe('extractBearerToken: form body (RFC 6750 §2.2)', () => {
  it('reads access_token from a form-encoded POST body', async () => {
    expect(await extractBearerToken(post('access_token=xyz'))).toEqual({ token: 'xyz', method: 'body' })
  })

  it('ignores a body that is not form-encoded', async () => {
    const request = new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"access_token":"xyz"}' })
    expect(await extractBearerToken(request)).toBeNull()
  })

  it('refuses access_token repeated in the body', async () => {
    expect((await rejection(post('access_token=a&access_token=b'))).code).toBe('invalid_request')
  })
})

describe('extractBearerToken: refused ways', () => {
  it('refuses a token in the query string (§2.3)', async () => {
    expect((await rejection(get({}, `${URL_}?access_token=xyz`))).code).toBe('invalid_request')
  })

  it('refuses a query token even alongside a header token', async () => {
    expect((await rejection(get({ authorization: 'Bearer abc' }, `${URL_}?access_token=xyz`))).code).toBe('invalid_request')
  })

  it('refuses header and body together (§2: one method per request)', async () => {
    expect((await rejection(post('access_token=xyz', { authorization: 'Bearer abc' }))).code).toBe('invalid_request')
  })

  it('refuses header and body together even when they carry the same token', async () => {
    expect((await rejection(post('access_token=abc', { authorization: 'Bearer abc' }))).code).toBe('invalid_request')
  })
})

describe('bearerChallenge (RFC 6750 §3)', () => {
  it('carries only the realm when no token was sent', () => {
    expect(bearerChallenge('http://localhost:3000')).toBe('Bearer realm="http://localhost:3000"')
  })

  it('carries error and error_description for a refused token', () => {
    const value = bearerChallenge('http://localhost:3000', invalidToken('detail for logs'))
    expect(value).toMatch(/^Bearer realm="http:\/\/localhost:3000", error="invalid_token", error_description="[^"]+"$/)
    expect(value).not.toContain('detail for logs')
  })

  it('names the missing scope for insufficient_scope', () => {
    expect(bearerChallenge('r', insufficientScope('x'), { scope: 'openid' })).toContain('scope="openid"')
  })

  it('drops characters that may not appear in a quoted attribute', () => {
    const error = new OAuthError('invalid_token', 'x', { description: 'say "hi" \\ now' })
    expect(bearerChallenge('r', error)).toContain('error_description="say hi  now"')
  })
})
