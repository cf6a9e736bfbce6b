// A Request whose body was already read into memory by the node:http fast path
// (lib/server/protocol-router.ts). On Node 20 a Request built with a body makes a web
// ReadableStream at once (about 15-20 µs each, most of it in makeTransferable), and reading
// it back costs several promises per chunk. This subclass is built without a body and keeps
// the bytes: lib/oidc/params.ts reads them directly (bufferedBody), and every other body
// accessor still behaves as on any Request, from a stream made only when one is asked for.

const BUFFERED = Symbol.for('tokenservice.bufferedBody')

interface Buffered {
  [BUFFERED]?: { bytes: Buffer; used: boolean; stream?: ReadableStream<Uint8Array> | null }
}

export class BufferedRequest extends Request {
  constructor(url: string, init: { method: string; headers: HeadersInit }, bytes: Buffer) {
    super(url, init)
    // A Symbol.for key, not a private field: several copies of this module (tsx, a bundle)
    // still recognise each other's requests.
    ;(this as Buffered)[BUFFERED] = { bytes, used: false }
  }

  /** A plain Request over the same bytes, for the body accessors (used: one read, as for any body). */
  #take(): Request {
    const state = (this as Buffered)[BUFFERED]!
    if (state.used) throw new TypeError('Body is unusable: Body has already been read')
    state.used = true
    return new Request(this.url, { method: this.method, headers: this.headers, body: state.bytes as Uint8Array<ArrayBuffer> })
  }

  override async text(): Promise<string> {
    return this.#take().text()
  }

  override async json(): Promise<unknown> {
    return this.#take().json()
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take().arrayBuffer()
  }

  override async blob(): Promise<Blob> {
    return this.#take().blob()
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#take().bytes()
  }

  override async formData(): Promise<FormData> {
    return this.#take().formData()
  }

  override clone(): Request {
    const state = (this as Buffered)[BUFFERED]!
    if (state.used) throw new TypeError('Request.clone: Body has already been consumed.')
    return new BufferedRequest(this.url, { method: this.method, headers: this.headers }, state.bytes)
  }
}

// `body` and `bodyUsed` are accessors on Request.prototype; TypeScript declares them as
// properties, so they are redefined here rather than overridden in the class body.
Object.defineProperties(BufferedRequest.prototype, {
  body: {
    configurable: true,
    // The same stream on every access, as on any Request. Handing it out counts as reading
    // (bodyUsed turns true then, not at its first chunk: a simplification nothing here needs).
    get(this: BufferedRequest & Buffered) {
      const state = this[BUFFERED]!
      if (state.stream === undefined) {
        state.stream = state.used ? null : new Request(this.url, { method: this.method, headers: this.headers, body: state.bytes as Uint8Array<ArrayBuffer> }).body
        state.used = true
      }
      return state.stream
    },
  },
  bodyUsed: {
    configurable: true,
    get(this: BufferedRequest & Buffered) {
      return this[BUFFERED]!.used
    },
  },
})

/**
 * The bytes of a body the fast path read in advance, marking them read; undefined for any
 * other Request (or one whose body was already read), which is then read as a stream.
 */
export function bufferedBody(request: Request): Buffer | undefined {
  const state = (request as Buffered)[BUFFERED]
  if (!state || state.used) return undefined
  state.used = true
  return state.bytes
}
