// A Request or Response that holds its body as bytes or text instead of a web stream. On
// Node 20 a Request or Response built with a body makes a ReadableStream at once (15-30 µs,
// most of it makeTransferable), and reading it back costs several promises per chunk. On the
// protocol endpoints' hot path neither is needed:
//   BufferedRequest     the node:http fast path (lib/server/protocol-router.ts) reads a small
//                       body into memory first; lib/oidc/params.ts takes it (bufferedBody);
//   SerializedResponse  json() (lib/oidc/http.ts) keeps the text it serialized; the fast path
//                       writes it as is (serializedBody), Next.js reads `body` as usual.
// Every other body accessor behaves as on any Request/Response, from a real one made only
// when something asks.

/** A Symbol.for key, not a private field: several copies of this module (tsx, a bundle) still recognise each other's objects. */
const HELD = Symbol.for('tokenservice.heldBody')

interface HeldState<T> {
  content: T
  used: boolean
  /** The stream handed out by `body` (null: asked for after the content was read). */
  stream?: ReadableStream<Uint8Array> | null
}

type Holder<T> = { [HELD]?: HeldState<T> }

/** The content, marked read; undefined when `message` holds none or it was read already. */
function takeContent<T>(message: object): T | undefined {
  const state = (message as Holder<T>)[HELD]
  if (!state || state.used) return undefined
  state.used = true
  return state.content
}

function unread<T>(message: object, what: string): T {
  const state = (message as Holder<T>)[HELD]!
  if (state.used) throw new TypeError(`${what}: Body has already been consumed.`)
  return state.content
}

const READERS = ['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'formData'] as const

/**
 * Gives a subclass's prototype the body accessors: each reader reads a real message made by
 * `materialize` from the content (once, as for any body), and `body` is that message's
 * stream, the same one on every access. Handing the stream out counts as reading it
 * (bodyUsed turns true then rather than at its first chunk: a simplification nothing needs).
 * `body` and `bodyUsed` are accessors that TypeScript declares as properties, so they are
 * defined here rather than overridden in the class bodies.
 */
function holdBody<M extends Request | Response, T>(prototype: M, materialize: (message: M, content: T) => Request | Response): void {
  for (const reader of READERS) {
    Object.defineProperty(prototype, reader, {
      configurable: true,
      writable: true,
      value(this: M) {
        const content = takeContent<T>(this)
        if (content === undefined) return Promise.reject(new TypeError('Body is unusable: Body has already been read'))
        return materialize(this, content)[reader]()
      },
    })
  }
  Object.defineProperties(prototype, {
    body: {
      configurable: true,
      get(this: M & Holder<T>) {
        const state = this[HELD]!
        if (state.stream === undefined) {
          state.stream = state.used ? null : materialize(this, state.content).body
          state.used = true
        }
        return state.stream
      },
    },
    bodyUsed: {
      configurable: true,
      get(this: M & Holder<T>) {
        return this[HELD]!.used
      },
    },
  })
}

export class BufferedRequest extends Request {
  constructor(url: string, init: { method: string; headers: HeadersInit }, bytes: Buffer) {
    super(url, init)
    ;(this as Holder<Buffer>)[HELD] = { content: bytes, used: false }
  }

  override clone(): Request {
    return new BufferedRequest(this.url, { method: this.method, headers: this.headers }, unread<Buffer>(this, 'Request.clone'))
  }
}
holdBody<BufferedRequest, Buffer>(BufferedRequest.prototype, (request, bytes) => new Request(request.url, { method: request.method, headers: request.headers, body: bytes as Uint8Array<ArrayBuffer> }))

export class SerializedResponse extends Response {
  constructor(text: string, init: ResponseInit) {
    super(null, init)
    ;(this as Holder<string>)[HELD] = { content: text, used: false }
  }

  override clone(): Response {
    return new SerializedResponse(unread<string>(this, 'Response.clone'), { status: this.status, statusText: this.statusText, headers: this.headers })
  }
}
holdBody<SerializedResponse, string>(SerializedResponse.prototype, (response, text) => new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers }))

/** The bytes of a body the fast path read in advance, marking them read; undefined for any other Request, which is then read as a stream. */
export function bufferedBody(request: Request): Buffer | undefined {
  return takeContent<Buffer>(request)
}

/** The text of a Response made by json() and not yet read, marking it read; undefined for any other Response, whose body is then read as a stream. */
export function serializedBody(response: Response): string | undefined {
  return takeContent<string>(response)
}
