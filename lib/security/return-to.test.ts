import { describe, expect, it } from 'vitest'
import { DEFAULT_RETURN_TO, sanitizeReturnTo } from './return-to'

describe('returnTo', () => {
  it.each([
    ['/account', '/account'],
    ['/', '/'],
    ['/account/sessions?tab=all#top', '/account/sessions?tab=all#top'],
    ['/a/../account', '/account'],
  ])('keeps the same-origin path %s', (raw, expected) => {
    expect(sanitizeReturnTo(raw)).toBe(expected)
  })

  it.each([
    '//evil.com',
    '//evil.com/account',
    'https://evil.com',
    'http://localhost:3000/account',
    '/\\evil.com',
    '\\\\evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    ' /account',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,hi',
    'account',
    '',
    '/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n'),
    '/' + 'a'.repeat(3000),
  ])('refuses %j', (raw) => {
    expect(sanitizeReturnTo(raw)).toBe(DEFAULT_RETURN_TO)
  })

  it('refuses non-strings and uses the given fallback', () => {
    expect(sanitizeReturnTo(undefined)).toBe(DEFAULT_RETURN_TO)
    expect(sanitizeReturnTo(['/account'])).toBe(DEFAULT_RETURN_TO)
    expect(sanitizeReturnTo('//evil.com', '/')).toBe('/')
  })

  it('keeps encoded characters encoded', () => {
    expect(sanitizeReturnTo('/search?q=%2F%2Fevil.com')).toBe('/search?q=%2F%2Fevil.com')
  })
})
