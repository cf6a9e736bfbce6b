// Where the browser goes once the person is signed out (RP-Initiated Logout 1.0 §3).
import { loadSettings } from '../../../config/env'
import { absoluteUrl, ROUTES } from '../../routes'
import type { PendingLogout } from './validate'

/**
 * The validated post_logout_redirect_uri with `state` added to its query (§3: "state ...
 * passed as a query parameter"), or the portal's signed-out page.
 */
export function postLogoutTarget(pending: PendingLogout | null | undefined, issuer: string = loadSettings().issuer): string {
  if (!pending?.postLogoutRedirectUri) return absoluteUrl(issuer, ROUTES.loggedOut)
  const url = new URL(pending.postLogoutRedirectUri)
  if (pending.state !== undefined) url.searchParams.set('state', pending.state)
  return url.href
}

/** The sealed-away part of a validated request: the hint stays behind (it served its purpose). */
export function pendingLogoutOf(request: PendingLogout): PendingLogout {
  const { clientId, clientName, postLogoutRedirectUri, state, uiLocales } = request
  return {
    ...(clientId !== undefined && { clientId }),
    ...(clientName !== undefined && { clientName }),
    ...(postLogoutRedirectUri !== undefined && { postLogoutRedirectUri }),
    ...(state !== undefined && { state }),
    ...(uiLocales !== undefined && { uiLocales }),
  }
}
