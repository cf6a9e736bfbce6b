// POST /demo/userinfo (the demo relying party; see lib/demo/handlers.ts).
export const dynamic = 'force-dynamic'
export { demoUserInfo as POST, demoMethodNotAllowed as GET } from '@/lib/demo/handlers'
