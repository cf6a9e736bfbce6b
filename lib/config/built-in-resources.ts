// The identity resources every OpenID Provider has: the scopes of OpenID Connect Core 1.0
// §5.4 (profile, email, address, phone) with their claims, plus `openid` (§3.1.2.1) and
// `offline_access` (§11). Duende ships the same set as IdentityResources.OpenId() etc.
// They are owned by the server: created at the first start, brought back to this definition
// by every import, and an import file cannot redefine them.
import type { IdentityResourceConfig } from './model'

export const BUILT_IN_IDENTITY_RESOURCES: readonly IdentityResourceConfig[] = Object.freeze([
  {
    name: 'openid',
    displayName: 'Your user identifier',
    description: 'Lets the app know who you are, so it can sign you in.',
    enabled: true,
    required: true,
    emphasize: false,
    showInDiscoveryDocument: true,
    userClaims: ['sub'],
  },
  {
    name: 'profile',
    displayName: 'Your profile',
    description: 'Your name, nickname, picture, website, gender, birthdate, time zone and language.',
    enabled: true,
    required: false,
    emphasize: true,
    showInDiscoveryDocument: true,
    userClaims: [
      'name',
      'family_name',
      'given_name',
      'middle_name',
      'nickname',
      'preferred_username',
      'profile',
      'picture',
      'website',
      'gender',
      'birthdate',
      'zoneinfo',
      'locale',
      'updated_at',
    ],
  },
  {
    name: 'email',
    displayName: 'Your email address',
    description: 'Your email address and whether it has been verified.',
    enabled: true,
    required: false,
    emphasize: true,
    showInDiscoveryDocument: true,
    userClaims: ['email', 'email_verified'],
  },
  {
    name: 'address',
    displayName: 'Your postal address',
    description: 'Your postal address.',
    enabled: true,
    required: false,
    emphasize: true,
    showInDiscoveryDocument: true,
    userClaims: ['address'],
  },
  {
    name: 'phone',
    displayName: 'Your phone number',
    description: 'Your phone number and whether it has been verified.',
    enabled: true,
    required: false,
    emphasize: true,
    showInDiscoveryDocument: true,
    userClaims: ['phone_number', 'phone_number_verified'],
  },
  {
    name: 'offline_access',
    displayName: 'Offline access',
    description: 'Stay signed in: the app may act for you when you are not there, until you revoke its access.',
    enabled: true,
    required: false,
    emphasize: true,
    showInDiscoveryDocument: true,
    userClaims: [],
  },
])

export const BUILT_IN_IDENTITY_RESOURCE_NAMES: ReadonlySet<string> = new Set(BUILT_IN_IDENTITY_RESOURCES.map((r) => r.name))

/** The claim types of OpenID Connect Core 1.0 §5.1 (what `claims` of a user may hold). */
export const STANDARD_CLAIM_TYPES: ReadonlySet<string> = new Set(BUILT_IN_IDENTITY_RESOURCES.flatMap((r) => r.userClaims).filter((c) => c !== 'sub'))
