// The product shell around every page: skip link, header, main landmark, footer.
// Links are plain <a>: several targets are protocol endpoints or server-side redirects,
// not React pages, and a full page load keeps cookie and redirect handling simple.
import type { Metadata, Viewport } from 'next'
import { ROUTES } from '@/lib/oidc/routes'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Token Service', template: '%s · Token Service' },
  description: 'OAuth 2.0 and OpenID Connect token service',
  // Sign-in and consent pages are not for search engines.
  robots: { index: false, follow: false },
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#312e81' }

const nav = [
  { href: '/demo', label: 'Demo app' },
  { href: ROUTES.account, label: 'Account' },
  { href: ROUTES.discovery, label: 'Discovery' },
]

const navLink =
  'rounded-md px-2 py-1 font-medium text-indigo-100 hover:bg-indigo-800 hover:text-white focus-visible:outline-white'

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-screen flex-col bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="absolute left-4 top-4 z-50 -translate-y-[200%] rounded-md bg-white px-4 py-2 font-semibold text-indigo-800 shadow-lg focus:translate-y-0"
        >
          Skip to main content
        </a>
        <header className="bg-indigo-900 text-white">
          <div className="mx-auto flex w-full max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
            <a href="/" className="flex items-center gap-2 rounded-md text-lg font-bold tracking-tight focus-visible:outline-white">
              <KeyMark />
              Token Service
            </a>
            <nav aria-label="Main">
              <ul className="flex flex-wrap items-center gap-1 text-sm sm:gap-3">
                {nav.map((item) => (
                  <li key={item.href}>
                    <a href={item.href} className={navLink}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        {/* tabIndex -1: the skip link moves focus here, not just the scroll position. */}
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none sm:px-6 sm:py-12">
          {children}
        </main>
        <footer className="border-t border-slate-200 bg-white">
          <div className="mx-auto flex w-full max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-sm text-slate-600 sm:px-6">
            <p>Token Service · OAuth 2.0 and OpenID Connect</p>
            <p>
              <a href={ROUTES.discovery} className="text-indigo-700 underline hover:text-indigo-900">
                openid-configuration
              </a>
              {' · '}
              <a href={ROUTES.jwks} className="text-indigo-700 underline hover:text-indigo-900">
                jwks
              </a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  )
}

function KeyMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 fill-none stroke-current" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      <circle cx="8" cy="15" r="4" />
      <path d="M10.85 12.15 19 4M18 5l2 2M15 8l2 2" />
    </svg>
  )
}
