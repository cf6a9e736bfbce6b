// POST /connect/introspect (RFC 7662); every other method answers 405.
export const dynamic = 'force-dynamic'
export {
  introspectionEndpoint as POST,
  introspectionMethodNotAllowed as GET,
  introspectionMethodNotAllowed as PUT,
  introspectionMethodNotAllowed as PATCH,
  introspectionMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/introspect/handler'
