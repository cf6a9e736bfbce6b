// @ts-check
// Pages get their security headers here; protocol endpoints set theirs in lib/oidc/http.ts
// (so they are the same whether Next.js or the bare node:http router serves them).

/** Content Security Policy for pages: no framing, scripts only from this origin. */
const csp = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self' http: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ')

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build folder lets several builds (parallel test runs) coexist.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and WebAssembly packages load from node_modules at run time, not from the bundle.
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', '@node-rs/argon2', 'pino', '@prisma/schema-engine-wasm'],
  async headers() {
    return [
      {
        // Not on /connect/authorize*: its form_post page sends its own, stricter CSP (only its
        // inline script, by hash), which this one would replace.
        source: '/:path((?!connect/authorize).*)',
        headers: [{ key: 'Content-Security-Policy', value: csp }],
      },
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          // Not no-referrer: a browser then sends `Origin: null` on same-origin form posts, and
          // Next.js rejects such server-action posts (the sign-in and consent forms without
          // JavaScript). same-origin still sends nothing to other sites.
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
    ]
  },
}

export default nextConfig
