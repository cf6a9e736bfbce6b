// Introspection request validation (RFC 7662 §2.1): the caller authenticates, then names
// one token. Callers are APIs (an ApiResource's name and secret, Duende's model: "the client
// of an introspection endpoint is an API") or clients (their own credentials, for their own
// refresh tokens). Secrets are required either way: a public client cannot introspect.
import type { ApiResourceConfig, ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import { loadResourceCatalog, peekResourceCatalog } from '../../../stores/resources'
import type { JwtDeps } from '../../../tokens/jwt'
import { invalidClient, invalidRequest } from '../../errors'
import type { Params } from '../../params'
import { authenticateClient, BASIC_CHALLENGE, readBasic, secretMatches } from '../../shared/client-auth'

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
  const caller = await authenticateCaller(request, params, deps)
  const token = params.get('token')
  if (token === undefined) throw invalidRequest('missing parameter token')
  const hint = params.get('token_type_hint')
  return { caller, token, ...((hint === 'access_token' || hint === 'refresh_token') && { hint }) }
}

/**
 * An ApiResource whose name and secret match, else a client authenticated with a secret.
 * Every failure is the same 401 invalid_client (RFC 7662 §2.1 / RFC 6749 §5.2).
 */
async function authenticateCaller(request: Request, params: Params, deps: IntrospectionDeps): Promise<IntrospectionCaller> {
  const basic = readBasic(request.headers.get('authorization'))
  const name = basic?.clientId ?? params.get('client_id')
  const secret = basic?.secret ?? params.get('client_secret')
  const challenge = basic ? { headers: { 'WWW-Authenticate': BASIC_CHALLENGE } } : undefined
  if (name === undefined || secret === undefined) throw invalidClient('introspection without credentials', challenge)

  const resource = (peekResourceCatalog(deps.db) ?? (await loadResourceCatalog(deps.db))).findApiResource(name)
  if (resource?.enabled && secretMatches(secret, resource.secrets)) return { kind: 'resource', resource }

  // Not an API (or not its secret): a client's own credentials (authenticateClient also
  // refuses two methods at once and spends the same time on unknown ids).
  const client = await authenticateClient(request, params, deps.db)
  log.debug({ clientId: client.clientId }, 'introspection by a client')
  return { kind: 'client', client }
}
