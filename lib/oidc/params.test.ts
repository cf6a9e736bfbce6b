import { describe, expect, it } from 'vitest'
import { isOAuthError } from './errors'
import { BufferedRequest } from './held-body'
import { decodeUrlEncoded, MAX_BODY_BYTES, paramsFrom, readForm, readQuery } from './params'

const form = (body: BodyInit, type = 'application/x-www-form-urlencoded') =>
  new Request('http://localhost/connect/token', { method: 'POST', headers: { 'content-type': type }, body })

async function errorOf(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    return isOAuthError(error) ? error.code : `not an OAuthError: ${String(error)}`
  }
  return undefined
}

describe('decodeUrlEncoded', () => {
  it('splits like URLSearchParams: "+" is a space, the first "=" separates, empty pieces are skipped', () => {
    expect(decodeUrlEncoded('a=1+2&&b=x%3Dy=z&c&d=%C3%A9')).toEqual([
      ['a', '1 2'],
      ['b', 'x=y=z'],
      ['c', ''],
      ['d', 'é'],
    ])
  })

  it.each([
    ['a lone byte that starts no UTF-8 sequence', 'state=%FF'],
    ['a broken two-byte sequence', 'state=%C3%28'],
    ['a UTF-16 surrogate', 'state=%ED%A0%80'],
    ['a malformed escape', 'state=%zz'],
    ['a bad name', '%FF=1'],
    // How Next.js hands on %FF: re-encoded as the replacement character.
    ['the replacement character U+FFFD', 'state=%EF%BF%BD'],
  ])('refuses %s', async (_name, encoded) => {
    expect(await errorOf(() => decodeUrlEncoded(encoded))).toBe('invalid_request')
  })

  it.each([
    ['NUL', 'state=a%00b'],
    ['CR LF', 'state=a%0D%0ASet-Cookie:%20x=y'],
    ['a tab', 'scope=openid%09profile'],
    ['DEL', 'nonce=%7F'],
    ['in a name', 'a%0Ab=1'],
  ])('refuses a control character (%s)', async (_name, encoded) => {
    expect(await errorOf(() => decodeUrlEncoded(encoded))).toBe('invalid_request')
  })
})

describe('readQuery and readForm', () => {
  it('read the same parameters from a query and a form body', async () => {
    const query = readQuery(new Request('http://localhost/x?client_id=a%20b&scope=openid+profile&empty='))
    const body = await readForm(form('client_id=a%20b&scope=openid+profile&empty='))
    for (const params of [query, body]) {
      expect(params.get('client_id')).toBe('a b')
      expect(params.get('scope')).toBe('openid profile')
      expect(params.has('empty')).toBe(false)
    }
  })

  it('refuse invalid UTF-8 and control characters in the query', async () => {
    expect(await errorOf(() => readQuery(new Request('http://localhost/x?state=%FF')))).toBe('invalid_request')
    expect(await errorOf(() => readQuery(new Request('http://localhost/x?state=%00')))).toBe('invalid_request')
  })

  it('refuse raw bytes that are not UTF-8 in a form body', async () => {
    expect(await errorOf(readForm(form(new Uint8Array([0x61, 0x3d, 0xff, 0xfe]))))).toBe('invalid_request')
  })

  it('refuse duplicated parameters but allow a repeated resource', async () => {
    expect(await errorOf(readForm(form('a=1&a=2')))).toBe('invalid_request')
    expect(await errorOf(readForm(form('resource=x&resource=y')))).toBeUndefined()
  })

  it('refuse other content types, oversized bodies and overlong values', async () => {
    expect(await errorOf(readForm(form('{"a":1}', 'application/json')))).toBe('invalid_request')
    expect(await errorOf(readForm(form(`a=${'x'.repeat(MAX_BODY_BYTES)}`)))).toBe('invalid_request')
    expect(await errorOf(() => paramsFrom([['a', 'x'.repeat(17 * 1024)]]))).toBe('invalid_request')
  })

  it('read a body the fast path read in advance by the same rules', async () => {
    const buffered = (body: Buffer, headers: Record<string, string> = {}) =>
      new BufferedRequest('http://localhost/connect/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, body)
    expect((await readForm(buffered(Buffer.from('a=%C3%A9&b=1+2')))).entries()).toEqual([['a', 'é'], ['b', '1 2']])
    expect(await errorOf(readForm(buffered(Buffer.from([0x61, 0x3d, 0xff]))))).toBe('invalid_request')
    expect(await errorOf(readForm(buffered(Buffer.from('a=1&a=2'))))).toBe('invalid_request')
    expect(await errorOf(readForm(buffered(Buffer.alloc(MAX_BODY_BYTES + 1, 'a'))))).toBe('invalid_request')
    expect(await errorOf(readForm(buffered(Buffer.from('a=1'), { 'content-length': String(MAX_BODY_BYTES + 1) })))).toBe('invalid_request')
  })
})
