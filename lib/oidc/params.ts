// Reads protocol parameters once, the same way for every endpoint: body size limit,
// content type, duplicates rejected (RFC 6749 §3.1, §3.2), empty values treated as absent,
// and text that is not valid UTF-8 or holds control characters rejected (RFC 6749 Appendix B:
// parameters are UTF-8; Appendix A: every protocol value is printable). URLSearchParams would
// silently turn %FF into U+FFFD and pass %00 through; here both are invalid_request.
import { bufferedBody } from './held-body'
import { invalidRequest } from './errors'

/** Largest form body any protocol endpoint accepts. */
export const MAX_BODY_BYTES = 64 * 1024
/** Longest single parameter value (a 4 KiB id_token_hint fits; a 1 MB value does not). */
export const MAX_PARAM_LENGTH = 16 * 1024

export class Params {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  get(name: string): string | undefined {
    return this.values.get(name)
  }

  require(name: string): string {
    const value = this.values.get(name)
    if (value === undefined) throw invalidRequest(`missing parameter ${name}`)
    return value
  }

  has(name: string): boolean {
    return this.values.has(name)
  }

  entries(): [string, string][] {
    return [...this.values]
  }
}

/** Parameters that the spec allows to repeat (RFC 8707 `resource`). */
const REPEATABLE = new Set(['resource'])

export function paramsFrom(search: URLSearchParams | Iterable<[string, string]>): Params {
  const values = new Map<string, string>()
  for (const [name, value] of search) {
    if (name.length > 128) throw invalidRequest('parameter name too long')
    if (value.length > MAX_PARAM_LENGTH) throw invalidRequest(`parameter ${name} too long`)
    if (values.has(name) && !REPEATABLE.has(name)) throw invalidRequest(`duplicated parameter ${name}`)
    if (value !== '') values.set(name, value)
  }
  return new Params(values)
}

export function readQuery(request: Request): Params {
  return paramsFrom(decodeUrlEncoded(new URL(request.url).search.slice(1)))
}

/** Reads an application/x-www-form-urlencoded body of at most MAX_BODY_BYTES. */
export async function readForm(request: Request): Promise<Params> {
  return readFormNow(request) ?? paramsFrom(decodeUrlEncoded(await readBodyText(request, MAX_BODY_BYTES)))
}

/**
 * readForm without a promise when the body is already in memory (the fast path's
 * BufferedRequest); undefined when it must be read as a stream (then call readForm). Throws
 * what readForm rejects with, in the same order.
 */
export function readFormNow(request: Request): Params | undefined {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') throw invalidRequest(`unsupported content type ${type ?? '(none)'}`)
  const text = bufferedText(request, MAX_BODY_BYTES)
  return text === undefined ? undefined : paramsFrom(decodeUrlEncoded(text))
}

// C0 controls and DEL (CR/LF, NUL, ...): no protocol parameter may carry them. U+FFFD, the
// replacement character, stands for bytes that were not UTF-8: Next.js re-encodes the query
// of the requests it routes (%FF arrives as %EF%BF%BD), and no protocol value needs it.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f\ufffd]/

/**
 * application/x-www-form-urlencoded as the WHATWG URL standard splits it (on "&", then the
 * first "=", "+" as a space), but strict where URLSearchParams is lenient: a malformed
 * percent-escape, bytes that are not UTF-8, or a control character is invalid_request.
 */
export function decodeUrlEncoded(encoded: string): [string, string][] {
  const pairs: [string, string][] = []
  for (const part of encoded.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq))
    const value = decodeComponent(eq === -1 ? '' : part.slice(eq + 1))
    if (CONTROL_CHARACTER.test(name) || CONTROL_CHARACTER.test(value)) throw invalidRequest('control or replacement character in a parameter')
    pairs.push([name, value])
  }
  return pairs
}

function decodeComponent(text: string): string {
  // Nothing to decode (most names and values): the text as it is, which is what both steps below give.
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text
  try {
    // decodeURIComponent refuses bad escapes (%zz) and invalid UTF-8 (%C3%28, %FF, surrogates).
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    throw invalidRequest('parameter is not valid percent-encoded UTF-8')
  }
}

/** The body as UTF-8 text, refusing (without reading it all) anything over the limit. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const buffered = bufferedText(request, limit)
  if (buffered !== undefined) return buffered
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw invalidRequest('request body too large')
    }
    chunks.push(value)
  }
  return decodeUtf8(Buffer.concat(chunks))
}

/**
 * The body already in memory (read in advance by the node:http fast path: a BufferedRequest
 * of lib/oidc/held-body.ts, no stream, no promise), or undefined when it must be read as a stream.
 * A declared length over the limit is refused either way, before anything is read.
 */
function bufferedText(request: Request, limit: number): string | undefined {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > limit) throw invalidRequest('request body too large')
  const buffered = bufferedBody(request)
  if (buffered === undefined) return undefined
  if (buffered.byteLength > limit) throw invalidRequest('request body too large')
  return decodeUtf8(buffered)
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // fatal: raw bytes that are not UTF-8 are refused, not replaced with U+FFFD.
    return UTF8.decode(bytes)
  } catch {
    throw invalidRequest('request body is not valid UTF-8')
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })
