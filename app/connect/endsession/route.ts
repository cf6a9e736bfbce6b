// GET|POST /connect/endsession (OpenID Connect RP-Initiated Logout 1.0); every other method answers 405.
export const dynamic = 'force-dynamic'
export {
  endSessionEndpoint as GET,
  endSessionEndpoint as POST,
  endSessionMethodNotAllowed as PUT,
  endSessionMethodNotAllowed as PATCH,
  endSessionMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/end-session/handler'
