// POST /demo/login (the demo relying party; see lib/demo/handlers.ts).
export const dynamic = 'force-dynamic'
export { demoLogin as POST, demoMethodNotAllowed as GET } from '@/lib/demo/handlers'
