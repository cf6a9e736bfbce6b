// Where a sign-out ends when no registered post_logout_redirect_uri was asked for.
import type { Metadata } from 'next'
import { ButtonLink, Card, PageTitle } from '@/app/ui'

export const metadata: Metadata = { title: 'Signed out' }

export default function LoggedOutPage() {
  return (
    <div className="mx-auto w-full max-w-xl">
      <PageTitle description="Your session at Token Service has ended.">You are signed out</PageTitle>
      <Card
        description="Applications you used may keep their own sessions until you sign out of them too or they expire."
        actions={
          <>
            <ButtonLink href="/" variant="primary">
              Go to the home page
            </ButtonLink>
            <ButtonLink href="/demo">Open the demo app</ButtonLink>
          </>
        }
      />
    </div>
  )
}
