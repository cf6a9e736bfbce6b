// The configuration import file: Duende IdentityServer's option names in camelCase, with
// Duende's defaults (one deliberate difference: refreshTokenUsage defaults to OneTimeOnly,
// the rotation RFC 9700 §4.14.2 recommends). Secrets are hashed while parsing, so the
// plaintext never travels further than this module.
//
// Checks that need the database (do the scopes a client names exist?) live in
// `referenceIssues` below and run inside the import's transaction.
import { z } from 'zod'
import { hashHandle } from '../tokens/handles'
import { BUILT_IN_IDENTITY_RESOURCE_NAMES, STANDARD_CLAIM_TYPES } from './built-in-resources'

export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token'] as const
const ALGORITHMS = ['RS256', 'ES256'] as const

// ------------------------------------------------------------------ building blocks

/** RFC 6749 §3.3: scope-token = 1*NQCHAR (printable ASCII except space, `"` and `\`). */
const scopeName = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope name: printable ASCII without spaces, quotes or backslashes')
/** RFC 6749 §2.2 / Appendix A.1: client_id = *VSCHAR; we also refuse spaces, which only confuse. */
const clientId = z.string().min(1).max(200).regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
const claimType = z.string().regex(/^[\x21-\x7E]{1,100}$/, 'must be a claim type: printable ASCII without spaces')
/** OpenID Connect Core §2: sub is at most 255 ASCII characters. */
const subjectId = z.string().regex(/^[\x21-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters without spaces')
const text = z.string().trim().min(1).max(1000)
const lifetime = (seconds: number) => z.number().int().positive().max(10 * 365 * 86_400).default(seconds)

/** A list whose entries must be distinct (a duplicate is almost always a typo). */
function distinctList<T extends z.ZodType>(item: T) {
  return z.array(item).superRefine((list, ctx) => {
    list.forEach((value, index) => {
      if (list.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) !== index)
        ctx.addIssue({ code: 'custom', path: [index], message: `lists ${JSON.stringify(value)} twice` })
    })
  })
}

const isoDate = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date, e.g. 2027-01-31 or 2027-01-31T12:00:00Z',
  })
  .transform((s) => new Date(s))

/** A shared secret: "value" or { value, description?, expiration? }; kept only as Duende's Sha256() (base64url here). */
const secret = z
  .preprocess(
    (v) => (typeof v === 'string' ? { value: v } : v),
    z.strictObject(
      { value: z.string().min(1).max(1000), description: text.optional(), expiration: isoDate.optional() },
      { error: (iss) => (iss.code === 'invalid_type' ? 'must be a string or { value, description?, expiration? }' : undefined) },
    ),
  )
  .transform((s) => ({ valueHash: hashHandle(s.value), description: s.description ?? null, expiration: s.expiration ?? null }))

/**
 * Redirect URIs are compared as exact strings later (RFC 9700 §4.1.3), so they are stored
 * as written. Allowed: http(s), and the private-use "reverse domain" schemes of native apps
 * (RFC 8252 §7.1, e.g. com.example.app:/callback). Never a fragment (RFC 6749 §3.1.2).
 */
const redirectUri = z.string().superRefine((value, ctx) => {
  const url = URL.canParse(value) ? new URL(value) : null
  if (!url || value.includes('#')) return void ctx.addIssue({ code: 'custom', message: 'must be an absolute URL without a fragment' })
  const web = url.protocol === 'https:' || url.protocol === 'http:'
  if (!web && !/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/i.test(url.protocol))
    return void ctx.addIssue({ code: 'custom', message: 'must use https, http, or a private-use scheme such as com.example.app: (RFC 8252 §7.1)' })
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' })
})

