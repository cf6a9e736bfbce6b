// The test as the relying party: it receives the authorization response at the client's
// redirect_uri itself, and the request never reaches whatever serves that URL (the demo
// app, for demo-web).
//
// page.route cannot do this: Playwright routes only the first request of a redirect chain
// (its docs: "The handler will only be called for the first url if the response is a
// redirect"), and the browser reaches a redirect_uri by a redirect, from /connect/authorize,
// /connect/authorize/callback or a login/consent form POST (a click before hydration, or
// without JavaScript). So the redirect_uri request is stubbed through Chromium's own Fetch
// domain, which pauses every matching request, redirect hops included.
import type { Page } from '@playwright/test'

/** The body of the stub page at the redirect_uri. */
export const CAPTURED_TEXT = 'Authorization response captured by the test.'

/**
 * Runs `step` (a click, a form post, a page.goto) and returns the URL, with the authorization
 * response in its query, at which the browser arrived at `redirectUri`. Returns once the stub
 * page has loaded, so no navigation is still under way when the test goes on.
 */
export async function captureAuthorizationResponse(page: Page, redirectUri: string, step: () => Promise<unknown>): Promise<URL> {
  const prefix = `${redirectUri}?`
  let arrived: string | undefined
  const cdp = await page.context().newCDPSession(page)
  try {
    cdp.on('Fetch.requestPaused', (event) => {
      const { requestId, request } = event
      if (!request.url.startsWith(prefix)) {
        void cdp.send('Fetch.continueRequest', { requestId }).catch(() => {})
        return
      }
      arrived = request.url
      void cdp
        .send('Fetch.fulfillRequest', {
          requestId,
          responseCode: 200,
          responseHeaders: [
            { name: 'Content-Type', value: 'text/plain; charset=utf-8' },
            { name: 'Cache-Control', value: 'no-store' },
          ],
          body: Buffer.from(CAPTURED_TEXT).toString('base64'),
        })
        .catch(() => {}) // the page navigated on or closed meanwhile
    })
    // '*' is the Fetch domain's wildcard ('?' is one too, so the pattern stops before it).
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${redirectUri}*`, resourceType: 'Document', requestStage: 'Request' }] })

    await step()
    // The URL comes from the paused request, not from Playwright's request event: when a
    // page.route is active too, a request fulfilled here never reaches Playwright's own
    // interception, and Playwright then never reports it.
    await page.waitForURL((current) => arrived !== undefined && current.href === arrived)
    return new URL(arrived!)
  } finally {
    await cdp.detach().catch(() => {})
  }
}
