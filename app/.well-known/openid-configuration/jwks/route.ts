export const dynamic = 'force-dynamic'
export {
  jwksEndpoint as GET,
  jwksMethodNotAllowed as POST,
  jwksMethodNotAllowed as PUT,
  jwksMethodNotAllowed as PATCH,
  jwksMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/jwks/handler'
