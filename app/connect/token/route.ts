// POST /connect/token; every other method answers 405.
export const dynamic = 'force-dynamic'
export {
  tokenEndpoint as POST,
  tokenMethodNotAllowed as GET,
  tokenMethodNotAllowed as PUT,
  tokenMethodNotAllowed as PATCH,
  tokenMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/token/handler'
