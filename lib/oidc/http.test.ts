// The HSTS condition, in both places that send it: protocol responses (lib/oidc/http.ts) and
// pages (next.config.js). Over http it is never sent; with an https issuer always.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { NextConfig } from 'next'
import { afterEach, describe, expect, it } from 'vitest'
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
  it('pages get HSTS with an https issuer, and not with an http one', async () => {
    process.env.ISSUER = 'https://login.example.com'
    expect((await pageHeaders('/login'))['Strict-Transport-Security']).toBe(HSTS)
    expect((await pageHeaders('/connect/token'))['Strict-Transport-Security']).toBe(HSTS)
    process.env.ISSUER = 'http://127.0.0.1:3000'
    expect((await pageHeaders('/login'))['Strict-Transport-Security']).toBeUndefined()
    delete process.env.ISSUER
    expect((await pageHeaders('/account'))['Strict-Transport-Security']).toBeUndefined()
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
