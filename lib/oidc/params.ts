// Reads protocol parameters once, the same way for every endpoint: body size limit,
// content type, duplicates rejected (RFC 6749 §3.1, §3.2), empty values treated as absent.
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

export function paramsFrom(search: URLSearchParams): Params {
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
  return paramsFrom(new URL(request.url).searchParams)
}

/** Reads an application/x-www-form-urlencoded body of at most MAX_BODY_BYTES. */
export async function readForm(request: Request): Promise<Params> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') throw invalidRequest(`unsupported content type ${type ?? '(none)'}`)
  const text = await readBodyText(request, MAX_BODY_BYTES)
  return paramsFrom(new URLSearchParams(text))
}

/** The body as UTF-8 text, refusing (without reading it all) anything over the limit. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > limit) throw invalidRequest('request body too large')
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
  return Buffer.concat(chunks).toString('utf8')
}
