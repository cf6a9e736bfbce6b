// GET|POST /connect/authorize — lib/oidc/endpoints/authorize/handler.ts
export const dynamic = 'force-dynamic'
export { authorizeEndpoint as GET, authorizeEndpoint as POST } from '@/lib/oidc/endpoints/authorize/handler'
