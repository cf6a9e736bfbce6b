// The protocol endpoints are plain `(Request) => Promise<Response>` functions; Next.js
// route handlers in app/ export them. This router serves the very same route modules
// straight from node:http, skipping the framework's per-request cost on the hot paths
// (token, introspection, discovery...). Pages still go through Next.js. A custom server
// is a documented Next.js deployment; set PROTOCOL_FAST_PATH=false to route everything
// through Next.js (the protocol tests run both ways).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { log } from '../log'
import { BufferedRequest, headerList, heldHeaderList, serializedBody } from '../oidc/held-body'
import { MAX_BODY_BYTES } from '../oidc/params'
import { ROUTES } from '../oidc/routes'

export type Handler = (request: Request) => Promise<Response> | Response
type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD', Handler>>

/** Path → the app/ route module that Next.js serves at that path. */
const ROUTE_MODULES: Record<string, () => Promise<RouteModule>> = {
  [ROUTES.discovery]: () => import('../../app/.well-known/openid-configuration/route'),
  [ROUTES.jwks]: () => import('../../app/.well-known/openid-configuration/jwks/route'),
  [ROUTES.token]: () => import('../../app/connect/token/route'),
  [ROUTES.introspect]: () => import('../../app/connect/introspect/route'),
  [ROUTES.revocation]: () => import('../../app/connect/revocation/route'),
  [ROUTES.userinfo]: () => import('../../app/connect/userinfo/route'),
}

export interface ProtocolRouter {
  /** Serves the request and returns true, or returns false for Next.js to serve it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean
}

export async function createProtocolRouter(): Promise<ProtocolRouter> {
  const modules = new Map<string, RouteModule>()
  for (const [route, load] of Object.entries(ROUTE_MODULES)) {
    try {
      modules.set(route, await load())
    } catch (error) {
      log.warn({ route, err: error }, 'protocol route not served by the fast path')
    }
  }
  return {
    handle(req, res) {
      const path = (req.url ?? '/').split('?', 1)[0]!
      const handler = modules.get(path)?.[(req.method ?? 'GET') as keyof RouteModule]
      if (!handler) return false
      void serve(handler, req, res)
      return true
    },
  }
}

/** Serves one request with `handler` (exported for its tests). */
export async function serve(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const { url, method, headers: requestHeaders } = requestParts(req)
    let request: Request
    if (method === 'GET' || method === 'HEAD') request = new BufferedRequest(url, { method, headers: requestHeaders })
    else {
      // A body of declared length within the protocol limit is read into memory first: no web
      // stream. Any other body (chunked, or declared larger) stays a stream, so the handler
      // refuses it without reading it all, and `drained` below decides about the connection.
      const declared = req.headers['content-length']
      if (declared !== undefined && req.headers['transfer-encoding'] === undefined && /^\d{1,6}$/.test(declared) && Number(declared) <= MAX_BODY_BYTES) {
        const bytes = await readBody(req, Number(declared))
        // The connection ended before the body did (client gone, or Node's requestTimeout
        // already answered 408): nothing left to answer.
        if (!bytes) return
        request = new BufferedRequest(url, { method, headers: requestHeaders }, bytes)
      } else {
        request = new Request(url, {
          method,
          headers: requestHeaders,
          body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
          // @ts-expect-error -- Node's fetch needs duplex for streamed bodies; lib.dom lacks it
          duplex: 'half',
        })
      }
    }
    const response = await handler(request)
    // json()'s shared header sets come as a list worked out once (lib/oidc/held-body.ts).
    const held = heldHeaderList(response)
    const headers = held ? held.slice() : headerList(response.headers)
    // A handler that refused a body (wrong content type, too large) left it unread. A
    // moderate one is read and discarded first, as Node does for plain handlers: closing
    // while the client still sends makes it fail with EPIPE instead of reading the answer.
    // Anything larger: the connection cannot carry another request, so it is closed rather
    // than let the next request hang behind the rest.
    if (!req.complete && !(await drained(req, request))) headers.push('connection', 'close')
    // json() keeps the text it serialized (lib/oidc/held-body.ts): written as is, no stream read.
    const text = serializedBody(response)
    const body = text !== undefined ? Buffer.from(text, 'utf8') : response.body ? Buffer.from(await response.arrayBuffer()) : undefined
    if (body !== undefined) headers.push('content-length', String(body.byteLength))
    res.writeHead(response.status, headers)
    res.end(body)
  } catch (error) {
    log.error({ err: error, path: req.url }, 'protocol fast path failed')
    if (!res.headersSent) {
      res.statusCode = 500
      res.setHeader('content-type', 'application/json')
      res.setHeader('cache-control', 'no-store')
    }
    res.end(JSON.stringify({ error: 'server_error', error_description: 'The server encountered an unexpected condition.' }))
  }
}

