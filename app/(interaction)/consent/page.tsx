// The consent page: /consent?request=<sealed pending authorization>. Requires a signed-in
// session; shows the app's name and, in plain words, what it asks for.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { PageTitle } from '@/app/ui'
import { describeScopes } from '@/lib/oidc/interaction/consent'
import { getSignedInSession } from '@/lib/session/next'
import { findClient } from '@/lib/stores/clients'
import { loadResourceCatalog } from '@/lib/stores/resources'
import { findUserBySubject } from '@/lib/stores/users'
import { errorUrl, loginUrl, requirePending, single } from '../interaction'
import { ConsentForm } from './ConsentForm'

export const metadata: Metadata = { title: 'Allow access?' }
export const dynamic = 'force-dynamic'

interface ConsentPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

export default async function ConsentPage({ searchParams }: ConsentPageProps) {
  const sealed = single((await searchParams).request)
  const pending = await requirePending(sealed)
  const session = await getSignedInSession()
  if (!session) redirect(loginUrl(sealed!))
  const client = await findClient(pending.request.clientId)
  if (!client || !client.enabled) redirect(errorUrl('unauthorized_client'))

  const appName = client.clientName?.trim() || client.clientId
  const view = describeScopes(pending.request.scopes, await loadResourceCatalog())
  const user = await findUserBySubject(session.subjectId)
  const displayName = typeof user?.claims.name === 'string' && user.claims.name.trim() ? `${user.claims.name} (${user.username})` : user?.username

  return (
    <div className="mx-auto w-full max-w-xl">
      <PageTitle
        description={
          <>
            Signed in as <strong className="font-semibold text-slate-900">{displayName}</strong>. Not you?{' '}
            <a href={loginUrl(sealed!)} className="text-indigo-700 underline hover:text-indigo-900">
              Sign in as someone else
            </a>
          </>
        }
      >
        {appName} wants to access your account
      </PageTitle>
      <ConsentForm request={sealed!} appName={appName} view={view} allowRemember={client.allowRememberConsent} />
      <p className="mt-6 text-sm text-slate-600">
        Only allow access if you trust {appName}. You can withdraw it later on your account page.
      </p>
    </div>
  )
}
