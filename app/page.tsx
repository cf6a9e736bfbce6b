// Home: what this server is, and where to go from here.
import { ROUTES } from '@/lib/oidc/routes'
import { ButtonLink, Card, PageTitle } from './ui'

const tokens = [
  {
    title: 'Identity tokens',
    body: 'Signed JWTs that tell an application who signed in, when and how (OpenID Connect Core 1.0).',
  },
  {
    title: 'Access tokens',
    body: 'For calling APIs. Either self-contained JWTs, checked against the published signing keys, or short reference handles that an API looks up at the introspection endpoint and that can be revoked at once.',
  },
  {
    title: 'Refresh tokens',
    body: 'Long-lived and revocable: they let an application get new access tokens without asking the user again.',
  },
]

const endpoints = [
  { label: 'Authorization', path: ROUTES.authorize },
  { label: 'Token', path: ROUTES.token },
  { label: 'UserInfo', path: ROUTES.userinfo },
  { label: 'Introspection', path: ROUTES.introspect },
  { label: 'Revocation', path: ROUTES.revocation },
  { label: 'End session', path: ROUTES.endSession },
  { label: 'Signing keys (JWKS)', path: ROUTES.jwks },
]

export default function HomePage() {
  return (
    <>
      <PageTitle description="An OAuth 2.0 authorization server and OpenID Connect provider. Applications send their users here to sign in, and get back tokens they can verify.">
        Token Service
      </PageTitle>

      <section aria-labelledby="start-here" className="mb-12">
        <h2 id="start-here" className="sr-only">
          Start here
        </h2>
        <div className="grid gap-4 md:grid-cols-3">
          <Card
            title="Demo app"
            description="A sample client: sign in through this server and look at the tokens it receives."
            actions={
              <ButtonLink href="/demo" variant="primary">
                Open the demo app
              </ButtonLink>
            }
          />
          <Card
            title="Your account"
            description="See which applications you have allowed to act for you, and revoke their access."
            actions={<ButtonLink href={ROUTES.account}>Go to your account</ButtonLink>}
          />
          <Card
            title="Discovery"
            description="The machine-readable description of this server: endpoints, supported flows and keys."
            actions={<ButtonLink href={ROUTES.discovery}>View the discovery document</ButtonLink>}
          />
        </div>
      </section>

      <section aria-labelledby="tokens" className="mb-12">
        <h2 id="tokens" className="text-2xl font-semibold tracking-tight">
          What it issues
        </h2>
        <dl className="mt-4 grid gap-4 md:grid-cols-3">
          {tokens.map((token) => (
            <div key={token.title} className="rounded-lg border border-slate-200 bg-white p-5">
              <dt className="font-semibold text-slate-900">{token.title}</dt>
              <dd className="mt-2 text-sm text-slate-700">{token.body}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="endpoints">
        <h2 id="endpoints" className="text-2xl font-semibold tracking-tight">
          Endpoints
        </h2>
        <p className="mt-2 text-slate-700">
          Clients should read these from the{' '}
          <a href={ROUTES.discovery} className="text-indigo-700 underline hover:text-indigo-900">
            discovery document
          </a>{' '}
          rather than hard-code them.
        </p>
        <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {endpoints.map((endpoint) => (
            <li key={endpoint.path} className="flex flex-wrap items-center justify-between gap-2 px-5 py-3">
              <span className="font-medium">{endpoint.label}</span>
              <code className="break-all text-slate-700">{endpoint.path}</code>
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}