/** CORS origins are compared with the Origin header, so only scheme://host[:port] makes sense. */
const origin = z.string().refine(
  (value) => {
    const url = URL.canParse(value) ? new URL(value) : null
    return !!url && (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  },
  { message: 'must be an origin such as https://app.example.com (scheme, host and port only; lower case; no path or trailing slash)' },
)

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const ADDRESS_KEYS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const

/** Claims the server sets itself; a user record must not carry them. */
const PROTOCOL_CLAIMS = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid', 'at_hash', 'c_hash', 'cnf', 'scope', 'client_id', 'typ'])

/** OpenID Connect Core §5.1 claims with their types; any other claim must be declared by a resource (see referenceIssues). */
export const UserClaimsSchema = z
  .object({
    name: text,
    given_name: text,
    family_name: text,
    middle_name: text,
    nickname: text,
    preferred_username: text,
    profile: httpUrl,
    picture: httpUrl,
    website: httpUrl,
    email: z.email({ error: 'must be an email address' }),
    email_verified: z.boolean(),
    gender: text,
    birthdate: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/, 'must be YYYY-MM-DD or YYYY'),
    zoneinfo: text,
    locale: text,
    phone_number: text,
    phone_number_verified: z.boolean(),
    address: z.strictObject(Object.fromEntries(ADDRESS_KEYS.map((k) => [k, text.optional()])) as Record<(typeof ADDRESS_KEYS)[number], z.ZodOptional<typeof text>>),
    updated_at: z.number().int().nonnegative(),
  })
  .partial()
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())], { error: 'must be a string, number, boolean or list of strings' }))
  .superRefine((claims, ctx) => {
    for (const key of Object.keys(claims))
      if (PROTOCOL_CLAIMS.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: `is set by the server${key === 'sub' ? ' (use subjectId)' : ''}; it cannot be a user claim` })
  })

// ------------------------------------------------------------------ entries

const ClientObject = z.strictObject({
  clientId,
  clientName: text.optional(),
  clientSecrets: z.array(secret).default([]),
  requireClientSecret: z.boolean().default(true),
  allowedGrantTypes: distinctList(z.enum(GRANT_TYPES)).min(1),
  redirectUris: distinctList(redirectUri).default([]),
  postLogoutRedirectUris: distinctList(redirectUri).default([]),
  allowedScopes: distinctList(scopeName).default([]),
  allowedCorsOrigins: distinctList(origin).default([]),
  requirePkce: z.boolean().default(true),
  allowPlainTextPkce: z.boolean().default(false),
  requireConsent: z.boolean().default(false),
  allowRememberConsent: z.boolean().default(true),
  allowOfflineAccess: z.boolean().default(false),
  alwaysIncludeUserClaimsInIdToken: z.boolean().default(false),
  accessTokenType: z.enum(['Jwt', 'Reference']).default('Jwt'),
  identityTokenLifetime: lifetime(300),
  accessTokenLifetime: lifetime(3600),
  authorizationCodeLifetime: lifetime(300),
  // Deliberately not Duende's ReUse: rotation lets reuse of a stolen refresh token be detected.
  refreshTokenUsage: z.enum(['OneTimeOnly', 'ReUse']).default('OneTimeOnly'),
  refreshTokenExpiration: z.enum(['Absolute', 'Sliding']).default('Absolute'),
  // Duende reads 0 as "no absolute limit" for sliding expiration; here every lifetime is finite.
  absoluteRefreshTokenLifetime: lifetime(2_592_000),
  slidingRefreshTokenLifetime: lifetime(1_296_000),
  updateAccessTokenClaimsOnRefresh: z.boolean().default(false),
  allowedIdentityTokenSigningAlgorithms: distinctList(z.enum(ALGORITHMS)).default([]),
  enabled: z.boolean().default(true),
})

