// POST /demo/logout (the demo relying party; see lib/demo/handlers.ts).
export const dynamic = 'force-dynamic'
export { demoLogout as POST, demoMethodNotAllowed as GET } from '@/lib/demo/handlers'
