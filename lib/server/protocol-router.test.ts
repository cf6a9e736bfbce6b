// The node:http fast path against what Next.js would send for the same Response: the same
// status, headers and bytes, with bodies read in advance or streamed.
import { Agent, createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createDiscoveryEndpoint } from '../oidc/endpoints/discovery/handler'
import { json, NO_STORE } from '../oidc/http'
import { MAX_BODY_BYTES, readForm } from '../oidc/params'
import { BufferedRequest } from '../oidc/held-body'
import { serve, type Handler } from './protocol-router'

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** Serves `handler` through the fast path on loopback and sends one raw request. */
async function through(handler: Handler, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<{ answer: Answer; seen: Request[] }> {
  const seen: Request[] = []
  server = createServer((req, res) => void serve((request) => (seen.push(request), handler(request)), req, res))
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  // Keep-alive, as real clients: the server's Connection header is then its own choice.
  const agent = new Agent({ keepAlive: true })
  const answer = await new Promise<Answer>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/x', headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    if (options.body !== undefined && options.chunked) {
      req.write(options.body)
      setTimeout(() => req.end(), 20)
    } else req.end(options.body)
  }).finally(() => agent.destroy())
  return { answer, seen }
}

/** What Next.js writes for a Response: its headers, and the bytes read from its body stream. */
async function asNextWouldSend(response: Response): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  const chunks: Uint8Array[] = []
  const reader = response.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value)
  return { status: response.status, headers, body: Buffer.concat(chunks) }
}

const form = { 'content-type': 'application/x-www-form-urlencoded' }

describe('protocol fast path', () => {
  it('answers byte for byte what Next.js sends for a json() response, with every header', async () => {
    const make = () => json({ access_token: 'é∂ø', token_type: 'Bearer', expires_in: 60 }, { status: 201, headers: NO_STORE })
    const { answer } = await through(async () => make())
    const expected = await asNextWouldSend(make())
    expect(answer.status).toBe(201)
    expect(answer.body.equals(expected.body)).toBe(true)
    for (const [name, value] of Object.entries(expected.headers)) expect(answer.headers[name]).toBe(value)
    expect(answer.headers['content-length']).toBe(String(expected.body.byteLength))
  })

  it('answers byte for byte for the discovery endpoint, and for a Response it did not make', async () => {
    const discovery = createDiscoveryEndpoint(async () => ({ issuer: 'http://127.0.0.1', apiScopes: [], identityResources: [] }))
    const viaFastPath = (await through(discovery)).answer
    const viaNext = await asNextWouldSend(await discovery(new Request('http://127.0.0.1/.well-known/openid-configuration')))
    expect(viaFastPath.body.equals(viaNext.body)).toBe(true)
    expect(viaFastPath.headers['cache-control']).toBe(viaNext.headers['cache-control'])

    const plain = (await through(async () => new Response('plain text', { status: 418, headers: { 'x-a': '1' } }))).answer
    expect([plain.status, plain.body.toString(), plain.headers['x-a']]).toEqual([418, 'plain text', '1'])
  })

  it('writes the headers a handler changed after json() made the response', async () => {
    const { answer } = await through(async () => {
      const response = json({ a: 1 }, { headers: NO_STORE })
      response.headers.set('x-extra', 'late')
      response.headers.delete('pragma')
      return response
    })
    expect([answer.headers['x-extra'], answer.headers.pragma, answer.headers['cache-control']]).toEqual(['late', undefined, 'no-store'])
  })

  it('hands a GET handler a Request without a body, url and headers as Node parsed them', async () => {
    const { answer, seen } = await through(async (request) => json({ url: request.url, text: await request.text() }), { path: '/x/../y?q=1', headers: { 'x-a': 'a' } })
    expect(JSON.parse(answer.body.toString())).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/y\?q=1$/), text: '' })
    expect([seen[0]!.method, seen[0]!.body, seen[0]!.headers.get('x-a')]).toEqual(['GET', null, 'a'])
  })

  it('sends every Set-Cookie separately', async () => {
    const headers = new Headers([['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2; Path=/']])
    const { answer } = await through(async () => new Response(null, { status: 204, headers }))
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('reads a declared body in advance: the handler gets a BufferedRequest whose form reads as usual', async () => {
    const { answer, seen } = await through(async (request) => json(Object.fromEntries((await readForm(request)).entries())), { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=a+b' })
    expect(seen[0]).toBeInstanceOf(BufferedRequest)
    expect(JSON.parse(answer.body.toString())).toEqual({ grant_type: 'client_credentials', scope: 'a b' })
    expect(seen[0]!.headers.get('x-forwarded-for')).toBe('127.0.0.1')
  })

  it('streams a chunked body (no declared length) and still reads it whole', async () => {
    const { answer, seen } = await through(async (request) => json({ text: await request.text() }), { method: 'POST', headers: { ...form, 'transfer-encoding': 'chunked' }, body: 'a=1&b=2', chunked: true })
    expect(seen[0]).not.toBeInstanceOf(BufferedRequest)
    expect(JSON.parse(answer.body.toString())).toEqual({ text: 'a=1&b=2' })
  })

  it('leaves a body declared over the limit unread, refuses it, and keeps or closes the connection by its size', async () => {
    const refuse = async (request: Request) => {
      try {
        await readForm(request)
        return json({ read: true })
      } catch {
        return json({ error: 'invalid_request' }, { status: 400 })
      }
    }
    const moderate = await through(refuse, { method: 'POST', headers: form, body: Buffer.alloc(MAX_BODY_BYTES + 1, 'a') })
    expect(moderate.seen[0]).not.toBeInstanceOf(BufferedRequest)
    expect(moderate.answer.status).toBe(400)
    expect(moderate.answer.headers.connection).not.toBe('close')
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    server = undefined
    const huge = await through(refuse, { method: 'POST', headers: form, body: Buffer.alloc(5 * 1024 * 1024, 'a') })
    expect(huge.answer.status).toBe(400)
    expect(huge.answer.headers.connection).toBe('close')
  })

  it('answers a server_error when the handler throws', async () => {
    const { answer } = await through(async () => {
      throw new Error('boom')
    })
    expect(answer.status).toBe(500)
    expect(JSON.parse(answer.body.toString())).toMatchObject({ error: 'server_error' })
  })
})
