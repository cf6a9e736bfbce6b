// /logout?request=<sealed>: "Sign out of Token Service?" (RP-Initiated Logout 1.0 §2: the OP
// asks the person first when the request does not prove who is being signed out). Also
// reachable without a request, as the portal's own sign-out page.
import type { Metadata } from 'next'
import { Card, Notice, PageTitle } from '@/app/ui'
import { unsealLogoutRequest } from '@/lib/oidc/interaction/logout-seal'
import { getSignedInSession } from '@/lib/session/next'
import { findUserBySubject } from '@/lib/stores/users'
import { single } from '../interaction'
import { LogoutForm } from './LogoutForm'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Sign out' }

export default async function LogoutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sealed = single((await searchParams).request)
  const pending = await unsealLogoutRequest(sealed)
  const session = await getSignedInSession()
  const user = session ? await findUserBySubject(session.subjectId) : null
  const appName = pending?.clientName?.trim() || pending?.clientId
  const displayName = user && (typeof user.claims.name === 'string' && user.claims.name.trim() ? `${user.claims.name} (${user.username})` : user.username)

  return (
    <div className="mx-auto w-full max-w-xl">
      <PageTitle description={appName ? `${appName} asked to sign you out.` : undefined}>Sign out of Token Service?</PageTitle>
      {sealed && !pending && (
        <Notice tone="warning" className="mb-6" title="This sign-out request has expired">
          You can still sign out here; you will not be sent back to the application.
        </Notice>
      )}
      <Card
        title={displayName ? `You are signed in as ${displayName}` : 'You are not signed in'}
        description={
          displayName
            ? 'Signing out ends your session here: applications will ask you to sign in again the next time they send you to Token Service.'
            : 'There is no session to end, but you can confirm to continue.'
        }
      >
        <LogoutForm sealed={pending ? sealed : undefined} />
      </Card>
    </div>
  )
}
