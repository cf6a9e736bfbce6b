// The home page: content, security headers and keyboard access.
import { expect, test } from '@playwright/test'

test('renders the product shell and links to the demo, the account page and discovery', async ({ page }) => {
  const response = await page.goto('/')
  expect(response?.status()).toBe(200)
  await expect(page).toHaveTitle(/Token Service/)

  await expect(page.getByRole('banner').getByRole('link', { name: 'Token Service' })).toHaveAttribute('href', '/')
  await expect(page.getByRole('contentinfo')).toBeVisible()
  const main = page.getByRole('main')
  await expect(main.getByRole('heading', { level: 1, name: 'Token Service' })).toBeVisible()
  await expect(main.getByRole('heading', { level: 2, name: 'What it issues' })).toBeVisible()
  await expect(main.getByText('Identity tokens')).toBeVisible()
  await expect(main.getByText('Refresh tokens')).toBeVisible()

  await expect(main.getByRole('link', { name: 'Open the demo app' })).toHaveAttribute('href', '/demo')
  await expect(main.getByRole('link', { name: 'Go to your account' })).toHaveAttribute('href', '/account')
  await expect(main.getByRole('link', { name: 'View the discovery document' })).toHaveAttribute(
    'href',
    '/.well-known/openid-configuration',
  )
})

test('sends the page security headers', async ({ page }) => {
  const response = await page.goto('/')
  const headers = response!.headers()
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(headers['content-security-policy']).toContain("object-src 'none'")
  expect(headers['x-frame-options']).toBe('DENY')
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('same-origin')
  expect(headers['x-powered-by']).toBeUndefined()
})

test('is keyboard navigable: the first Tab reaches the skip link, with a visible focus ring', async ({ page }) => {
  await page.goto('/')
  await page.keyboard.press('Tab')

  const skip = page.getByRole('link', { name: 'Skip to main content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  const ring = await skip.evaluate((el) => {
    const style = getComputedStyle(el)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
  })
  expect(ring.style).not.toBe('none')
  expect(ring.width).toBeGreaterThanOrEqual(2)

  // Following the skip link moves focus to the main landmark, and the next Tab goes into it.
  await page.keyboard.press('Enter')
  await expect(page.getByRole('main')).toBeFocused()
  await page.keyboard.press('Tab')
  const focusedInMain = await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement) ?? false)
  expect(focusedInMain).toBe(true)
})

test('an unknown page gets the 404 page inside the same shell', async ({ page }) => {
  const response = await page.goto('/no-such-page')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Token Service' })).toBeVisible()
  await expect(page.getByRole('main').getByRole('link', { name: 'Go to the home page' })).toHaveAttribute('href', '/')
})
