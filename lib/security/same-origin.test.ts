import { describe, expect, it } from 'vitest'
import { refuseCrossOriginPost } from './same-origin'

const MULTIPART = 'multipart/form-data; boundary=x'
const post = (headers: Record<string, string>, method = 'POST') => ({ method, headers: new Headers({ 'content-type': MULTIPART, ...headers }) })

describe('refuseCrossOriginPost', () => {
  it('lets same-origin posts, posts without Origin and reads through', () => {
    expect(refuseCrossOriginPost(post({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toBeNull()
    expect(refuseCrossOriginPost(post({ host: '127.0.0.1:3000' }))).toBeNull()
    expect(refuseCrossOriginPost(post({ host: 'a.example', origin: 'https://evil.example' }, 'GET'))).toBeNull()
    // Behind a proxy the public host arrives in x-forwarded-host (as Next.js reads it).
    expect(refuseCrossOriginPost(post({ host: '10.0.0.5:3000', 'x-forwarded-host': 'login.example.com', origin: 'https://login.example.com' }))).toBeNull()
  })

  it('leaves form-encoded posts (no server action to Next.js) to their handler', () => {
    const request = { method: 'POST', headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded', host: '127.0.0.1:3000', origin: 'null' }) }
    expect(refuseCrossOriginPost(request)).toBeNull()
  })

  it.each([
    ['another site', 'https://evil.example'],
    ['another port', 'http://127.0.0.1:3001'],
    ['an opaque origin', 'null'],
    ['not a URL', 'garbage'],
    ['a lookalike host', 'http://127.0.0.1:3000.evil.example'],
  ])('answers 403 for %s', async (_name, origin) => {
    const response = refuseCrossOriginPost(post({ host: '127.0.0.1:3000', origin }))
    expect(response?.status).toBe(403)
    expect(response?.headers.get('cache-control')).toBe('no-store')
    expect(await response?.text()).toContain('Cross-site')
  })

  it('answers 403 for a server-action call (Next-Action) from elsewhere, whatever its body', () => {
    const request = { method: 'POST', headers: new Headers({ 'content-type': 'text/plain', 'next-action': '40ab', host: '127.0.0.1:3000', origin: 'https://evil.example' }) }
    expect(refuseCrossOriginPost(request)?.status).toBe(403)
  })

  it('answers 403 when the request names no host at all', () => {
    expect(refuseCrossOriginPost(post({ origin: 'http://127.0.0.1:3000' }))?.status).toBe(403)
  })
})
