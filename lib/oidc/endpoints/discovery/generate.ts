// The discovery document: OpenID Connect Discovery 1.0 §3 and RFC 8414 §2. It advertises
// only what this server does; every capability adds itself to FEATURES below.
import type { ApiScopeConfig, IdentityResourceConfig } from '../../../config/model'
import { SIGNING_ALGORITHMS } from '../../../config/model'
import { absoluteUrl, ROUTES } from '../../routes'

export interface DiscoveryInput {
  issuer: string
  apiScopes: readonly ApiScopeConfig[]
  identityResources: readonly IdentityResourceConfig[]
}

// ==================================================================================
// FEATURES — the one place a landing feature adds its discovery metadata.
// Add the member(s) when the endpoint or capability exists, never before:
//   authorize           authorization_endpoint: url(ROUTES.authorize),
//                       response_types_supported: ['code'],
//                       response_modes_supported: ['query', 'form_post'],
//                       grant_types_supported: + 'authorization_code',
//                       authorization_response_iss_parameter_supported: true,  (RFC 9207)
//                       claims_parameter_supported / request_parameter_supported: false,
//   PKCE                code_challenge_methods_supported: ['S256'],            (RFC 7636)
//   refresh tokens      grant_types_supported: + 'refresh_token',
//   userinfo            userinfo_endpoint: url(ROUTES.userinfo),
//   introspection       introspection_endpoint: url(ROUTES.introspect),        (RFC 8414 §2)
//                       introspection_endpoint_auth_methods_supported: [...],
//   revocation          revocation_endpoint: url(ROUTES.revocation),
//                       revocation_endpoint_auth_methods_supported: [...],
//   end session         end_session_endpoint: url(ROUTES.endSession),          (RP-Initiated Logout §2.1)
//                       frontchannel_logout_supported / backchannel_... when they exist.
// ==================================================================================
function features(url: (route: string) => string) {
  return {
    token_endpoint: url(ROUTES.token),
    // 'none': public clients (requireClientSecret false) authenticate with client_id + PKCE.
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    // ---- authorize (lib/oidc/endpoints/authorize) ----
    authorization_endpoint: url(ROUTES.authorize),
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    authorization_response_iss_parameter_supported: true, // RFC 9207 §3
    // Only S256: `plain` is a per-client opt-in (allowPlainTextPkce) for legacy clients; a
    // client that reads discovery should use S256 (RFC 7636 §4.2, RFC 9700 §2.1.1).
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    // Discovery 1.0 §3: request_uri_parameter_supported defaults to true, so say false.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    // ---- end authorize ----
    userinfo_endpoint: url(ROUTES.userinfo),
    end_session_endpoint: url(ROUTES.endSession),
    // ---- token lifecycle (lib/oidc/endpoints/{introspect,revocation}) ----
    // RFC 8414 §2. Introspection callers are APIs or clients, always with a secret; revocation
    // callers authenticate as at the token endpoint (public clients with client_id alone).
    introspection_endpoint: url(ROUTES.introspect),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint: url(ROUTES.revocation),
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    // ---- end token lifecycle ----
  }
}
// ==================================================================================

/**
 * scopes_supported: identity resources shown in discovery (offline_access is one of them)
 * and API scopes; claims_supported: their user claims and `sub` (Duende does the same).
 */
export function generateDiscoveryDocument(input: DiscoveryInput): Record<string, unknown> {
  const url = (route: string) => absoluteUrl(input.issuer, route)
  const identity = input.identityResources.filter((r) => r.enabled && r.showInDiscoveryDocument)
  const scopes = unique([...identity.map((r) => r.name), ...input.apiScopes.filter((s) => s.enabled).map((s) => s.name)])
  const claims = unique(['sub', ...identity.flatMap((r) => r.userClaims)])
  return {
    issuer: input.issuer,
    jwks_uri: url(ROUTES.jwks),
    ...features(url),
    scopes_supported: scopes,
    claims_supported: claims,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
