// /demo: a sample relying party living inside the portal. It signs in through the portal's
// discovery document with openid-client (lib/demo), like any other application would.
import type { Metadata } from 'next'
import { cookies } from 'next/headers'
import { Button, Card, Notice, PageTitle } from '@/app/ui'
import { loadSettings } from '@/lib/config/env'
import { DEMO_CLIENT_ID, DEMO_SCOPE } from '@/lib/demo/config'
import { DEMO_COOKIE_NAME } from '@/lib/demo/state'
import { demoView, type DemoView } from '@/lib/demo/view'
import { ROUTES } from '@/lib/oidc/routes'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Demo app' }

const ERRORS: Record<string, string> = {
  access_denied: 'You declined the request on the consent page, so the demo app received no tokens.',
  discovery_failed: 'The demo app could not read the discovery document of this server. Check the ISSUER setting: the server must be reachable at that address.',
  no_login_in_progress: 'The demo app had no sign-in in progress in this browser (it may have expired). Start again.',
  login_required: 'The server asked for a sign-in.',
  invalid_client: 'The server did not accept the demo client. Is the demo configuration seeded (SEED_DEMO=true)?',
  unauthorized_client: 'The server did not accept the demo client. Is the demo configuration seeded (SEED_DEMO=true)?',
}

export default async function DemoPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const view = await demoView((await cookies()).get(DEMO_COOKIE_NAME)?.value)
  const rawError = (await searchParams).error
  const error = typeof rawError === 'string' && /^[A-Za-z0-9_]{1,64}$/.test(rawError) ? rawError : undefined

  return (
    <>
      <PageTitle description="A sample application (a “relying party”) that signs you in through this server with OpenID Connect, then shows what it received. It lives in the portal, but it talks to the server only over HTTP, as any other app would.">
        Demo app
      </PageTitle>
      {error && (
        <Notice tone="error" className="mb-6" title="Sign-in did not complete">
          {ERRORS[error] ?? 'The sign-in failed.'} <code className="ml-1">{error}</code>
        </Notice>
      )}
      {view.signedIn ? <SignedIn view={view} /> : <SignedOut showAccounts={loadSettings().seedDemo} />}
    </>
  )
}

function SignedOut({ showAccounts }: { showAccounts: boolean }) {
  return (
    <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
      <Card
        id="how"
        title="What happens when you sign in"
        actions={
          <form method="post" action="/demo/login">
            <Button type="submit" variant="primary">
              Sign in with Token Service
            </Button>
          </form>
        }
      >
        <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
          <li>
            The demo app reads the server’s <a className="text-indigo-700 underline" href={ROUTES.discovery}>discovery document</a> and
            sends your browser to <code>{ROUTES.authorize}</code> as client <code>{DEMO_CLIENT_ID}</code>, asking for{' '}
            <code>{DEMO_SCOPE}</code>, with a PKCE challenge (S256), a <code>state</code> and a <code>nonce</code>.
          </li>
          <li>You sign in on the server’s login page and allow the app on its consent page.</li>
          <li>
            The server redirects back to <code>/demo/callback</code> with a one-time code. The app exchanges it at{' '}
            <code>{ROUTES.token}</code> (with its client secret and the PKCE verifier) for an identity token and an access token,
            and checks the identity token’s signature, issuer, audience and nonce.
          </li>
          <li>
            It calls <code>{ROUTES.userinfo}</code> with the access token, and shows you everything below.
          </li>
        </ol>
      </Card>
      {showAccounts && (
      <Card id="accounts" title="Demo accounts" description="Seeded on the first start (turn off with SEED_DEMO=false).">
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="font-medium">alice</dt>
          <dd>
            <code>alice-password</code>
          </dd>
          <dt className="font-medium">bob</dt>
          <dd>
            <code>bob-password</code>
          </dd>
        </dl>
      </Card>
      )}
    </div>
  )
}

function SignedIn({ view }: { view: DemoView }) {
  const name = typeof view.userinfo?.claims?.name === 'string' ? view.userinfo.claims.name : (view.identityClaims?.sub as string | undefined)
  return (
    <div className="space-y-6">
      <Notice tone="success" title={`Signed in${name ? ` as ${name}` : ''}`}>
        The demo app holds an identity token and an access token{view.hasRefreshToken ? ' and a refresh token' : ''}
        {view.scope ? (
          <>
            {' '}
            for <code>{view.scope}</code>
          </>
        ) : null}
        .
      </Notice>
      <div className="flex flex-wrap gap-3">
        <form method="post" action="/demo/userinfo">
          <Button type="submit" variant="secondary">
            Call userinfo again
          </Button>
        </form>
        <form method="post" action="/demo/logout">
          <Button type="submit" variant="danger">
            Sign out
          </Button>
        </form>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card id="id-token" title="Identity token claims" description="Who signed in, when and how: a JWT signed by the server, validated by the app.">
          <Claims value={view.identityClaims} />
        </Card>
        <Card
          id="access-token"
          title="Access token claims"
          description={
            view.accessToken?.kind === 'jwt'
              ? 'A JWT access token (RFC 9068) for the APIs named in aud. The app does not need to read it; APIs do.'
              : undefined
          }
        >
          {view.accessToken?.kind === 'jwt' ? (
            <Claims value={view.accessToken.claims} />
          ) : (
            <p className="text-sm text-slate-700">
              Reference token — opaque. Its claims stay on the server; an API looks them up at the introspection endpoint.
            </p>
          )}
        </Card>
        <Card
          id="userinfo"
          title="Userinfo response"
          description={view.userinfo ? `From ${ROUTES.userinfo} at ${new Date(view.userinfo.at).toISOString()}` : undefined}
          className="lg:col-span-2"
        >
          {view.userinfo?.error ? (
            <Notice tone="error" title="The userinfo call failed">
              <code>{view.userinfo.error}</code>
            </Notice>
          ) : (
            <Claims value={view.userinfo?.claims} />
          )}
        </Card>
      </div>
    </div>
  )
}

function Claims({ value }: { value: Record<string, unknown> | undefined }) {
  if (!value) return <p className="text-sm text-slate-600">Nothing yet.</p>
  return (
    <pre className="overflow-x-auto rounded-md bg-slate-900 p-4 text-sm text-slate-100" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  )
}
