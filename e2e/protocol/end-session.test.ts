// /connect/endsession without a browser session (RP-Initiated Logout 1.0). Everything is a
// 303 to a page, never a JSON error. The flows with a session (with and without an
// id_token_hint) need a browser sign-in: e2e/browser/demo-flow.spec.ts.
import { describe, expect, it, inject } from 'vitest'

const baseUrl = inject('baseUrl')
const endSession = `${baseUrl}/connect/endsession`

const get = (query = '') => fetch(`${endSession}${query}`, { redirect: 'manual' })

function expectSeeOther(response: Response, location: string) {
  expect(response.status).toBe(303)
  expect(response.headers.get('location')).toBe(location)
  expect(response.headers.get('cache-control')).toBe('no-store')
}

describe('end session without a signed-in session', () => {
  it('goes to the signed-out page and clears any session cookie', async () => {
    const response = await get()
    expectSeeOther(response, `${baseUrl}/logged-out`)
    expect(response.headers.getSetCookie().some((c) => /^ts_session=;.*Max-Age=0/i.test(c))).toBe(true)
  })

  it('never redirects to a post_logout_redirect_uri without a valid id_token_hint', async () => {
    expectSeeOther(await get(`?client_id=code-only&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}&state=s`), `${baseUrl}/logged-out`)
    expectSeeOther(await get(`?id_token_hint=not.a.jwt&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`), `${baseUrl}/logged-out`)
  })

  it('accepts POST with a form body (§2: GET and POST)', async () => {
    const response = await fetch(endSession, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'code-only', ui_locales: 'de en' }),
    })
    expectSeeOther(response, `${baseUrl}/logged-out`)
  })

  it('a malformed request (repeated parameter) goes to the error page', async () => {
    expectSeeOther(await get('?state=a&state=b'), `${baseUrl}/error?error=invalid_request`)
  })

  it('other methods: 405 with Allow', async () => {
    const response = await fetch(endSession, { method: 'PUT' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, POST')
  })
})
