// The login page on its own (no app waiting): form fields, accessibility basics, the one
// generic failure message, throttling, and signing in with returnTo.
// Each test that fails on purpose comes from its own client IP (x-forwarded-for, which the
// server reads for throttling) so failures never add up across tests or test files.
import { expect, test, type Page } from '@playwright/test'

const uniqueIp = () => `127.0.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`

async function fromOwnIp(page: Page) {
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': uniqueIp() })
}

/** The form's own message (Next.js keeps an empty role=alert route announcer on every page). */
const formAlert = (page: Page) => page.getByRole('main').getByRole('alert')

async function submit(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('has labelled username and password fields made for password managers', async ({ page }) => {
  const response = await page.goto('/login')
  expect(response?.status()).toBe(200)
  expect(response?.headers()['cache-control']).toContain('no-store')
  await expect(page).toHaveTitle(/Sign in/)
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()

  const username = page.getByLabel('Username')
  const password = page.getByLabel('Password')
  await expect(username).toHaveAttribute('name', 'username')
  await expect(username).toHaveAttribute('autocomplete', 'username')
  await expect(username).toHaveAttribute('required', '')
  await expect(password).toHaveAttribute('name', 'password')
  await expect(password).toHaveAttribute('type', 'password')
  await expect(password).toHaveAttribute('autocomplete', 'current-password')
  await expect(page.locator('form button[type=submit]')).toHaveText('Sign in')
  await expect(page.locator('input[type=hidden][name=returnTo]')).toHaveValue('/account')
})

test('works from the keyboard: focus starts on the username, Tab moves on, Enter submits', async ({ page }) => {
  await fromOwnIp(page)
  await page.goto('/login')
  await expect(page.getByLabel('Username')).toBeFocused()
  await page.keyboard.type(`keyboard-${Date.now()}`)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Password')).toBeFocused()
  await page.keyboard.type('not-the-password')
  await page.keyboard.press('Tab')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(formAlert(page)).toHaveText('Wrong username or password.')
})

test('a wrong password shows the generic message, keeps the username and clears the password', async ({ page }) => {
  await fromOwnIp(page)
  await page.goto('/login')
  await submit(page, 'bob', 'wrong-password')
  await expect(formAlert(page)).toHaveText('Wrong username or password.')
  await expect(page.getByLabel('Username')).toHaveValue('bob')
  await expect(page.getByLabel('Password')).toHaveValue('')
  expect((await page.context().cookies()).find((c) => c.name === 'ts_session')).toBeUndefined()
  // The right password still works (and resets bob's failure count for other tests).
  await page.getByLabel('Password').fill('bob-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/account$/)
  expect((await page.context().cookies()).find((c) => c.name === 'ts_session')).toBeDefined()
})

test('an unknown username shows exactly the same message', async ({ page }) => {
  await fromOwnIp(page)
  await page.goto('/login')
  await submit(page, 'nobody-by-this-name', 'wrong-password')
  await expect(formAlert(page)).toHaveText('Wrong username or password.')
})

test('repeated failures are throttled with a message that says when to retry', async ({ page }) => {
  await fromOwnIp(page)
  const username = `throttle-${Date.now()}`
  await page.goto('/login')
  for (let i = 0; i < 5; i++) {
    await submit(page, username, `guess-${i}`)
    await expect(formAlert(page)).toHaveText('Wrong username or password.')
    // Wait for the next round trip to start from a settled form.
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled()
  }
  await submit(page, username, 'guess-5')
  await expect(formAlert(page)).toContainText('Too many failed sign-in attempts.')
  await expect(formAlert(page)).toContainText(/try again in \d+ (minutes|seconds?)/)
})

test('a plain form post from a throttled client gets HTTP 429 with Retry-After', async ({ request }) => {
  const headers = { 'x-forwarded-for': uniqueIp(), origin: new URL(test.info().project.use.baseURL!).origin }
  const username = `direct-${Date.now()}`
  for (let i = 0; i < 5; i++) {
    // Without the $ACTION fields Next.js just renders the page; the proxy still counts nothing,
    // so drive the failures through the page's real no-JavaScript form instead.
    const page = await request.get('/login')
    const html = await page.text()
    const form = hiddenFields(html)
    const response = await request.post('/login', { headers, multipart: { ...form, username, password: `guess-${i}` }, maxRedirects: 0 })
    expect(response.status()).toBe(200)
    expect(await response.text()).toContain('Wrong username or password.')
  }
  const html = await (await request.get('/login')).text()
  const throttled = await request.post('/login', { headers, multipart: { ...hiddenFields(html), username, password: 'guess-5' }, maxRedirects: 0 })
  expect(throttled.status()).toBe(429)
  expect(Number(throttled.headers()['retry-after'])).toBeGreaterThan(0)
  expect(await throttled.text()).toContain('Too many failed sign-in attempts.')
})

test('signs in, sets the session cookie and goes to returnTo', async ({ page, baseURL }) => {
  await page.goto('/login?returnTo=/')
  await expect(page.locator('input[type=hidden][name=returnTo]')).toHaveValue('/')
  await submit(page, 'alice', 'alice-password')
  await page.waitForURL(`${baseURL}/`)
  const cookie = (await page.context().cookies()).find((c) => c.name === 'ts_session')
  expect(cookie).toBeDefined()
  expect(cookie?.httpOnly).toBe(true)
  expect(cookie?.sameSite).toBe('Lax')
  expect(cookie?.path).toBe('/')
  expect(cookie?.secure).toBe(false) // the test issuer is http
  expect(cookie?.value).not.toContain('alice')
})

test('a new sign-in replaces the session cookie (new session, new handle)', async ({ page, baseURL }) => {
  await page.goto('/login?returnTo=/')
  await submit(page, 'alice', 'alice-password')
  await page.waitForURL(`${baseURL}/`)
  const first = (await page.context().cookies()).find((c) => c.name === 'ts_session')?.value
  await page.goto('/login?returnTo=/')
  await submit(page, 'alice', 'alice-password')
  await page.waitForURL(`${baseURL}/`)
  const second = (await page.context().cookies()).find((c) => c.name === 'ts_session')?.value
  expect(first).toBeTruthy()
  expect(second).toBeTruthy()
  expect(second).not.toBe(first)
})

test('refuses to send the person to another site after signing in', async ({ page, baseURL }) => {
  await page.goto('/login?returnTo=//evil.example/steal')
  await expect(page.locator('input[type=hidden][name=returnTo]')).toHaveValue('/account')
  // Even when the hidden field is tampered with, the action only follows same-origin paths.
  await page.locator('input[type=hidden][name=returnTo]').evaluate((el: HTMLInputElement) => (el.value = 'https://evil.example/'))
  await submit(page, 'alice', 'alice-password')
  await page.waitForURL((url) => url.origin === baseURL && url.pathname === '/account')
})

test('a forged pending request goes to the error page', async ({ page }) => {
  await page.goto('/login?request=Fe26.2*1*forged')
  await expect(page).toHaveURL(/\/error\?error=invalid_request/)
})

/** The hidden inputs React renders for a no-JavaScript server-action form. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)) {
    fields[match[1]!] = (match[2] ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>')
  }
  return fields
}
