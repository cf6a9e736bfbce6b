// Pending authorization requests ride through the login and consent pages sealed with
// iron (AES-256-CBC + HMAC-SHA-256 under the cookie secret) and a short TTL: the browser
// carries them, cannot read or alter them, and nothing needs cleaning up server-side.
import { sealData, unsealData } from 'iron-session'
import { loadSettings } from '../../config/env'
import type { PendingAuthorization } from '../endpoints/authorize/request'

/** How long a person may take on the login and consent pages. */
export const INTERACTION_TTL_SECONDS = 15 * 60

const purpose = 'authorization-request'

export async function sealPendingAuthorization(pending: PendingAuthorization): Promise<string> {
  return sealData({ purpose, pending }, { password: loadSettings().cookieSecret, ttl: INTERACTION_TTL_SECONDS })
}

/** The pending authorization, or null when the seal is forged, altered, expired or not one of ours. */
export async function unsealPendingAuthorization(sealed: string | null | undefined): Promise<PendingAuthorization | null> {
  if (!sealed || sealed.length > 16_384) return null
  try {
    const data = await unsealData<{ purpose?: string; pending?: PendingAuthorization }>(sealed, {
      password: loadSettings().cookieSecret,
      ttl: INTERACTION_TTL_SECONDS,
    })
    return data.purpose === purpose && data.pending ? data.pending : null
  } catch {
    return null
  }
}
