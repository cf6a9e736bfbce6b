// The HSTS condition, in both places that send it: protocol responses (lib/oidc/http.ts) and
// pages (proxy.ts, per request). Over http it is never sent; with an https issuer always.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { NextConfig } from 'next'
import { afterEach, describe, expect, it } from 'vitest'
import { serializedBody } from './held-body'
import { json, methodNotAllowed, SECURITY_HEADERS, strictTransportSecurity } from './http'

const NEXT_CONFIG = pathToFileURL(path.resolve(import.meta.dirname, '..', '..', 'next.config.js')).href

const HSTS = 'max-age=31536000; includeSubDomains'
const savedIssuer = process.env.ISSUER

afterEach(() => {
  if (savedIssuer === undefined) delete process.env.ISSUER
  else process.env.ISSUER = savedIssuer
})

/** The header rules next.config.js gives `path`, flattened (later rules override earlier ones, as in Next.js). */
async function pageHeaders(path: string): Promise<Record<string, string>> {
  const nextConfig = ((await import(/* @vite-ignore */ NEXT_CONFIG)) as { default: NextConfig }).default
  const rules = (await nextConfig.headers!()) as { source: string; headers: { key: string; value: string }[] }[]
  const result: Record<string, string> = {}
  for (const rule of rules) {
    // The two sources in use: '/:path*' and '/:path(<regex>)'.
    const pattern = rule.source === '/:path*' ? /^\/.*$/ : new RegExp(`^/${rule.source.slice('/:path('.length, -1)}$`)
    if (pattern.test(path)) for (const { key, value } of rule.headers) result[key] = value
  }
  return result
}

describe('strictTransportSecurity', () => {
  it.each([
    ['https://login.example.com', true],
    ['HTTPS://login.example.com', true],
    ['http://localhost:3000', false],
    ['http://127.0.0.1:3107', false],
    [undefined, false],
    ['', false],
  ])('issuer %s → HSTS %s', (issuer, expected) => {
    expect(strictTransportSecurity(issuer)).toEqual(expected ? { 'Strict-Transport-Security': HSTS } : {})
  })

  it('is part of every protocol response exactly when the process issuer is https', () => {
    const https = /^https:/i.test(process.env.ISSUER ?? '')
    expect(SECURITY_HEADERS['Strict-Transport-Security']).toBe(https ? HSTS : undefined)
    expect(json({}).headers.get('strict-transport-security')).toBe(https ? HSTS : null)
    expect(methodNotAllowed(['POST']).headers.get('x-frame-options')).toBe('DENY')
  })
})

describe('next.config.js headers', () => {
  it('never fixes HSTS at build time, whatever the issuer (proxy.ts decides it per request)', async () => {
    for (const issuer of ['https://login.example.com', 'http://127.0.0.1:3000', undefined]) {
      if (issuer === undefined) delete process.env.ISSUER
      else process.env.ISSUER = issuer
      for (const path of ['/login', '/account', '/connect/token']) expect((await pageHeaders(path))['Strict-Transport-Security'], `${issuer} ${path}`).toBeUndefined()
    }
  })

  it('the page CSP and Referrer-Policy stay off the protocol endpoints, which set their own', async () => {
    for (const path of ['/connect/token', '/connect/authorize', '/connect/endsession', '/.well-known/openid-configuration', '/.well-known/openid-configuration/jwks']) {
      const headers = await pageHeaders(path)
      expect(headers['Content-Security-Policy'], path).toBeUndefined()
      expect(headers['Referrer-Policy'], path).toBeUndefined()
      expect(headers['X-Frame-Options'], path).toBe('DENY')
    }
    for (const path of ['/', '/login', '/account', '/consent', '/demo', '/error']) {
      const headers = await pageHeaders(path)
      expect(headers['Content-Security-Policy'], path).toContain("frame-ancestors 'none'")
      expect(headers['Referrer-Policy'], path).toBe('same-origin')
    }
  })
})

describe('json() responses keep their serialized text', () => {
  const make = () => json({ a: 'é', n: 1 }, { status: 400, headers: { 'X-Extra': 'yes' } })

  it('read as any Response: text, json, arrayBuffer, and through body as Next.js re-wraps it', async () => {
    expect(await make().text()).toBe('{"a":"é","n":1}')
    expect(await make().json()).toEqual({ a: 'é', n: 1 })
    expect(Buffer.from(await make().arrayBuffer()).toString()).toBe('{"a":"é","n":1}')
    const original = make()
    const rewrapped = new Response(original.body, { status: original.status, headers: original.headers }) // app-route module.js
    expect([rewrapped.status, rewrapped.headers.get('x-extra'), await rewrapped.text()]).toEqual([400, 'yes', '{"a":"é","n":1}'])
    expect(original.bodyUsed).toBe(true)
  })

  it('hands its text to the fast path once, and is then used like a read body', async () => {
    const response = make()
    expect(response.bodyUsed).toBe(false)
    expect(serializedBody(response)).toBe('{"a":"é","n":1}')
    expect(serializedBody(response)).toBeUndefined()
    expect(response.bodyUsed).toBe(true)
    await expect(response.text()).rejects.toThrow(TypeError)
    expect(serializedBody(new Response('{}'))).toBeUndefined()
  })

  it('clones keep the body; a read one cannot be cloned', async () => {
    const response = make()
    const copy = response.clone()
    expect([copy.status, await copy.text(), await response.text()]).toEqual([400, '{"a":"é","n":1}', '{"a":"é","n":1}'])
    expect(() => response.clone()).toThrow(TypeError)
  })
})
