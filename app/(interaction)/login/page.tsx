// The login page: /login?request=<sealed pending authorization> when an app sent the person,
// /login?returnTo=/path for the portal's own pages.
import type { Metadata } from 'next'
import { Card, PageTitle } from '@/app/ui'
import { DEFAULT_RETURN_TO, sanitizeReturnTo } from '@/lib/security/return-to'
import { clientDisplayName, requirePending, single } from '../interaction'
import { LoginForm } from './LoginForm'

export const metadata: Metadata = { title: 'Sign in' }
// Reads the request on every hit; never prerendered or cached.
export const dynamic = 'force-dynamic'

interface LoginPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  const params = await searchParams
  const sealed = single(params.request)
  const pending = sealed ? await requirePending(sealed) : undefined
  const appName = pending ? await clientDisplayName(pending.request.clientId) : undefined

  return (
    <div className="mx-auto w-full max-w-md">
      <PageTitle description={appName ? 'Use your Token Service account.' : 'Sign in to your Token Service account.'}>
        {appName ? <>Sign in to continue to {appName}</> : 'Sign in'}
      </PageTitle>
      <Card>
        <LoginForm
          request={sealed}
          returnTo={sealed ? undefined : sanitizeReturnTo(single(params.returnTo), DEFAULT_RETURN_TO)}
          loginHint={pending?.request.loginHint}
        />
      </Card>
      {appName && (
        <p className="mt-6 text-sm text-slate-600">
          After you sign in, {appName} may ask for your permission before it gets any of your information.
        </p>
      )}
    </div>
  )
}
