// A Request or Response that holds its parts (and its body as bytes or text) itself, and makes
// the real one only when something asks for more. On Node 20 building a Request costs ~10 µs
// (URL parsing, WebIDL conversion of every init member, an AbortController and signal), a
// Response with headers ~3-5 µs, and one built with a body makes a ReadableStream at once
// (15-30 µs, most of it makeTransferable); reading that back costs several promises per
// chunk. On the protocol endpoints' hot path none of it is needed:
//   BufferedRequest     the node:http fast path (lib/server/protocol-router.ts) hands the
//                       endpoint its url, method and headers, and a small body read into
//                       memory first; lib/oidc/params.ts takes the bytes (bufferedBody);
//   SerializedResponse  json() (lib/oidc/http.ts) keeps the text it serialized; the fast path
//                       writes it as is (serializedBody), with the header list of json()'s
//                       shared header sets worked out once (heldHeaderList); Next.js reads
//                       `headers` and `body` as usual.
// Both are instances of Request / Response (their prototypes inherit from those), and every
// member answers as on a real one: url, method, headers, status, statusText, ok and the body
// are kept here (validated as the real constructors do), anything else (signal, mode, type...)
// comes from a real Request/Response made on first use.

/** A Symbol.for key, not a private field: several copies of this module (tsx, a bundle) still recognise each other's objects. */
const HELD = Symbol.for('tokenservice.heldBody')

interface HeldState<T> {
  /** The body; null when there is none (a GET). */
  content: T | null
  used: boolean
  /** The stream handed out by `body` (null: asked for after the content was read, or no body). */
  stream?: ReadableStream<Uint8Array> | null
}

interface RequestState extends HeldState<Buffer> {
  url: string
  method: string
  headers: Headers
  /** The real Request behind every member not kept here, made on first use. */
  real?: Request
}

interface ResponseState extends HeldState<string> {
  status: number
  statusText: string
  /** What the headers are made from when `headers` is first read (json()'s frozen sets). */
  headerInit?: Readonly<Record<string, string>>
  headers?: Headers
  /** The header list as the fast path writes it, known without a Headers (json()'s frozen sets). */
  list?: readonly string[]
  real?: Response
}

type Holder<S> = { [HELD]?: S }

function state<S>(message: object): S {
  return (message as Holder<S>)[HELD]!
}

/** The content, marked read; undefined when `message` holds none or it was read already. */
function takeContent<T>(message: object): T | undefined {
  const held = (message as Holder<HeldState<T>>)[HELD]
  if (!held || held.used || held.content === null) return undefined
  held.used = true
  return held.content
}

const READERS = ['text', 'json', 'arrayBuffer', 'blob', 'bytes', 'formData'] as const

/**
 * Gives a prototype the body accessors: each reader reads a real message made by
 * `materialize` from the content (once, as for any body), and `body` is that message's
 * stream, the same one on every access. Handing the stream out counts as reading it
 * (bodyUsed turns true then rather than at its first chunk: a simplification nothing needs).
 * Without content (a GET), the readers are the real message's, which has no body either.
 */
function holdBody<M extends Request | Response, T>(prototype: object, materialize: (message: M, content: T) => Request | Response, real: (message: M) => Request | Response): void {
  for (const reader of READERS) {
    method(prototype, reader, function (this: M) {
      const held = state<HeldState<T>>(this)
      if (held.content === null) return real(this)[reader]()
      const content = takeContent<T>(this)
      if (content === undefined) return Promise.reject(new TypeError('Body is unusable: Body has already been read'))
      return materialize(this, content)[reader]()
    })
  }
  getters<M>(prototype, {
    body(message) {
      const held = state<HeldState<T>>(message)
      if (held.stream === undefined) {
        held.stream = held.used || held.content === null ? null : materialize(message, held.content).body
        if (held.content !== null) held.used = true
      }
      return held.stream
    },
    bodyUsed: (message) => state<HeldState<T>>(message).used,
  })
}

