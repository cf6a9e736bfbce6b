// POST /connect/revocation (RFC 7009); every other method answers 405.
export const dynamic = 'force-dynamic'
export {
  revocationEndpoint as POST,
  revocationMethodNotAllowed as GET,
  revocationMethodNotAllowed as PUT,
  revocationMethodNotAllowed as PATCH,
  revocationMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/revocation/handler'
