import { describe, expect, it } from 'vitest'
import { BufferedRequest, bufferedBody } from './held-body'

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
