import { describe, expect, it } from 'vitest'
import { BufferedRequest, bufferedBody, headerList, heldHeaderList, SerializedResponse } from './held-body'

const make = () => new BufferedRequest('http://localhost/connect/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, Buffer.from('a=1&b=é'))

describe('BufferedRequest', () => {
  it('is a Request whose body reads as usual: text, formData, the body stream', async () => {
    expect(make()).toBeInstanceOf(Request)
    expect(await make().text()).toBe('a=1&b=é')
    expect((await make().formData()).get('b')).toBe('é')
    const request = make()
    const stream = request.body!
    expect(request.body).toBe(stream) // the same stream each time
    expect(Buffer.from(await new Response(stream).arrayBuffer()).toString()).toBe('a=1&b=é')
    expect(request.bodyUsed).toBe(true)
  })

  it('gives its bytes to bufferedBody once; a read body cannot be read or cloned again', async () => {
    const request = make()
    const clone = request.clone()
    expect(bufferedBody(request)?.toString()).toBe('a=1&b=é')
    expect(bufferedBody(request)).toBeUndefined()
    expect(request.bodyUsed).toBe(true)
    expect(request.body).toBeNull()
    await expect(request.text()).rejects.toThrow(TypeError)
    expect(() => request.clone()).toThrow(TypeError)
    expect(await clone.text()).toBe('a=1&b=é')
    expect(bufferedBody(new Request('http://localhost', { method: 'POST', body: 'x' }))).toBeUndefined()
  })
})

describe('BufferedRequest bytes()', () => {
  it('reads the buffered bytes', async () => {
    expect(Buffer.from(await make().bytes()).toString()).toBe('a=1&b=é')
  })
})

// Every member of Request / Response answers as on a real one built from the same parts.
const REQUEST_MEMBERS = ['method', 'url', 'destination', 'referrer', 'referrerPolicy', 'mode', 'credentials', 'cache', 'redirect', 'integrity', 'keepalive', 'isReloadNavigation', 'isHistoryNavigation', 'duplex', 'bodyUsed'] as const

describe('BufferedRequest as a Request', () => {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic eDp5' }

  it('answers every member as a real Request does, with and without a body', async () => {
    for (const [method, body] of [['POST', Buffer.from('a=1')], ['GET', undefined]] as const) {
      const held = new BufferedRequest('http://LOCALHOST:3000/a/../connect/token?x=1', { method, headers }, body)
      const real = new Request('http://LOCALHOST:3000/a/../connect/token?x=1', { method, headers, ...(body && { body: new Uint8Array(body) }) })
      expect(held).toBeInstanceOf(Request)
      expect(Object.prototype.toString.call(held)).toBe('[object Request]')
      // Some members (isReloadNavigation...) are Node's, not in lib.dom: read through a record.
      for (const member of REQUEST_MEMBERS) expect((held as unknown as Record<string, unknown>)[member], `${method} ${member}`).toEqual((real as unknown as Record<string, unknown>)[member])
      expect([...held.headers]).toEqual([...real.headers])
      expect(held.headers).toBe(held.headers)
      expect(held.signal).toBeInstanceOf(AbortSignal)
      expect(held.signal.aborted).toBe(false)
      expect(await held.clone().text()).toBe(await real.clone().text())
      expect(await held.text()).toBe(await real.text())
      expect(new BufferedRequest('http://localhost/x', { method, headers }, body).body === null).toBe(body === undefined)
    }
  })

  it('a request without a body reads as empty and stays unused', async () => {
    const request = new BufferedRequest('http://localhost/x', { method: 'GET', headers: {} })
    expect(request.body).toBeNull()
    expect(await request.text()).toBe('')
    expect(request.bodyUsed).toBe(false)
    expect(bufferedBody(request)).toBeUndefined()
  })

  it('refuses what the Request constructor refuses, with the same errors', () => {
    const attempts: [string, string, Buffer | undefined][] = [
      ['not a url', 'POST', undefined],
      ['http://user:pw@localhost/x', 'POST', undefined],
      ['http://localhost/x', 'CONNECT', undefined],
      ['http://localhost/x', 'bad method', undefined],
      ['http://localhost/x', 'GET', Buffer.from('x')],
    ]
    for (const [url, method, body] of attempts) {
      expect(() => new Request(url, { method, ...(body && { body: new Uint8Array(body) }) }), `${method} ${url}`).toThrow(TypeError)
      expect(() => new BufferedRequest(url, { method, headers: {} }, body), `${method} ${url}`).toThrow(TypeError)
    }
    expect(() => new BufferedRequest('http://localhost/x', { method: 'POST', headers: { 'x-a': 'a\nb' } })).toThrow(TypeError)
    expect(new BufferedRequest('http://localhost/x', { method: 'post', headers: {} }).method).toBe('POST')
    expect(new BufferedRequest('http://localhost/x', { method: 'patch', headers: {} }).method).toBe('patch')
  })
})

describe('SerializedResponse as a Response', () => {
  const FROZEN = Object.freeze({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-B': 'b', 'x-a': 'a' })

  it('answers every member as a real Response does, and reads its text', async () => {
    for (const headers of [FROZEN, { ...FROZEN }]) {
      const held = new SerializedResponse('{"a":1}', { status: 201, headers })
      const real = new Response('{"a":1}', { status: 201, headers })
      expect(held).toBeInstanceOf(Response)
      expect(Object.prototype.toString.call(held)).toBe('[object Response]')
      for (const member of ['status', 'statusText', 'ok', 'type', 'url', 'redirected', 'bodyUsed'] as const) expect(held[member], member).toEqual(real[member])
      expect([...held.headers]).toEqual([...real.headers])
      expect(held.headers).toBe(held.headers)
      expect(await held.clone().json()).toEqual({ a: 1 })
      expect(await held.text()).toBe(await real.text())
      expect(held.bodyUsed).toBe(true)
    }
    expect(new SerializedResponse('x', { status: 404, headers: FROZEN }).ok).toBe(false)
  })

  it('refuses a status or status text the Response constructor refuses', () => {
    for (const status of [199, 600, 0]) {
      expect(() => new Response(null, { status })).toThrow(RangeError)
      expect(() => new SerializedResponse('x', { status, headers: FROZEN })).toThrow(RangeError)
    }
    expect(() => new SerializedResponse('x', { statusText: 'a\nb', headers: FROZEN })).toThrow(TypeError)
    expect(() => new SerializedResponse('x', { headers: { 'x-a': 'a\nb' } })).toThrow(TypeError)
  })

  it('lists frozen headers once, as Headers lists them, until something takes the Headers', () => {
    const response = new SerializedResponse('{}', { headers: FROZEN })
    const expected = headerList(new Headers(FROZEN))
    expect(expected).toEqual(['cache-control', 'no-store', 'content-type', 'application/json', 'x-a', 'a', 'x-b', 'b'])
    expect(heldHeaderList(response)).toEqual(expected)
    expect(heldHeaderList(new SerializedResponse('{}', { headers: FROZEN }))).toBe(heldHeaderList(response))
    // Once handed out, the Headers may change: the list is then read from them.
    response.headers.set('x-a', 'changed')
    expect(heldHeaderList(response)).toBeUndefined()
    expect(headerList(response.headers)).toContain('changed')
    expect(response.clone().headers.get('x-a')).toBe('changed')
    expect(heldHeaderList(new SerializedResponse('{}', { headers: { ...FROZEN } }))).toBeUndefined()
    expect(heldHeaderList(new Response('{}', { headers: FROZEN }))).toBeUndefined()
  })

  it('headerList puts each Set-Cookie apart, after the rest', () => {
    const headers = new Headers([['set-cookie', 'a=1'], ['x-b', 'b'], ['set-cookie', 'b=2'], ['X-A', 'a1'], ['x-a', 'a2']])
    expect(headerList(headers)).toEqual(['x-a', 'a1, a2', 'x-b', 'b', 'set-cookie', 'a=1', 'set-cookie', 'b=2'])
  })
})
