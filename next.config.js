// @ts-check
// Pages get their security headers here; protocol endpoints set theirs in lib/oidc/http.ts
// (so they are the same whether Next.js or the bare node:http router serves them).
// Not HSTS: these headers are fixed when `next build` runs, and HSTS depends on the ISSUER the
// server runs with, so proxy.ts adds it per request (the rule of lib/oidc/http.ts).

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
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', '@node-rs/argon2', 'pino', '@prisma/schema-engine-wasm', 'rate-limiter-flexible'],
  async headers() {
    return [
      {
        // Pages only. Not on /connect/* and /.well-known/*: the protocol responses set their own
        // CSP and Referrer-Policy (lib/oidc/http.ts SECURITY_HEADERS; the form_post page a
        // stricter CSP allowing only its inline script), which these would replace when
        // Next.js serves them (PROTOCOL_FAST_PATH=false) but not on the fast path.
        source: '/:path((?!connect/|\\.well-known/).*)',
        headers: [
          { key: 'Content-Security-Policy', value: csp },
          // Not no-referrer: a browser then sends `Origin: null` on same-origin form posts, and
          // Next.js rejects such server-action posts (the sign-in and consent forms without
          // JavaScript). same-origin still sends nothing to other sites.
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
        ],
      },
      {
        // Everything, with the same values as SECURITY_HEADERS (so also Next.js's own answers,
        // such as a 405 for a method a route does not export).
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ]
  },
}

export default nextConfig
