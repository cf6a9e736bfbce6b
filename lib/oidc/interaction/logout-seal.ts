// A logout request waiting for the person's confirmation rides to the /logout page sealed
// with iron, exactly like pending authorizations (./seal.ts): the browser carries it but
// cannot read or alter the post_logout_redirect_uri it holds, and nothing is stored.
import { sealData, unsealData } from 'iron-session'
import { loadSettings } from '../../config/env'
import type { PendingLogout } from '../endpoints/end-session/validate'
import { INTERACTION_TTL_SECONDS } from './seal'

// A distinct purpose, so an authorization seal can never be replayed as a logout seal or back.
const purpose = 'logout-request'

export async function sealLogoutRequest(pending: PendingLogout): Promise<string> {
  return sealData({ purpose, pending }, { password: loadSettings().cookieSecret, ttl: INTERACTION_TTL_SECONDS })
}

/** The pending logout, or null when the seal is forged, altered, expired or not a logout seal. */
export async function unsealLogoutRequest(sealed: string | null | undefined): Promise<PendingLogout | null> {
  if (!sealed || sealed.length > 16_384) return null
  try {
    const data = await unsealData<{ purpose?: string; pending?: PendingLogout }>(sealed, {
      password: loadSettings().cookieSecret,
      ttl: INTERACTION_TTL_SECONDS,
    })
    return data.purpose === purpose && data.pending ? data.pending : null
  } catch {
    return null
  }
}
