// What the /demo page shows: the tokens the demo app holds, decoded for reading. Decoding
// is not validation: openid-client validated the identity token when it arrived, and an
// access token is opaque to a client by design (RFC 6749 §1.4) — it is shown here only to
// teach what the server puts in it.
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { readDemoState, type DemoUserInfo } from './state'

export type DecodedAccessToken =
  | { kind: 'jwt'; header: Record<string, unknown>; claims: Record<string, unknown> }
  | { kind: 'reference'; length: number }

export interface DemoView {
  signedIn: boolean
  identityClaims?: Record<string, unknown>
  accessToken?: DecodedAccessToken
  userinfo?: DemoUserInfo
  scope?: string
  expiresAt?: number
  hasRefreshToken?: boolean
}

export async function demoView(cookieValue: string | null | undefined): Promise<DemoView> {
  const { signedIn } = await readDemoState(cookieValue)
  if (!signedIn) return { signedIn: false }
  let identityClaims: Record<string, unknown> | undefined
  try {
    identityClaims = { ...decodeJwt(signedIn.idToken) }
  } catch {
    return { signedIn: false }
  }
  return {
    signedIn: true,
    identityClaims,
    accessToken: decodeAccessToken(signedIn.accessToken),
    ...(signedIn.userinfo && { userinfo: signedIn.userinfo }),
    ...(signedIn.scope && { scope: signedIn.scope }),
    ...(signedIn.expiresAt !== undefined && { expiresAt: signedIn.expiresAt }),
    hasRefreshToken: signedIn.hasRefreshToken,
  }
}

export function decodeAccessToken(token: string): DecodedAccessToken {
  try {
    return { kind: 'jwt', header: { ...decodeProtectedHeader(token) }, claims: { ...decodeJwt(token) } }
  } catch {
    return { kind: 'reference', length: token.length }
  }
}
