// The consent page inside a real authorization: what it shows, deny, partial grants and
// remembered consent. A fake relying party: the tests build the authorize URL themselves
// (client demo-web) and take the response at its redirect_uri themselves
// (support/redirect-uri.ts), so the demo app behind that URL never sees it.
//
// Remembered consent outlives a test, so these tests sign in as a user of their own, new for
// every run of this file (created with the admin CLI, as an operator would): nothing another
// test (or an earlier run on kept data) remembered can skip a consent page here.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { captureAuthorizationResponse } from './support/redirect-uri'

const USER = { username: `consent-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`, password: 'consent-user-password', name: 'Casey Consent' }

test.beforeAll(() => {
  const dataDir = process.env.E2E_DATA_DIR
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)')
  const result = spawnSync(
    path.join('node_modules', '.bin', 'tsx'),
    ['lib/cli/admin.ts', 'add-user', USER.username, '--password', USER.password, '--claim', `name=${USER.name}`],
    { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'tokenservice.db')}`, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`add-user failed: ${result.stderr || result.stdout}`)
})

const CLIENT_ID = 'demo-web'
const CLIENT_SECRET = 'demo-web-secret'

interface Authorization {
  url: string
  state: string
  verifier: string
}

function authorizeUrl(baseURL: string, scope: string, extra: Record<string, string> = {}): Authorization {
  const verifier = randomBytes(32).toString('base64url')
  const state = randomBytes(12).toString('base64url')
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: `${baseURL}/demo/callback`,
    scope,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url: `${baseURL}/connect/authorize?${params}`, state, verifier }
}

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Runs `step` and returns the parameters the browser brought to the client's redirect_uri. */
async function redirectUriParams(page: Page, baseURL: string, step: () => Promise<unknown>): Promise<URLSearchParams> {
  return (await captureAuthorizationResponse(page, `${baseURL}/demo/callback`, step)).searchParams
}

test('shows the app name and, in plain words, what it asks for', async ({ page, baseURL }) => {
  const auth = authorizeUrl(baseURL!, 'openid profile api1 offline_access', { login_hint: USER.username })
  await page.goto(auth.url)

  await expect(page).toHaveURL(/\/login\?request=/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to continue to Demo web app')
  await expect(page.getByLabel('Username')).toHaveValue(USER.username) // login_hint
  await expect(page.getByLabel('Password')).toBeFocused()
  await signIn(page, USER.username, USER.password)

  await page.waitForURL(/\/consent\?request=/)
  const response = await page.reload()
  expect(response?.headers()['cache-control']).toContain('no-store')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo web app wants to access your account')
  await expect(page.getByText('Signed in as')).toContainText(`${USER.name} (${USER.username})`)

  const identity = page.getByRole('group', { name: 'Your information' })
  await expect(identity.getByLabel('Your user identifier')).toBeChecked()
  await expect(identity.getByLabel('Your user identifier')).toBeDisabled() // openid is required
  await expect(identity.getByLabel('Your profile')).toBeChecked()
  await expect(identity.getByText('Your name, nickname, picture')).toBeVisible()
  const apis = page.getByRole('group', { name: 'Access to services' })
  await expect(apis.getByLabel('Demo API')).toBeChecked()
  await expect(apis.getByText('Read and change your data in the demo API.')).toBeVisible()
  const offline = page.getByRole('group', { name: 'Offline access' })
  await expect(offline).toContainText('when you are not using it')
  await expect(offline.getByLabel('Offline access')).toBeChecked()

  await expect(page.locator('input[type=checkbox][name=remember]')).not.toBeChecked()
  await expect(page.locator('button[name=decision][value=allow]')).toHaveText('Allow')
  await expect(page.locator('button[name=decision][value=deny]')).toHaveText('Deny')

  const result = await redirectUriParams(page, baseURL!, () => page.locator('button[name=decision][value=allow]').click())
  expect(result.get('code')).toBeTruthy()
  expect(result.get('state')).toBe(auth.state)
  expect(result.get('iss')).toBe(baseURL)
})

test('deny sends access_denied and the state back to the app', async ({ page, baseURL }) => {
  const auth = authorizeUrl(baseURL!, 'openid profile api1')
  await page.goto(auth.url)
  await signIn(page, USER.username, USER.password)
  await page.waitForURL(/\/consent\?request=/)
  const result = await redirectUriParams(page, baseURL!, () => page.locator('button[name=decision][value=deny]').click())
  expect(result.get('error')).toBe('access_denied')
  expect(result.get('state')).toBe(auth.state)
  expect(result.get('iss')).toBe(baseURL)
  expect(result.get('code')).toBeNull()
})

test('grants only the scopes left ticked', async ({ page, baseURL, request }) => {
  const auth = authorizeUrl(baseURL!, 'openid profile api1 offline_access')
  await page.goto(auth.url)
  await signIn(page, USER.username, USER.password)
  await page.waitForURL(/\/consent\?request=/)
  await page.getByLabel('Your profile').uncheck()
  await page.getByRole('group', { name: 'Offline access' }).getByLabel('Offline access').uncheck()
  const code = (await redirectUriParams(page, baseURL!, () => page.locator('button[name=decision][value=allow]').click())).get('code')!

  const token = await request.post('/connect/token', {
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${baseURL}/demo/callback`,
      code_verifier: auth.verifier,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    },
  })
  expect(token.status()).toBe(200)
  const body = (await token.json()) as { scope?: string; refresh_token?: string }
  expect(body.scope?.split(' ').sort()).toEqual(['api1', 'openid'])
  expect(body.refresh_token).toBeUndefined()
})

