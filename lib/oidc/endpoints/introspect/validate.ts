// Introspection request validation (RFC 7662 §2.1): the caller authenticates, then names
// one token. Callers are APIs (an ApiResource's name and secret, Duende's model: "the client
// of an introspection endpoint is an API") or clients (their own credentials, for their own
// refresh tokens). Secrets are required either way: a public client cannot introspect.
import type { ApiResourceConfig, ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { loadResourceCatalog, peekResourceCatalog, type ResourceCatalog } from '../../../stores/resources'
import type { JwtDeps } from '../../../tokens/jwt'
import { invalidClient, invalidRequest } from '../../errors'
import type { Params } from '../../params'
import { authenticateClient, authenticateClientNow, BASIC_CHALLENGE, readBasic, secretMatches } from '../../shared/client-auth'

export interface IntrospectionDeps {
  db?: Db
  /** Key manager and issuer for JWT access tokens (defaults to the process's own). */
  jwt?: JwtDeps
}

export type IntrospectionCaller = { kind: 'resource'; resource: ApiResourceConfig } | { kind: 'client'; client: ClientConfig }

export type TokenTypeHint = 'access_token' | 'refresh_token'

export interface ValidatedIntrospectionRequest {
  caller: IntrospectionCaller
  token: string
  /** RFC 7662 §2.1: only an optimisation of the lookup order; unknown values are ignored. */
  hint?: TokenTypeHint
}

export async function validateIntrospectionRequest(request: Request, params: Params, deps: IntrospectionDeps = {}): Promise<ValidatedIntrospectionRequest> {
  const presented = presentedCredentials(request, params)
  const catalog = peekResourceCatalog(deps.db) ?? (await loadResourceCatalog(deps.db))
  const caller = callerByResource(presented, catalog) ?? (await callerByClient(request, params, deps))
  return validated(caller, params)
}

/**
 * validateIntrospectionRequest without a promise when the caches can answer at once (nearly
 * always): the request, or throws as validateIntrospectionRequest rejects; undefined when
 * something must be read first (then call validateIntrospectionRequest). On Node 20 each
 * promise costs a promise hook while Next.js's AsyncLocalStorage is active in the process.
 */
export function validateIntrospectionRequestNow(request: Request, params: Params, deps: IntrospectionDeps = {}): ValidatedIntrospectionRequest | undefined {
  const presented = presentedCredentials(request, params)
  const catalog = peekResourceCatalog(deps.db)
  if (!catalog) return undefined
  let caller = callerByResource(presented, catalog)
  if (!caller) {
    const client = authenticateClientNow(request, params, deps.db)
    if (!client) return undefined
    caller = clientCaller(client)
  }
  return validated(caller, params)
}

function validated(caller: IntrospectionCaller, params: Params): ValidatedIntrospectionRequest {
  const token = params.get('token')
  if (token === undefined) throw invalidRequest('missing parameter token')
  const hint = params.get('token_type_hint')
  return { caller, token, ...((hint === 'access_token' || hint === 'refresh_token') && { hint }) }
}

// The caller: an ApiResource whose name and secret match, else a client authenticated with a
// secret. Every failure is the same 401 invalid_client (RFC 7662 §2.1 / RFC 6749 §5.2).

/** The name and secret presented (Basic, else the body); without both, invalid_client. */
function presentedCredentials(request: Request, params: Params): { name: string; secret: string } {
  const basic = readBasic(request.headers.get('authorization'))
  const name = basic?.clientId ?? params.get('client_id')
  const secret = basic?.secret ?? params.get('client_secret')
  const challenge = basic ? { headers: { 'WWW-Authenticate': BASIC_CHALLENGE } } : undefined
  if (name === undefined || secret === undefined) throw invalidClient('introspection without credentials', challenge)
  return { name, secret }
}

function callerByResource({ name, secret }: { name: string; secret: string }, catalog: ResourceCatalog): IntrospectionCaller | undefined {
  const resource = catalog.findApiResource(name)
  return resource?.enabled && secretMatches(secret, resource.secrets) ? { kind: 'resource', resource } : undefined
}

/**
 * Not an API (or not its secret): a client's own credentials (authenticateClient also
 * refuses two methods at once and spends the same time on unknown ids).
 */
async function callerByClient(request: Request, params: Params, deps: IntrospectionDeps): Promise<IntrospectionCaller> {
  return clientCaller(await authenticateClient(request, params, deps.db))
}

function clientCaller(client: ClientConfig): IntrospectionCaller {
  log.debug({ clientId: client.clientId }, 'introspection by a client')
  return { kind: 'client', client }
}
