// The protocol endpoints are plain `(Request) => Promise<Response>` functions; Next.js
// route handlers in app/ export them. This router serves the very same route modules
// straight from node:http, skipping the framework's per-request cost on the hot paths
// (token, introspection, discovery...). Pages still go through Next.js. A custom server
// is a documented Next.js deployment; set PROTOCOL_FAST_PATH=false to route everything
// through Next.js (the protocol tests run both ways).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { log } from '../log'
import { ROUTES } from '../oidc/routes'

type Handler = (request: Request) => Promise<Response> | Response
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

async function serve(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const request = toRequest(req)
    const response = await handler(request)
    res.statusCode = response.status
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value)
    })
    const cookies = response.headers.getSetCookie()
    if (cookies.length) res.setHeader('set-cookie', cookies)
    // A handler that refused a body (wrong content type, too large) left it unread. A
    // moderate one is read and discarded first, as Node does for plain handlers: closing
    // while the client still sends makes it fail with EPIPE instead of reading the answer.
    // Anything larger: the connection cannot carry another request, so it is closed rather
    // than let the next request hang behind the rest.
    if (!req.complete && !(await drained(req, request))) res.setHeader('connection', 'close')
    res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined)
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

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v))
    else headers.set(name, value)
  }
  // As Next.js does (base-server.js), so per-IP throttling and the audit trail see the same
  // client IP whichever path serves the request (lib/security/client-ip.ts).
  if (!headers.has('x-forwarded-for') && req.socket.remoteAddress) headers.set('x-forwarded-for', req.socket.remoteAddress)
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // @ts-expect-error -- Node's fetch needs duplex for streamed bodies; lib.dom lacks it
    duplex: 'half',
  })
}
