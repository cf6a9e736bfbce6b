// The demo relying party's own registration, read from the demo configuration the server
// seeds on first start (lib/config/demo-config.json): client `demo-web`, its secret, and
// its redirect URIs with {ISSUER} filled in. The demo app is a separate application that
// happens to live in this process; it knows the server only through its discovery document.
import demoConfiguration from '../config/demo-config.json'

export const DEMO_CLIENT_ID = 'demo-web'
/** What the demo asks for: an identity (openid profile email) and the demo API (api1). */
export const DEMO_SCOPE = 'openid profile email api1'

export interface DemoClient {
  issuer: string
  clientId: string
  clientSecret: string
  redirectUri: string
  postLogoutRedirectUri: string
}

interface DemoClientEntry {
  clientId: string
  clientSecrets?: (string | { value: string })[]
  redirectUris?: string[]
  postLogoutRedirectUris?: string[]
}

export function demoClient(issuer: string): DemoClient {
  const entry = (demoConfiguration.clients as DemoClientEntry[]).find((c) => c.clientId === DEMO_CLIENT_ID)
  const secret = entry?.clientSecrets?.[0]
  const redirectUri = entry?.redirectUris?.[0]
  const postLogoutRedirectUri = entry?.postLogoutRedirectUris?.[0]
  if (!entry || !secret || !redirectUri || !postLogoutRedirectUri) throw new Error(`the demo configuration has no complete ${DEMO_CLIENT_ID} client`)
  const fill = (value: string) => value.replaceAll('{ISSUER}', issuer)
  return {
    issuer,
    clientId: entry.clientId,
    clientSecret: typeof secret === 'string' ? secret : secret.value,
    redirectUri: fill(redirectUri),
    postLogoutRedirectUri: fill(postLogoutRedirectUri),
  }
}
