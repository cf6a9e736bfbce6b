// GET|POST /connect/userinfo (OpenID Connect Core 1.0 §5.3); every other method answers 405.
export const dynamic = 'force-dynamic'
export {
  userInfoEndpoint as GET,
  userInfoEndpoint as POST,
  userInfoMethodNotAllowed as PUT,
  userInfoMethodNotAllowed as PATCH,
  userInfoMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/userinfo/handler'
