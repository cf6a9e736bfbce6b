// Pending authorization requests ride through the login and consent pages sealed with
// iron (AES-256-CBC + HMAC-SHA-256 under the cookie secret) and a short TTL: the browser
// carries them, cannot read or alter them, and nothing needs cleaning up server-side.
import { sealFor, unsealFor } from '../../security/purpose-seal'
import type { PendingAuthorization } from '../endpoints/authorize/request'

/** How long a person may take on the login and consent pages. */
export const INTERACTION_TTL_SECONDS = 15 * 60
/** Longest seal accepted from the browser. */
export const MAX_SEAL_LENGTH = 16_384

export function sealPendingAuthorization(pending: PendingAuthorization): Promise<string> {
  return sealFor('authorization-request', pending, INTERACTION_TTL_SECONDS)
}

/** The pending authorization, or null when the seal is forged, altered, expired or not one of ours. */
export function unsealPendingAuthorization(sealed: string | null | undefined): Promise<PendingAuthorization | null> {
  return unsealFor<PendingAuthorization>('authorization-request', sealed, INTERACTION_TTL_SECONDS, MAX_SEAL_LENGTH)
}
