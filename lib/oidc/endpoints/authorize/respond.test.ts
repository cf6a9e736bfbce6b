import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { loadSettings } from '../../../config/env'
import { OAuthError } from '../../errors'
import { appendQuery, codeResponse, errorPage, errorResponse, escapeHtml, FORM_POST_SCRIPT, formPost } from './respond'

const issuer = loadSettings().issuer

describe('appendQuery', () => {
  it.each([
    ['https://a.example/cb', 'https://a.example/cb?code=c&iss=i'],
    ['https://a.example/cb?tenant=x', 'https://a.example/cb?tenant=x&code=c&iss=i'],
    ['https://a.example/cb?', 'https://a.example/cb?code=c&iss=i'],
    ['https://a.example/cb?a=1&', 'https://a.example/cb?a=1&code=c&iss=i'],
    ['com.example.app:/oauth', 'com.example.app:/oauth?code=c&iss=i'],
  ])('%s', (uri, expected) => {
    expect(appendQuery(uri, { code: 'c', iss: 'i' })).toBe(expected)
  })

  it('keeps the registered spelling and encodes the values', () => {
    expect(appendQuery('https://A.example:443/cb', { state: 'a b&c=d' })).toBe('https://A.example:443/cb?state=a+b%26c%3Dd')
  })
})

describe('query responses', () => {
  it('redirects the code with state and iss (RFC 9207), 303, never cached', () => {
    const response = codeResponse({ redirectUri: 'https://a.example/cb', responseMode: 'query', state: 's1' }, 'the-code')
    expect(response.status).toBe(303)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin + location.pathname).toBe('https://a.example/cb')
    expect(Object.fromEntries(location.searchParams)).toEqual({ code: 'the-code', state: 's1', iss: issuer })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('redirects an error with the generic description, state and iss', () => {
    const response = errorResponse({ redirectUri: 'https://a.example/cb', responseMode: 'query', state: 's1' }, new OAuthError('invalid_scope', 'secret detail'))
    const location = new URL(response.headers.get('location')!)
    expect(location.searchParams.get('error')).toBe('invalid_scope')
    expect(location.searchParams.get('error_description')).not.toContain('secret detail')
    expect(location.searchParams.get('state')).toBe('s1')
    expect(location.searchParams.get('iss')).toBe(issuer)
  })

  it('omits state when there is none', () => {
    const location = new URL(codeResponse({ redirectUri: 'https://a.example/cb', responseMode: 'query' }, 'c').headers.get('location')!)
    expect(location.searchParams.has('state')).toBe(false)
  })
})

describe('errorPage', () => {
  it('goes to the portal error page with the code only', () => {
    const response = errorPage('invalid_client')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`${issuer}/error?error=invalid_client`)
  })
})

describe('form_post', () => {
  it('posts the parameters with a page whose CSP allows only its own script', async () => {
    const response = codeResponse({ redirectUri: 'https://a.example/cb?x=1', responseMode: 'form_post', state: '"><script>alert(1)</script>' }, 'the-code')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('referrer-policy')).toBe('same-origin')
    const hash = createHash('sha256').update(FORM_POST_SCRIPT).digest('base64')
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain(`script-src 'sha256-${hash}'`)
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')

    const html = await response.text()
    expect(html).toContain('<form method="post" action="https://a.example/cb?x=1">')
    expect(html).toContain('<input type="hidden" name="code" value="the-code">')
    expect(html).toContain(`<input type="hidden" name="iss" value="${issuer}">`)
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).toContain(`<script>${FORM_POST_SCRIPT}</script>`)
    // Exactly one script element: the one the hash allows.
    expect(html.match(/<script/g)).toHaveLength(1)
  })

  it('escapes the action attribute', async () => {
    const html = await formPost('https://a.example/cb?a=1&b="2"', { code: 'c' }).text()
    expect(html).toContain('action="https://a.example/cb?a=1&amp;b=&quot;2&quot;"')
  })
})

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
  })
})
