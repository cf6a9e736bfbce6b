import { describe, expect, it } from 'vitest'
import { checkRedirectUri } from './check-redirect-uri'
import { params, testClient } from './test-client'

const REGISTERED = 'https://app.example/cb'
const client = testClient({ redirectUris: [REGISTERED, 'https://app.example/cb2?tenant=a', 'com.example.app:/oauth'] })

describe('checkRedirectUri', () => {
  it.each([REGISTERED, 'https://app.example/cb2?tenant=a', 'com.example.app:/oauth'])('accepts the registered %s exactly', (uri) => {
    expect(checkRedirectUri(params({ redirect_uri: uri }), client)).toBe(uri)
  })

  it('requires it', () => {
    expect(() => checkRedirectUri(params({}), client)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it.each([
    ['another host', 'https://evil.example/cb'],
    ['a subdomain', 'https://a.app.example/cb'],
    ['another port', 'https://app.example:8443/cb'],
    ['the default port spelled out', 'https://app.example:443/cb'],
    ['another scheme', 'http://app.example/cb'],
    ['another path', 'https://app.example/cb/other'],
    ['a path prefix', 'https://app.example/c'],
    ['different case in the path', 'https://app.example/CB'],
    ['different case in the host', 'https://APP.example/cb'],
    ['a trailing slash', 'https://app.example/cb/'],
    ['an added query', 'https://app.example/cb?x=1'],
    ['a changed query', 'https://app.example/cb2?tenant=b'],
    ['userinfo before the host', 'https://app.example@evil.example/cb'],
    ['userinfo with the registered host', 'https://user@app.example/cb'],
    ['a fragment', 'https://app.example/cb#x'],
    ['an empty fragment', 'https://app.example/cb#'],
    ['a javascript: URI', 'javascript:alert(1)'],
    ['a data: URI', 'data:text/html,hi'],
    ['a relative URI', '/cb'],
    ['percent-encoding differences', 'https://app.example/%63b'],
  ])('refuses %s', (_name, uri) => {
    expect(() => checkRedirectUri(params({ redirect_uri: uri }), client)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })

  it('refuses a dangerous scheme even when someone registered it', () => {
    const careless = testClient({ redirectUris: ['javascript:alert(1)'] })
    expect(() => checkRedirectUri(params({ redirect_uri: 'javascript:alert(1)' }), careless)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
})
