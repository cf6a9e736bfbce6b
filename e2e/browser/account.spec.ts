// The account page: an app's access given through a real sign-in and consent, then taken
// back with its "Revoke" button (the app's refresh token stops working and introspection
// calls it inactive), and sessions ended from the list. These tests revoke consent and end
// every session of their user, so they use a user of their own (created with the admin CLI,
// as an operator would), never the demo users other test files sign in as in parallel.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import * as oauth from 'oauth4webapi'
import { CAPTURED_TEXT, captureAuthorizationResponse } from './support/redirect-uri'

const DANA = { username: 'account-dana', password: 'account-dana-password' }
const CLIENT: oauth.Client = { client_id: 'demo-web' }
const CLIENT_AUTH = oauth.ClientSecretBasic('demo-web-secret')
const insecure = { [oauth.allowInsecureRequests]: true } // loopback http only

test.beforeAll(() => {
  const dataDir = process.env.E2E_DATA_DIR
  if (!dataDir) throw new Error('E2E_DATA_DIR is not set (see playwright.config.ts)')
  const result = spawnSync(
    path.join('node_modules', '.bin', 'tsx'),
    ['lib/cli/admin.ts', 'add-user', DANA.username, '--password', DANA.password, '--claim', 'name=Dana Account'],
    { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, 'tokenservice.db')}`, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
  )
  // A second run against the same data (KEEP_E2E_DATA) finds the user already there.
  if (result.status !== 0 && !/already exists/.test(`${result.stdout}${result.stderr}`)) throw new Error(`add-user failed: ${result.stderr || result.stdout}`)
})

async function discover(baseURL: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(baseURL)
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }))
}

async function signIn(page: Page, user: { username: string; password: string }) {
  await expect(page).toHaveURL(/\/login\?/)
  await page.locator('input[name=username]').fill(user.username)
  await page.locator('input[name=password]').fill(user.password)
  await page.locator('button[type=submit]').click()
}

/**
 * Runs an authorization request for demo-web with offline_access in the browser (sign-in,
 * consent) and takes the response at /demo/callback itself (the demo app never sees it), so
 * the test exchanges the code itself.
 */
async function authorizeInBrowser(page: Page, as: oauth.AuthorizationServer, baseURL: string) {
  const redirectUri = `${baseURL}/demo/callback`
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint!)
  url.search = new URLSearchParams({
    client_id: CLIENT.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile api1 offline_access',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  await page.goto(url.toString())
  const callback = await captureAuthorizationResponse(page, redirectUri, async () => {
    await signIn(page, DANA)
    // Consent remembered on kept data (KEEP_E2E_DATA) skips the page.
    await expect(page).toHaveURL(/\/(consent|demo\/callback)\?/)
    if (new URL(page.url()).pathname === '/consent') await page.locator('button[name=decision][value=allow]').click()
  })
  await expect(page.getByText(CAPTURED_TEXT)).toBeVisible()

  const params = oauth.validateAuthResponse(as, CLIENT, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(as, CLIENT, CLIENT_AUTH, params, redirectUri, verifier, insecure)
  return oauth.processAuthorizationCodeResponse(as, CLIENT, response)
}

async function refreshError(as: oauth.AuthorizationServer, refreshToken: string): Promise<string | undefined> {
  try {
    await oauth.processRefreshTokenResponse(as, CLIENT, await oauth.refreshTokenGrantRequest(as, CLIENT, CLIENT_AUTH, refreshToken, insecure))
    return undefined
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return error.error
    throw error
  }
}

test('revoking an app on the account page ends its refresh token at once', async ({ page, baseURL }) => {
  const as = await discover(baseURL!)
  const tokens = await authorizeInBrowser(page, as, baseURL!)
  expect(tokens.refresh_token).toBeTruthy()
  // The refresh token works: rotate it once.
  const refreshed = await oauth.processRefreshTokenResponse(as, CLIENT, await oauth.refreshTokenGrantRequest(as, CLIENT, CLIENT_AUTH, tokens.refresh_token!, insecure))
  const refreshToken = refreshed.refresh_token!

  await page.goto('/account')
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible()
  const app = page.getByRole('article', { name: 'Demo web app' })
  await expect(app).toBeVisible()
  await expect(app).toContainText('Your profile')
  await expect(app.getByText('Refresh token expires')).toBeVisible()

  await app.getByRole('button', { name: /Revoke access for Demo web app/ }).click()
  await expect(page.getByRole('status')).toContainText('Access for Demo web app was revoked.')
  await expect(page.getByRole('article', { name: 'Demo web app' })).toHaveCount(0)

  expect(await refreshError(as, refreshToken)).toBe('invalid_grant')
  const introspection = await oauth.processIntrospectionResponse(as, CLIENT, await oauth.introspectionRequest(as, CLIENT, CLIENT_AUTH, refreshToken, insecure))
  expect(introspection).toEqual({ active: false })

  // Consent was withdrawn too: the next authorization asks again.
  await page.goto(`/connect/authorize?${new URLSearchParams({ client_id: 'demo-web', redirect_uri: `${baseURL}/demo/callback`, response_type: 'code', scope: 'openid profile', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`)
  await expect(page).toHaveURL(/\/consent\?/)
})

test('ends another session from the list, and signs out everywhere', async ({ browser, page }) => {
  // Session 1: this page. Session 2: another browser context (another device).
  // The path, not /\/account$/: the login page's own URL (…/login?returnTo=/account) matches
  // that at once, and the reload below could then run before the second sign-in was done.
  const onAccountPage = (url: URL) => url.pathname === '/account'
  await page.goto('/login?returnTo=/account')
  await signIn(page, DANA)
  await expect(page).toHaveURL(onAccountPage)
  const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' })
  const otherPage = await other.newPage()
  await otherPage.goto('/login?returnTo=/account')
  await signIn(otherPage, DANA)
  await expect(otherPage).toHaveURL(onAccountPage)

  await page.reload()
  // (The first test's session may be listed too: sessions outlive their browser context.)
  const rows = page.locator('#sessions li')
  await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1)
  const firefox = rows.filter({ hasText: 'Firefox on Linux' })
  await expect(firefox).toHaveCount(1)
  await expect(firefox).not.toContainText('This device')
  await expect(firefox).toContainText('127.0.0.1')

  await firefox.getByRole('button', { name: /End session/ }).click()
  await expect(page.getByRole('status')).toContainText('The session was ended.')
  await expect(rows.filter({ hasText: 'Firefox on Linux' })).toHaveCount(0)
  await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1)

  // The other device is signed out.
  await otherPage.goto('/account')
  await expect(otherPage).toHaveURL(/\/login\?returnTo=%2Faccount$/)
  await other.close()

  // Sign out everywhere: this browser too.
  await page.getByRole('button', { name: 'Sign out everywhere' }).click()
  await expect(page).toHaveURL(/\/login\?returnTo=%2Faccount$/)
  await page.goto('/account')
  await expect(page).toHaveURL(/\/login\?/)
})