test('remembered consent skips the page next time for the same or fewer scopes, not for more', async ({ page, baseURL }) => {
  const consentPages: string[] = []
  page.on('request', (r) => {
    if (r.isNavigationRequest() && new URL(r.url()).pathname === '/consent') consentPages.push(r.url())
  })

  await page.goto(authorizeUrl(baseURL!, 'openid email').url)
  await signIn(page, USER.username, USER.password)
  await page.waitForURL(/\/consent\?request=/)
  await page.getByLabel('Remember my decision').check()
  const first = await redirectUriParams(page, baseURL!, () => page.locator('button[name=decision][value=allow]').click())
  expect(first.get('code')).toBeTruthy()
  expect(consentPages).toHaveLength(1)

  // Same scopes, same session: straight back to the app with a code.
  const again = authorizeUrl(baseURL!, 'openid email')
  const second = await redirectUriParams(page, baseURL!, () => page.goto(again.url))
  expect(second.get('code')).toBeTruthy()
  expect(second.get('state')).toBe(again.state)
  // Fewer scopes: also covered.
  const fewer = await redirectUriParams(page, baseURL!, () => page.goto(authorizeUrl(baseURL!, 'openid').url))
  expect(fewer.get('code')).toBeTruthy()
  expect(consentPages).toHaveLength(1)

  // More scopes than remembered: asked again.
  await page.goto(authorizeUrl(baseURL!, 'openid email api1').url)
  await page.waitForURL(/\/consent\?request=/)
  expect(consentPages).toHaveLength(2)
})

test('the consent page needs a session: without one it sends the person to sign in, same request', async ({ page, baseURL }) => {
  await page.goto(authorizeUrl(baseURL!, 'openid profile').url)
  await page.waitForURL(/\/login\?request=/)
  const sealed = new URL(page.url()).searchParams.get('request')!
  await page.goto(`/consent?${new URLSearchParams({ request: sealed })}`)
  await page.waitForURL(/\/login\?request=/)
  expect(new URL(page.url()).searchParams.get('request')).toBe(sealed)
})

test('a forged pending request on the consent page goes to the error page', async ({ page }) => {
  await page.goto('/consent?request=Fe26.2*1*forged')
  await expect(page).toHaveURL(/\/error\?error=invalid_request/)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('sign-in and consent still work as plain form posts (303 redirects)', async ({ page, baseURL }) => {
    const auth = authorizeUrl(baseURL!, 'openid profile api1')
    await page.goto(auth.url)
    await page.getByLabel('Username').fill(USER.username)
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong username or password.')
    await page.getByLabel('Password').fill(USER.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(/\/consent\?request=/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Demo web app wants to access your account')
    const result = await redirectUriParams(page, baseURL!, () => page.locator('button[name=decision][value=allow]').click())
    expect(result.get('code')).toBeTruthy()
    expect(result.get('state')).toBe(auth.state)
  })
})
