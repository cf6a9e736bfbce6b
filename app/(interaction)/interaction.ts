// Server-side helpers shared by the login and consent pages and their actions.
import 'server-only'
import { headers } from 'next/headers'
import { redirect } from 'next/navigation'
import type { PendingAuthorization } from '@/lib/oidc/endpoints/authorize/request'
import { unsealPendingAuthorization } from '@/lib/oidc/interaction/seal'
import { ROUTES } from '@/lib/oidc/routes'
import { findClient } from '@/lib/stores/clients'

export const callbackUrl = (sealed: string) => `${ROUTES.authorizeCallback}?${new URLSearchParams({ request: sealed })}`
export const loginUrl = (sealed: string) => `${ROUTES.login}?${new URLSearchParams({ request: sealed })}`
export const errorUrl = (code: string) => `${ROUTES.error}?${new URLSearchParams({ error: code })}`

/** One value of a search parameter (the first, when repeated). */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * The pending authorization behind a sealed value. A forged, altered or expired one (the
 * person took longer than the interaction TTL) goes to the portal's error page: there is
 * no verified redirect_uri to report to.
 */
export async function requirePending(sealed: string | undefined): Promise<PendingAuthorization> {
  const pending = await unsealPendingAuthorization(sealed)
  if (!pending) redirect(errorUrl('invalid_request'))
  return pending
}

/** The name a person knows the app by: its display name, else its client_id. */
export async function clientDisplayName(clientId: string): Promise<string> {
  const client = await findClient(clientId)
  return client?.clientName?.trim() || clientId
}

/**
 * Ends a server action by sending the browser to `location`.
 *
 * Without JavaScript (a plain form POST) this is `redirect()`: a 303. With JavaScript the
 * action ran as a fetch, and `redirect()` there makes Next.js GET the target itself, on the
 * server, to stream it back (next/dist/server/app-render/action-handler.js,
 * createRedirectRenderResult). For the authorize callback that would issue an
 * authorization code to a server-side fetch (and follow the redirect to the client's
 * redirect_uri). So the fetch case returns the location and the form navigates the
 * browser itself (useHardNavigation).
 */
export async function navigateAfterAction(location: string): Promise<{ redirectTo: string }> {
  const isFetchAction = (await headers()).has('next-action')
  if (!isFetchAction) redirect(location)
  return { redirectTo: location }
}