/** Every member of `original` (Request.prototype, Response.prototype) not in `kept` answers from the real message. */
function delegateTheRest(prototype: object, original: object, kept: ReadonlySet<string>, real: (message: never) => object): void {
  for (const name of Object.getOwnPropertyNames(original)) {
    if (kept.has(name)) continue
    const descriptor = Object.getOwnPropertyDescriptor(original, name)!
    if (descriptor.get) getters<never>(prototype, { [name]: (message) => (real(message) as Record<string, unknown>)[name] })
    else if (typeof descriptor.value === 'function') {
      method(prototype, name, function (this: never, ...args: unknown[]) {
        return ((real(this) as Record<string, unknown>)[name] as (...a: unknown[]) => unknown)(...args)
      })
    }
  }
}

/** Read-only accessors on `prototype`, each answering from the message it is read on. */
function getters<M>(prototype: object, members: Record<string, (message: M) => unknown>): void {
  for (const [name, read] of Object.entries(members)) {
    Object.defineProperty(prototype, name, {
      configurable: true,
      get(this: M) {
        return read(this)
      },
    })
  }
}

/** A method on `prototype`, writable and configurable as the platform's own are. */
function method<M>(prototype: object, name: string, value: (this: M, ...args: never[]) => unknown): void {
  Object.defineProperty(prototype, name, { configurable: true, writable: true, value })
}

// ---------------------------------------------------------------- requests

// What the Request constructor checks (WHATWG Fetch, "new Request(input, init)"), with its errors.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'])

function requestUrl(input: string): string {
  let parsed: URL
  try {
    parsed = new URL(input)
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${input}`, { cause: error })
  }
  if (parsed.username || parsed.password) throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${input}`)
  return parsed.href
}

function requestMethod(method: string): string {
  if (!TOKEN.test(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`)
  const upper = method.toUpperCase()
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`)
  return NORMALIZED_METHODS.has(upper) ? upper : method
}

/** A Request whose body, if any, is bytes already read. */
export interface BufferedRequest extends Request {}
export class BufferedRequest {
  /** `bytes` undefined: a request without a body (GET). */
  constructor(url: string, init: { method: string; headers: HeadersInit }, bytes?: Buffer) {
    const held: RequestState = { url: requestUrl(url), method: requestMethod(init.method), headers: new Headers(init.headers), content: bytes ?? null, used: false }
    if ((held.method === 'GET' || held.method === 'HEAD') && bytes !== undefined) throw new TypeError('Request with GET/HEAD method cannot have body.')
    ;(this as Holder<RequestState>)[HELD] = held
  }
}
Object.setPrototypeOf(BufferedRequest.prototype, Request.prototype)

const realRequest = (request: BufferedRequest): Request => {
  const held = state<RequestState>(request)
  held.real ??= new Request(held.url, { method: held.method, headers: held.headers })
  return held.real
}

getters<BufferedRequest>(BufferedRequest.prototype, {
  url: (request) => state<RequestState>(request).url,
  method: (request) => state<RequestState>(request).method,
  headers: (request) => state<RequestState>(request).headers,
})
method(BufferedRequest.prototype, 'clone', function (this: BufferedRequest): Request {
  const held = state<RequestState>(this)
  if (held.used) throw new TypeError('Request.clone: Body has already been consumed.')
  return new BufferedRequest(held.url, { method: held.method, headers: held.headers }, held.content ?? undefined)
})
holdBody<BufferedRequest, Buffer>(
  BufferedRequest.prototype,
  (request, bytes) => new Request(request.url, { method: request.method, headers: request.headers, body: bytes as Uint8Array<ArrayBuffer> }),
  realRequest,
)
delegateTheRest(BufferedRequest.prototype, Request.prototype, new Set(['constructor', 'url', 'method', 'headers', 'clone', 'body', 'bodyUsed', ...READERS]), realRequest)

// ---------------------------------------------------------------- responses

// RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ), as the Response constructor checks it.
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/

/** A Response whose body is text kept as is. */
export interface SerializedResponse extends Response {}
export class SerializedResponse {
  /**
   * Headers given as a frozen object are read when first asked for (they cannot change, and
   * their list is worked out once per object); any other HeadersInit is read at once, as the
   * Response constructor does.
   */
  constructor(text: string, init: { status?: number; statusText?: string; headers?: HeadersInit }) {
    const status = init.status ?? 200
    if (status < 200 || status > 599) throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.')
    const statusText = init.statusText ?? ''
    if (!REASON_PHRASE.test(statusText)) throw new TypeError('Invalid statusText')
    const held: ResponseState = { status, statusText, content: text, used: false }
    const headers = init.headers
    if (headers !== undefined && !(headers instanceof Headers) && !Array.isArray(headers) && Object.isFrozen(headers)) held.headerInit = headers as Readonly<Record<string, string>>
    else held.headers = new Headers(headers)
    ;(this as Holder<ResponseState>)[HELD] = held
  }
}
Object.setPrototypeOf(SerializedResponse.prototype, Response.prototype)

function responseHeaders(response: SerializedResponse): Headers {
  const held = state<ResponseState>(response)
  held.headers ??= new Headers(held.headerInit)
  return held.headers
}

const realResponse = (response: SerializedResponse): Response => {
  const held = state<ResponseState>(response)
  held.real ??= new Response(null, { status: held.status, statusText: held.statusText, headers: responseHeaders(response) })
  return held.real
}

getters<SerializedResponse>(SerializedResponse.prototype, {
  status: (response) => state<ResponseState>(response).status,
  statusText: (response) => state<ResponseState>(response).statusText,
  ok: (response) => state<ResponseState>(response).status <= 299,
  headers: responseHeaders,
})
method(SerializedResponse.prototype, 'clone', function (this: SerializedResponse): Response {
  const held = state<ResponseState>(this)
  if (held.used) throw new TypeError('Response.clone: Body has already been consumed.')
  return new SerializedResponse(held.content!, { status: held.status, statusText: held.statusText, headers: held.headers ?? held.headerInit })
})
holdBody<SerializedResponse, string>(
  SerializedResponse.prototype,
  (response, text) => new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers }),
  realResponse,
)
delegateTheRest(SerializedResponse.prototype, Response.prototype, new Set(['constructor', 'status', 'statusText', 'ok', 'headers', 'clone', 'body', 'bodyUsed', ...READERS]), realResponse)