const ClientSchema = ClientObject.superRefine((c, ctx) => {
  const grants = new Set(c.allowedGrantTypes)
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  if (c.requireClientSecret && c.clientSecrets.length === 0)
    issue(['clientSecrets'], 'needs at least one secret while requireClientSecret is true (set requireClientSecret: false for a public client)')
  if (grants.has('client_credentials') && !c.requireClientSecret)
    issue(['requireClientSecret'], 'must be true for the client_credentials grant (RFC 6749 §4.4: confidential clients only)')
  if (grants.has('authorization_code') && c.redirectUris.length === 0) issue(['redirectUris'], 'needs at least one redirect URI for the authorization_code grant')
  if (grants.has('refresh_token') && !grants.has('authorization_code'))
    issue(['allowedGrantTypes'], 'lists "refresh_token" without "authorization_code" (refresh tokens are issued only with codes, RFC 6749 §4.4.3)')
  // Duende's AllowOfflineAccess is what allows refresh tokens; the grant type must agree with it.
  if (grants.has('refresh_token') && !c.allowOfflineAccess) issue(['allowOfflineAccess'], 'must be true when allowedGrantTypes lists "refresh_token"')
  if (c.allowOfflineAccess && !grants.has('refresh_token')) issue(['allowedGrantTypes'], 'must list "refresh_token" when allowOfflineAccess is true')
  const offline = c.allowedScopes.indexOf('offline_access')
  if (offline >= 0 && !c.allowOfflineAccess) issue(['allowedScopes', offline], '"offline_access" needs allowOfflineAccess: true')
  if (c.refreshTokenExpiration === 'Sliding' && c.slidingRefreshTokenLifetime > c.absoluteRefreshTokenLifetime)
    issue(['slidingRefreshTokenLifetime'], 'must not exceed absoluteRefreshTokenLifetime')
}).transform((c) => ({
  ...c,
  clientName: c.clientName ?? null,
  // As in Duende, allowOfflineAccess itself allows the offline_access scope; listing it in
  // allowedScopes makes that explicit, so the rest of the engine checks one list only.
  allowedScopes: c.allowOfflineAccess && !c.allowedScopes.includes('offline_access') ? [...c.allowedScopes, 'offline_access'] : c.allowedScopes,
}))

const ApiScopeObject = z.strictObject({
  name: scopeName,
  displayName: text,
  description: text,
  userClaims: distinctList(claimType).default([]),
  enabled: z.boolean().default(true),
  required: z.boolean().default(false),
  emphasize: z.boolean().default(false),
})

const ApiResourceObject = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces'),
  displayName: text,
  description: text.optional(),
  scopes: distinctList(scopeName).min(1),
  secrets: z.array(secret).default([]),
  userClaims: distinctList(claimType).default([]),
  /** Empty means the server default (RS256). */
  allowedAccessTokenSigningAlgorithms: distinctList(z.enum(ALGORITHMS)).default([]),
  enabled: z.boolean().default(true),
})
const ApiResourceSchema = ApiResourceObject.transform((r) => ({ ...r, description: r.description ?? null }))

const IdentityResourceObject = z.strictObject({
  name: scopeName,
  displayName: text,
  description: text,
  userClaims: distinctList(claimType).min(1),
  required: z.boolean().default(false),
  emphasize: z.boolean().default(false),
  showInDiscoveryDocument: z.boolean().default(true),
  enabled: z.boolean().default(true),
})

const UserObject = z.strictObject({
  username: z
    .string()
    .min(1)
    .max(200)
    .refine((u) => u === u.trim() && !/[\x00-\x1F\x7F]/.test(u), 'must not start or end with spaces or contain control characters'),
  password: z.string().min(8).max(1024),
  claims: UserClaimsSchema.default({}),
  enabled: z.boolean().default(true),
  subjectId: subjectId.optional(),
})

const FileObject = z.strictObject({
  /** Lets an editor find a JSON Schema; ignored. */
  $schema: z.string().optional(),
  apiScopes: z.array(ApiScopeObject).default([]),
  apiResources: z.array(ApiResourceSchema).default([]),
  identityResources: z.array(IdentityResourceObject).default([]),
  clients: z.array(ClientSchema).default([]),
  users: z.array(UserObject).default([]),
})