/** Bodies up to this size that a handler left unread are drained before the answer. */
const DRAIN_LIMIT = 4 * 1024 * 1024

/** Reads and discards the rest of an unread body of declared length up to DRAIN_LIMIT; false when it cannot. */
async function drained(req: IncomingMessage, request: Request): Promise<boolean> {
  const declared = Number(req.headers['content-length'])
  if (!Number.isInteger(declared) || declared > DRAIN_LIMIT || !request.body || request.bodyUsed || req.destroyed) return false
  try {
    const reader = request.body.getReader()
    while (!(await reader.read()).done) {
      // discarded
    }
    return req.complete
  } catch {
    return false
  }
}

/**
 * What the web Request for a node:http request is made of. Node's parsed headers (duplicates
 * already joined or dropped as Node does), plus x-forwarded-for as Next.js adds it
 * (base-server.js), so per-IP throttling and the audit trail see the same client IP whichever
 * path serves the request (lib/security/client-ip.ts).
 */
function requestParts(req: IncomingMessage): { url: string; method: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {}
  for (const name in req.headers) {
    const value = req.headers[name]
    if (typeof value === 'string') headers[name] = value
    else if (value !== undefined) headers[name] = value.join(', ')
  }
  if (headers['x-forwarded-for'] === undefined && req.socket.remoteAddress) headers['x-forwarded-for'] = req.socket.remoteAddress
  return { url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, method: req.method ?? 'GET', headers }
}

/** A body being read by readBody: its chunks so far, and where the result goes. */
interface BodyRead {
  chunks: Buffer[]
  resolve: (bytes: Buffer | undefined) => void
}

const BODY_READ = Symbol('bodyRead')
type Reading = IncomingMessage & { [BODY_READ]?: BodyRead }

/**
 * The whole body (Node's parser stops at the declared length), or undefined if the connection
 * ended first. The listeners are module functions (the request is `this`), not closures made
 * per request: under tsx each named closure also costs a defineProperty for its name.
 */
function readBody(req: IncomingMessage, length: number): Promise<Buffer | undefined> {
  if (length === 0) return Promise.resolve(Buffer.alloc(0))
  return new Promise((resolve) => {
    ;(req as Reading)[BODY_READ] = { chunks: [], resolve }
    req.on('data', onBodyData).on('end', onBodyEnd).on('error', onBodyEnd).on('close', onBodyClose)
  })
}

function onBodyData(this: Reading, chunk: Buffer): void {
  this[BODY_READ]?.chunks.push(chunk)
}

function onBodyEnd(this: Reading): void {
  bodyRead(this, this.complete)
}

function onBodyClose(this: Reading): void {
  bodyRead(this, false)
}

function bodyRead(req: Reading, ok: boolean): void {
  const reading = req[BODY_READ]
  if (!reading) return
  req[BODY_READ] = undefined
  req.off('data', onBodyData).off('end', onBodyEnd).off('error', onBodyEnd).off('close', onBodyClose)
  const { chunks } = reading
  reading.resolve(ok ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) : undefined)
}
