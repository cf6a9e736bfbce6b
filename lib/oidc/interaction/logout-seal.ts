// A logout request waiting for the person's confirmation rides to the /logout page sealed
// with iron, exactly like pending authorizations (./seal.ts): the browser carries it but
// cannot read or alter the post_logout_redirect_uri it holds, and nothing is stored.
import { sealFor, unsealFor } from '../../security/purpose-seal'
import type { PendingLogout } from '../endpoints/end-session/validate'
import { INTERACTION_TTL_SECONDS, MAX_SEAL_LENGTH } from './seal'

export function sealLogoutRequest(pending: PendingLogout): Promise<string> {
  return sealFor('logout-request', pending, INTERACTION_TTL_SECONDS)
}

/** The pending logout, or null when the seal is forged, altered, expired or not a logout seal. */
export function unsealLogoutRequest(sealed: string | null | undefined): Promise<PendingLogout | null> {
  return unsealFor<PendingLogout>('logout-request', sealed, INTERACTION_TTL_SECONDS, MAX_SEAL_LENGTH)
}
