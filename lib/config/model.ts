// The engine's view of configuration: what stores return and endpoints consume.
// (Prisma rows are mapped to these in lib/stores; nothing else sees a row.)

export type AccessTokenType = 'Jwt' | 'Reference'
export type RefreshTokenUsage = 'OneTimeOnly' | 'ReUse'
export type RefreshTokenExpiration = 'Absolute' | 'Sliding'
export type SigningAlgorithm = 'RS256' | 'ES256'
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256']

export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token'

export interface StoredSecret {
  /** base64url(SHA-256(secret)) */
  valueHash: string
  expiration: Date | null
}

export interface ClientConfig {
  clientId: string
  clientName: string | null
  enabled: boolean
  secrets: StoredSecret[]
  requireClientSecret: boolean
  allowedGrantTypes: string[]
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  allowedScopes: string[]
  allowedCorsOrigins: string[]
  requirePkce: boolean
  allowPlainTextPkce: boolean
  requireConsent: boolean
  allowRememberConsent: boolean
  allowOfflineAccess: boolean
  alwaysIncludeUserClaimsInIdToken: boolean
  accessTokenType: AccessTokenType
  identityTokenLifetime: number
  accessTokenLifetime: number
  authorizationCodeLifetime: number
  refreshTokenUsage: RefreshTokenUsage
  refreshTokenExpiration: RefreshTokenExpiration
  absoluteRefreshTokenLifetime: number
  slidingRefreshTokenLifetime: number
  updateAccessTokenClaimsOnRefresh: boolean
  /** Empty means the server default (RS256). */
  allowedIdentityTokenSigningAlgorithms: SigningAlgorithm[]
}

export interface ApiScopeConfig {
  name: string
  displayName: string | null
  description: string | null
  enabled: boolean
  required: boolean
  emphasize: boolean
  userClaims: string[]
}

export interface ApiResourceConfig {
  name: string
  displayName: string | null
  description: string | null
  enabled: boolean
  scopes: string[]
  userClaims: string[]
  secrets: StoredSecret[]
  /** Empty means the server default (RS256). */
  allowedAccessTokenSigningAlgorithms: SigningAlgorithm[]
}

export interface IdentityResourceConfig {
  name: string
  displayName: string | null
  description: string | null
  enabled: boolean
  required: boolean
  emphasize: boolean
  showInDiscoveryDocument: boolean
  userClaims: string[]
}

export interface UserAccount {
  subjectId: string
  username: string
  claims: Record<string, unknown>
  enabled: boolean
}
