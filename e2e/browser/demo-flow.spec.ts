// The demo relying party end to end: /demo signs in through the portal (authorize → login →
// consent → code → token → userinfo, all by openid-client), shows what it received, and signs
// out with RP-initiated logout. Then logout without an id_token_hint, which must ask first.
import { expect, test, type Page } from '@playwright/test'

const ALICE = { username: 'alice', password: 'alice-password', name: 'Alice Smith', email: 'alice@example.com' }

/** The login page: fill in and submit. */
async function signIn(page: Page, user: { username: string; password: string }) {
  await expect(page).toHaveURL(/\/login\?/)
  await page.locator('input[name=username]').fill(user.username)
  await page.locator('input[name=password]').fill(user.password)
  await page.locator('button[type=submit]').click()
}

/** Path names of every document the tab requests (redirect hops included), to prove which pages were (not) shown. */
function trackPaths(page: Page): string[] {
  const paths: string[] = []
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) paths.push(new URL(request.url()).pathname)
  })
  return paths
}

test('signs in through the portal, shows the tokens and userinfo, and signs out with id_token_hint', async ({ page }) => {
  const paths = trackPaths(page)
  await page.goto('/demo')
  await expect(page.getByRole('heading', { level: 1, name: 'Demo app' })).toBeVisible()
  await page.getByRole('button', { name: 'Sign in with Token Service' }).click()

  await signIn(page, ALICE)

  // demo-web requires consent; a consent remembered by another test would skip the page.
  await expect(page).toHaveURL(/\/(consent|demo)(\?|$)/)
  if (new URL(page.url()).pathname === '/consent') {
    await expect(page.getByText('Demo web app').first()).toBeVisible()
    await page.locator('button[name=decision][value=allow]').click()
  }

  await expect(page).toHaveURL(/\/demo$/)
  await expect(page.getByText(`Signed in as ${ALICE.name}`)).toBeVisible()
  const idToken = page.locator('#id-token')
  await expect(idToken.getByRole('heading', { name: 'Identity token claims' })).toBeVisible()
  await expect(idToken.locator('pre')).toContainText('"aud": "demo-web"')
  await expect(idToken.locator('pre')).toContainText('"nonce"')
  await expect(idToken.locator('pre')).toContainText('"sid"')
  await expect(page.locator('#access-token pre')).toContainText('"client_id": "demo-web"')
  const userinfo = page.locator('#userinfo pre')
  await expect(userinfo).toContainText(`"name": "${ALICE.name}"`)
  await expect(userinfo).toContainText(`"email": "${ALICE.email}"`)
  // The identity token and userinfo speak of the same person.
  const sub = JSON.parse((await idToken.locator('pre').textContent())!).sub as string
  expect(JSON.parse((await userinfo.textContent())!).sub).toBe(sub)

  // The demo cookie is the app's own: HttpOnly, SameSite=Lax, scoped to /demo.
  const demoCookie = (await page.context().cookies()).find((c) => c.name === 'demo_rp')
  expect(demoCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/demo' })

  await page.getByRole('button', { name: 'Call userinfo again' }).click()
  await expect(page).toHaveURL(/\/demo$/)
  await expect(userinfo).toContainText(`"email": "${ALICE.email}"`)

  // RP-initiated logout with id_token_hint for the current session: no confirmation page,
  // straight back to the registered post_logout_redirect_uri.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/demo$/)
  await expect(page.getByRole('button', { name: 'Sign in with Token Service' })).toBeVisible()
  expect(paths).not.toContain('/logout')
  expect(paths).toContain('/connect/endsession')
  expect((await page.context().cookies()).find((c) => c.name === 'ts_session')).toBeUndefined()

  // The portal session is gone too: signing in again asks for the password.
  await page.getByRole('button', { name: 'Sign in with Token Service' }).click()
  await expect(page).toHaveURL(/\/login\?/)
  await expect(page.locator('input[name=password]')).toBeVisible()
})

test('logout without id_token_hint asks first, then ends the session', async ({ page }) => {
  // A portal session of its own (no app involved).
  await page.goto('/login?returnTo=/')
  await signIn(page, ALICE)
  await page.waitForURL((url) => url.pathname === '/')
  expect((await page.context().cookies()).find((c) => c.name === 'ts_session')).toBeDefined()

  await page.goto('/connect/endsession')
  await expect(page).toHaveURL(/\/logout\?request=/)
  await expect(page.getByRole('heading', { level: 1, name: 'Sign out of Token Service?' })).toBeVisible()
  await expect(page.getByText(`You are signed in as ${ALICE.name}`)).toBeVisible()
  await page.locator('button[name=decision][value=logout]').click()

  await expect(page).toHaveURL(/\/logged-out$/)
  await expect(page.getByRole('heading', { level: 1, name: 'You are signed out' })).toBeVisible()

  // The session is gone: the demo's sign-in asks for the password again.
  await page.goto('/demo')
  await page.getByRole('button', { name: 'Sign in with Token Service' }).click()
  await expect(page).toHaveURL(/\/login\?/)
  await expect(page.locator('input[name=password]')).toBeVisible()
})

test('cancel on the confirmation page keeps the session', async ({ page }) => {
  await page.goto('/login?returnTo=/')
  await signIn(page, ALICE)
  await page.waitForURL((url) => url.pathname === '/')

  await page.goto('/connect/endsession')
  await page.locator('button[name=decision][value=cancel]').click()
  await page.waitForURL((url) => url.pathname === '/')

  await page.goto('/connect/endsession')
  await expect(page.getByText(`You are signed in as ${ALICE.name}`)).toBeVisible()
})
