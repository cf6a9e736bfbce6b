// GET /demo/callback: the demo relying party's redirect_uri (see lib/demo/handlers.ts).
export const dynamic = 'force-dynamic'
export { demoCallback as GET } from '@/lib/demo/handlers'
