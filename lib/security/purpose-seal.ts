// One way to hand the browser data it must carry but can neither read nor alter: iron
// (iron-session's sealData: AES-256-CBC + HMAC-SHA-256 under the cookie secret) with a TTL
// and a purpose, so a seal made for one use (a pending authorization) can never be
// replayed as another (a logout request, a session cookie).
import { sealData, unsealData } from 'iron-session'
import { loadSettings } from '../config/env'

export type SealPurpose = 'authorization-request' | 'logout-request' | 'sign-in-session'

export function sealFor<T>(purpose: SealPurpose, value: T, ttlSeconds: number): Promise<string> {
  return sealData({ purpose, value }, { password: loadSettings().cookieSecret, ttl: ttlSeconds })
}

/** The sealed value, or null when the seal is missing, oversized, forged, altered, expired or made for another purpose. */
export async function unsealFor<T>(purpose: SealPurpose, sealed: string | null | undefined, ttlSeconds: number, maxLength: number): Promise<T | null> {
  if (!sealed || sealed.length > maxLength) return null
  try {
    const data = await unsealData<{ purpose?: string; value?: T }>(sealed, { password: loadSettings().cookieSecret, ttl: ttlSeconds })
    return data.purpose === purpose && data.value !== undefined ? data.value : null
  } catch {
    return null
  }
}
