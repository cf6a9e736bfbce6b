import { describe, expect, it } from 'vitest'
import { MAX_PAGE_BODY_BYTES, refuseOversizedBody } from './body-limit'

const request = (method: string, headers: Record<string, string> = {}) => ({ method, headers: new Headers(headers) })

describe('refuseOversizedBody', () => {
  it('lets requests without a body, and posts within the limit, through', () => {
    expect(refuseOversizedBody(request('GET', { 'content-length': '999999999' }))).toBeNull()
    expect(refuseOversizedBody(request('HEAD'))).toBeNull()
    expect(refuseOversizedBody(request('POST'))).toBeNull()
    expect(refuseOversizedBody(request('POST', { 'content-length': '0' }))).toBeNull()
    expect(refuseOversizedBody(request('POST', { 'content-length': String(MAX_PAGE_BODY_BYTES) }))).toBeNull()
  })

  it('answers 413 for a declared length over the limit, whatever the method', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = refuseOversizedBody(request(method, { 'content-length': String(MAX_PAGE_BODY_BYTES + 1) }))
      expect(response?.status, method).toBe(413)
      expect(response?.headers.get('cache-control')).toBe('no-store')
      expect(await response?.text()).toBe('The request body is too large.\n')
    }
  })

  it('answers 413 for a malformed Content-Length', () => {
    expect(refuseOversizedBody(request('POST', { 'content-length': '1e9' }))?.status).toBe(413)
    expect(refuseOversizedBody(request('POST', { 'content-length': '-1' }))?.status).toBe(413)
    expect(refuseOversizedBody(request('POST', { 'content-length': '99999999999999999999' }))?.status).toBe(413)
  })

  it('answers 411 for a chunked body, whose size nobody declared', () => {
    expect(refuseOversizedBody(request('POST', { 'transfer-encoding': 'chunked' }))?.status).toBe(411)
  })

  it('takes another limit', () => {
    expect(refuseOversizedBody(request('POST', { 'content-length': '11' }), 10)?.status).toBe(413)
  })
})
