// A browser with JavaScript turned off, in a few lines of fetch: a cookie jar, redirects
// followed by hand (so each hop can be inspected), and HTML forms submitted the way a browser
// submits them without scripts. Next.js server-action forms work without JavaScript
// (progressive enhancement): the form carries hidden $ACTION_* fields and a plain multipart
// POST runs the action, whose redirect() answers 303. Only for loopback test servers.

export class NoJsBrowser {
  private readonly cookies = new Map<string, string>()

  constructor(readonly origin: string) {}

  /** One request, no redirect following; cookies sent and stored. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = await fetch(new URL(url, this.origin), { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  /** Follows same-origin 3xx responses; stops at the first response that is not one, or leaves the origin. */
  async follow(response: Response, limit = 10): Promise<Response> {
    let current = response
    for (let hop = 0; hop < limit; hop++) {
      const location = redirectLocation(current, this.origin)
      if (!location || location.origin !== this.origin) return current
      current = await this.fetch(location)
    }
    throw new Error('too many redirects')
  }

  /**
   * Submits the form that contains an input named `marker` (e.g. "username") on the page at
   * `pageUrl`, with `fields` typed in and, optionally, the named submit button pressed.
   */
  async submit(pageUrl: string | URL, html: string, marker: string, fields: Record<string, string>, button?: { name: string; value: string }): Promise<Response> {
    const form = findForm(html, marker)
    const body = new FormData()
    for (const input of form.inputs) {
      if (input.name in fields) continue
      const type = (input.type ?? 'text').toLowerCase()
      if (type === 'submit' || type === 'button' || type === 'image' || type === 'reset') continue
      if ((type === 'checkbox' || type === 'radio') && !input.checked) continue
      body.append(input.name, input.value ?? (type === 'checkbox' ? 'on' : ''))
    }
    for (const [name, value] of Object.entries(fields)) body.append(name, value)
    if (button) body.append(button.name, button.value)
    const action = new URL(form.action || String(pageUrl), new URL(pageUrl, this.origin))
    // Next.js compares Origin with Host for server actions (its CSRF check); a browser sends it.
    return this.fetch(action, { method: (form.method || 'POST').toUpperCase(), body, headers: { origin: this.origin } })
  }
}

export function redirectLocation(response: Response, base: string): URL | undefined {
  if (response.status < 300 || response.status >= 400) return undefined
  const location = response.headers.get('location')
  return location ? new URL(location, base) : undefined
}

interface ParsedInput {
  name: string
  type?: string
  value?: string
  checked: boolean
}

function findForm(html: string, marker: string): { action?: string; method?: string; inputs: ParsedInput[] } {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    // Buttons are left out: only the one pressed is submitted (the `button` argument).
    const inputs = [...match[2]!.matchAll(/<input\b([^>]*)>/gi)].map((m) => attributes(m[1]!)).filter((a) => a.name !== undefined)
    if (!inputs.some((a) => a.name === marker)) continue
    const form = attributes(match[1]!)
    return {
      action: form.action,
      method: form.method,
      inputs: inputs.map((a) => ({ name: a.name!, type: a.type, value: a.value, checked: 'checked' in a })),
    }
  }
  throw new Error(`no form with an input named ${marker}`)
}

function attributes(source: string): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {}
  for (const m of source.matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    result[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  }
  return result
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|lt|gt|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase()
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16))
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10))
    return { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'" }[lower]!
  })
}
