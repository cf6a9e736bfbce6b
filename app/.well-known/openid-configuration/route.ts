export const dynamic = 'force-dynamic'
export {
  discoveryEndpoint as GET,
  discoveryMethodNotAllowed as POST,
  discoveryMethodNotAllowed as PUT,
  discoveryMethodNotAllowed as PATCH,
  discoveryMethodNotAllowed as DELETE,
} from '@/lib/oidc/endpoints/discovery/handler'