export const ImportFileSchema = FileObject.superRefine((file, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  const duplicates = <T>(kind: string, list: T[], key: (item: T) => string | undefined, field: string) => {
    const seen = new Map<string, number>()
    list.forEach((item, index) => {
      const value = key(item)
      if (value === undefined) return
      const first = seen.get(value)
      if (first !== undefined) issue([kind, index, field], `${JSON.stringify(value)} is already used by ${kind}[${first}]`)
      else seen.set(value, index)
    })
  }
  duplicates('clients', file.clients, (c) => c.clientId, 'clientId')
  duplicates('apiScopes', file.apiScopes, (s) => s.name, 'name')
  duplicates('apiResources', file.apiResources, (r) => r.name, 'name')
  duplicates('identityResources', file.identityResources, (r) => r.name, 'name')
  duplicates('users', file.users, (u) => u.username, 'username')
  duplicates('users', file.users, (u) => u.subjectId, 'subjectId')
  file.identityResources.forEach((r, i) => {
    if (BUILT_IN_IDENTITY_RESOURCE_NAMES.has(r.name)) issue(['identityResources', i, 'name'], `"${r.name}" is built in and cannot be redefined`)
  })
  // A scope value must mean one thing: Duende refuses an identity resource and an API scope of one name.
  const identityNames = new Set([...BUILT_IN_IDENTITY_RESOURCE_NAMES, ...file.identityResources.map((r) => r.name)])
  file.apiScopes.forEach((s, i) => {
    if (identityNames.has(s.name)) issue(['apiScopes', i, 'name'], `"${s.name}" is already the name of an identity resource`)
  })
})

export type ImportFile = z.output<typeof ImportFileSchema>
export type ImportedClient = ImportFile['clients'][number]
export type ImportedApiScope = ImportFile['apiScopes'][number]
export type ImportedApiResource = ImportFile['apiResources'][number]
export type ImportedIdentityResource = ImportFile['identityResources'][number]
export type ImportedUser = ImportFile['users'][number]
export type ImportedSecret = ImportedClient['clientSecrets'][number]

// ------------------------------------------------------------------ messages

export type IssuePath = readonly PropertyKey[]
export interface Issue {
  path: IssuePath
  message: string
}

export type ParseResult = { ok: true; data: ImportFile } | { ok: false; issues: string[] }

/** Validates the file's shape and everything that needs no database. */
export function parseImportFile(input: unknown): ParseResult {
  const result = ImportFileSchema.safeParse(input, { error: describeIssue })
  if (result.success) return { ok: true, data: result.data }
  return { ok: false, issues: result.error.issues.map((i) => formatIssue(input, i.path, unknownKeysMessage(i) ?? i.message)) }
}

/** `clients[1] ("web-app").redirectUris[0]: must be an absolute URL without a fragment` */
export function formatIssue(input: unknown, path: IssuePath, message: string): string {
  return `${formatPath(input, path)}: ${message}`
}

const LABEL_KEY: Record<string, string> = { clients: 'clientId', apiScopes: 'name', apiResources: 'name', identityResources: 'name', users: 'username' }

function formatPath(input: unknown, path: IssuePath): string {
  let out = ''
  let node: unknown = input
  path.forEach((segment, depth) => {
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined
    if (typeof segment === 'number') {
      out += `[${segment}]`
      const labelKey = depth === 1 ? LABEL_KEY[String(path[0])] : undefined
      const label = labelKey && node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[labelKey] : undefined
      if (typeof label === 'string') out += ` (${JSON.stringify(label)})`
    } else {
      out += out ? `.${String(segment)}` : String(segment)
    }
  })
  return out || '(file)'
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
}