// ---------------------------------------------------------------- for the fast path and the form parser

/** The bytes of a body the fast path read in advance, marking them read; undefined for any other Request, which is then read as a stream. */
export function bufferedBody(request: Request): Buffer | undefined {
  return takeContent<Buffer>(request)
}

/** The text of a Response made by json() and not yet read, marking it read; undefined for any other Response, whose body is then read as a stream. */
export function serializedBody(response: Response): string | undefined {
  return takeContent<string>(response)
}

/**
 * The headers as name, value, name, value... in the order Headers lists them (lower-case
 * names, sorted, values joined), each Set-Cookie separately at the end: what the fast path
 * hands to writeHead.
 */
export function headerList(headers: Headers): string[] {
  const list: string[] = []
  let cookies = false
  headers.forEach((value, name) => {
    if (name === 'set-cookie') cookies = true
    else list.push(name, value)
  })
  if (cookies) for (const cookie of headers.getSetCookie()) list.push('set-cookie', cookie)
  return list
}

const listsByInit = new WeakMap<object, readonly string[]>()

/**
 * headerList of a SerializedResponse whose headers came as a frozen object and were never
 * handed out (so nothing can have changed them): worked out once per object. Undefined for
 * any other Response (read its `headers`).
 */
export function heldHeaderList(response: Response): readonly string[] | undefined {
  const held = (response as Holder<ResponseState>)[HELD]
  if (!held || held.headers !== undefined || held.headerInit === undefined) return undefined
  let list = listsByInit.get(held.headerInit)
  if (!list) {
    list = Object.freeze(headerList(new Headers(held.headerInit)))
    listsByInit.set(held.headerInit, list)
  }
  return list
}
