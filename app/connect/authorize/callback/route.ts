// GET /connect/authorize/callback — where the login and consent pages return (lib/oidc/endpoints/authorize/handler.ts)
export const dynamic = 'force-dynamic'
export { authorizeCallbackEndpoint as GET } from '@/lib/oidc/endpoints/authorize/handler'
