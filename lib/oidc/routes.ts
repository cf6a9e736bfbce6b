// Every protocol URL, spelled once (Duende's ProtocolRoutePaths).
export const ROUTES = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/.well-known/openid-configuration/jwks',
  authorize: '/connect/authorize',
  /** Where the login and consent pages send the browser back to (H5). */
  authorizeCallback: '/connect/authorize/callback',
  token: '/connect/token',
  userinfo: '/connect/userinfo',
  introspect: '/connect/introspect',
  revocation: '/connect/revocation',
  endSession: '/connect/endsession',
  login: '/login',
  consent: '/consent',
  logout: '/logout',
  loggedOut: '/logged-out',
  error: '/error',
  account: '/account',
} as const

export function absoluteUrl(issuer: string, route: string): string {
  return `${issuer}${route}`
}