/** Zod's default wording ("Invalid input: expected string, received undefined") made plain. */
function describeIssue(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'is required' : `must be ${ARTICLE[iss.expected] ?? iss.expected}`
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_small':
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : `must be at least ${iss.minimum} characters long`
      if (iss.origin === 'array') return iss.minimum === 1 ? 'must not be empty' : `must list at least ${iss.minimum} entries`
      return iss.inclusive ? `must be at least ${iss.minimum}` : `must be greater than ${iss.minimum}`
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters long`
      if (iss.origin === 'array') return `must list at most ${iss.maximum} entries`
      return `must be at most ${iss.maximum}`
    default:
      return undefined
  }
}

const SECRET_KEYS = ['value', 'description', 'expiration']

/** The keys allowed where an unknown one was found, for a "did you mean" hint. */
function knownKeysAt(path: IssuePath): string[] {
  const last = path.at(-1)
  const parent = path.at(-2)
  if (path.length === 0) return Object.keys(FileObject.shape)
  if (last === 'address') return [...ADDRESS_KEYS]
  if (typeof last === 'number' && (parent === 'clientSecrets' || parent === 'secrets')) return SECRET_KEYS
  if (path.length === 2) {
    const shapes: Record<string, Record<string, unknown>> = {
      clients: ClientObject.shape,
      apiScopes: ApiScopeObject.shape,
      apiResources: ApiResourceObject.shape,
      identityResources: IdentityResourceObject.shape,
      users: UserObject.shape,
    }
    return Object.keys(shapes[String(path[0])] ?? {})
  }
  return []
}

function unknownKeysMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined
  const known = knownKeysAt(issue.path)
  const parts = issue.keys.map((key) => {
    const hint = closest(key, known)
    return `${JSON.stringify(key)}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`
  })
  return `unknown ${parts.length === 1 ? 'key' : 'keys'} ${parts.join(', ')}`
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate)
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]!
}

// ------------------------------------------------------------------ references

/** What the database already defines, so that a file may refer to it. */
export interface DefinedNames {
  apiScopes: ReadonlySet<string>
  identityResources: ReadonlySet<string>
  /** Claim types declared in userClaims of any resource or scope. */
  claimTypes: ReadonlySet<string>
}

/** Checks that need the database: the scopes and claim types an entry names must exist. */
export function referenceIssues(file: ImportFile, existing: DefinedNames): Issue[] {
  const issues: Issue[] = []
  const apiScopes = new Set([...existing.apiScopes, ...file.apiScopes.map((s) => s.name)])
  const identity = new Set([...existing.identityResources, ...BUILT_IN_IDENTITY_RESOURCE_NAMES, ...file.identityResources.map((r) => r.name)])
  const claimTypes = new Set([
    ...existing.claimTypes,
    ...STANDARD_CLAIM_TYPES,
    ...[...file.apiScopes, ...file.apiResources, ...file.identityResources].flatMap((r) => r.userClaims),
  ])
  file.apiScopes.forEach((s, i) => {
    if (existing.identityResources.has(s.name)) issues.push({ path: ['apiScopes', i, 'name'], message: `"${s.name}" is already the name of an identity resource` })
  })
  file.identityResources.forEach((r, i) => {
    if (existing.apiScopes.has(r.name)) issues.push({ path: ['identityResources', i, 'name'], message: `"${r.name}" is already the name of an API scope` })
  })
  file.apiResources.forEach((r, i) =>
    r.scopes.forEach((scope, j) => {
      if (!apiScopes.has(scope)) issues.push({ path: ['apiResources', i, 'scopes', j], message: `"${scope}" is not a defined API scope` })
    }),
  )
  file.clients.forEach((c, i) =>
    c.allowedScopes.forEach((scope, j) => {
      if (!apiScopes.has(scope) && !identity.has(scope))
        issues.push({ path: ['clients', i, 'allowedScopes', j], message: `"${scope}" is not a defined scope (no identity resource or API scope has that name)` })
    }),
  )
  file.users.forEach((u, i) =>
    Object.keys(u.claims).forEach((claim) => {
      if (!claimTypes.has(claim))
        issues.push({ path: ['users', i, 'claims', claim], message: 'is neither a standard OpenID Connect claim nor declared in the userClaims of a resource or scope' })
    }),
  )
  return issues
}
