import { describe, expect, it } from 'vitest'
import { clientIpFromHeaders } from './client-ip'

const h = (init: Record<string, string>) => new Headers(init)

describe('client IP', () => {
  it('takes the first hop of x-forwarded-for', () => {
    expect(clientIpFromHeaders(h({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }))).toBe('203.0.113.7')
  })
  it('falls back to x-real-ip', () => {
    expect(clientIpFromHeaders(h({ 'x-real-ip': '2001:db8::1' }))).toBe('2001:db8::1')
  })
  it('unwraps IPv4-mapped IPv6 addresses', () => {
    expect(clientIpFromHeaders(h({ 'x-forwarded-for': '::ffff:127.0.0.1' }))).toBe('127.0.0.1')
  })
  it('is null when absent or not an IP', () => {
    expect(clientIpFromHeaders(h({}))).toBeNull()
    expect(clientIpFromHeaders(h({ 'x-forwarded-for': 'evil<script>' }))).toBeNull()
  })
})
