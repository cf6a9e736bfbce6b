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
    const response = await handler(toRequest(req))
    res.statusCode = response.status
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value)
    })
    const cookies = response.headers.getSetCookie()
    if (cookies.length) res.setHeader('set-cookie', cookies)
    // A handler that refused a body (too large) left it unread: the connection cannot carry
    // another request, so close it rather than let the next request hang behind the rest.
    if (!req.complete) res.setHeader('connection', 'close')
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

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v))
    else headers.set(name, value)
  }
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
