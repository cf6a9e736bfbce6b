// A page post whose body cannot be what a browser or this app's own JavaScript sends is
// refused with a 400 before Next.js parses it, because Next.js's own parse failures end in 500s:
// - a multipart body that does not parse (no boundary, a wrong one, a truncated body);
// - a server-action call (Next-Action header) whose body is not a React reply: React's
//   encodeReply sends either JSON text or multipart with the JSON root in field "0"
//   (react-server-dom-webpack decodeReply). Garbage, an empty body or a form without that
//   root fails inside Next.js.
// Runs after the body limit (lib/security/body-limit.ts), so at most that much is read here.
// Not caught: a well-formed reply whose references are inconsistent (a hand-built "$Q1" to a
// part that is missing) still fails inside Next.js, with its generic 500 and an opaque digest.

/** A 400 for a malformed page post body, or null to let the request through. */
export async function refuseMalformedFormBody(request: Pick<Request, 'method' | 'headers' | 'clone'>): Promise<Response | null> {
  if (request.method !== 'POST') return null
  const type = request.headers.get('content-type')?.trim().toLowerCase() ?? ''
  const actionCall = request.headers.has('next-action')
  if (!type.startsWith('multipart/form-data') && !actionCall) return null
  try {
    if (type.startsWith('multipart/form-data')) {
      const form = await request.clone().formData()
      if (actionCall) parseRoot(form.get('0'))
    } else {
      parseRoot(await request.clone().text())
    }
    return null
  } catch {
    return new Response('The form data is malformed.\n', {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    })
  }
}

function parseRoot(root: FormDataEntryValue | null): void {
  if (typeof root !== 'string') throw new Error('no reply root')
  JSON.parse(root)
}
