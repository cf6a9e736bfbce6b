// /account: the apps a signed-in person has given access to (and the button that takes it
// back), and the places they are signed in. Rendered per request for that person only.
import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { Button, Card, Notice, PageTitle } from '@/app/ui'
import { describeUserAgent } from '@/lib/account/user-agent'
import { describeScopes } from '@/lib/oidc/interaction/consent'
import { ROUTES } from '@/lib/oidc/routes'
import { getSignedInSession } from '@/lib/session/next'
import { listAppAccess, type AppAccess } from '@/lib/stores/account'
import { findClient } from '@/lib/stores/clients'
import { loadResourceCatalog } from '@/lib/stores/resources'
import { listSessionsForUser } from '@/lib/stores/sessions'
import { findUserBySubject } from '@/lib/stores/users'
import { endSessionAction, revokeAppAction, signOutEverywhereAction } from './actions'

export const metadata: Metadata = { title: 'Your account' }
export const dynamic = 'force-dynamic'

interface AccountPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

function When({ date }: { date: Date }) {
  return <time dateTime={date.toISOString()}>{dateFormat.format(date)} UTC</time>
}

export default async function AccountPage({ searchParams }: AccountPageProps) {
  const session = await getSignedInSession()
  if (!session) redirect(`${ROUTES.login}?${new URLSearchParams({ returnTo: ROUTES.account })}`)
  const params = await searchParams

  const [user, apps, sessions, catalog] = await Promise.all([
    findUserBySubject(session.subjectId),
    listAppAccess(session.subjectId),
    listSessionsForUser(session.subjectId),
    loadResourceCatalog(),
  ])
  const appViews = await Promise.all(
    apps.map(async (app) => {
      const client = await findClient(app.clientId)
      const view = describeScopes(app.scopes, catalog)
      return {
        app,
        name: client?.clientName?.trim() || app.clientId,
        access: [...view.identity, ...view.api].map((s) => s.displayName),
        offline: view.offlineAccess !== undefined,
      }
    }),
  )
  const displayName = typeof user?.claims.name === 'string' && user.claims.name.trim() ? `${user.claims.name} (${user.username})` : user?.username
  const notice = await noticeFor(params)

  return (
    <>
      <PageTitle description={<>Signed in as <strong className="font-semibold text-slate-900">{displayName}</strong>.</>}>Your account</PageTitle>
      {notice && <Notice tone="success" className="mb-6">{notice}</Notice>}

      <div className="grid gap-8">
        <Card id="apps" title="Apps with access to your account" description="Apps you allowed to act for you. Revoking takes back everything at once: the app must ask you again, and its tokens stop working.">
          {appViews.length === 0 ? (
            <p className="text-sm text-slate-700">No app has access to your account.</p>
          ) : (
            <ul className="divide-y divide-slate-200">
              {appViews.map(({ app, name, access, offline }) => (
                <li key={app.clientId} className="py-5 first:pt-0 last:pb-0">
                  <AppEntry app={app} name={name} access={access} offline={offline} />
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card
          id="sessions"
          title="Where you're signed in"
          description="Browsers and devices signed in to this account. Ending a session signs that browser out; apps you gave offline access keep it until you revoke them above."
          actions={
            <form action={signOutEverywhereAction}>
              <Button type="submit" variant="danger">
                Sign out everywhere
              </Button>
            </form>
          }
        >
          <ul className="divide-y divide-slate-200">
            {sessions.map((s) => {
              const device = describeUserAgent(s.userAgent)
              const current = s.sid === session.sid
              return (
                <li key={s.sid} className="flex flex-wrap items-center justify-between gap-3 py-4 first:pt-0 last:pb-0">
                  <div>
                    <p className="font-medium text-slate-900">
                      {device}
                      {current && <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">This device</span>}
                    </p>
                    <p className="text-sm text-slate-700">
                      {s.ipAddress ?? 'Unknown address'} · last seen <When date={s.lastSeenAt} /> · signed in <When date={s.createdAt} />
                    </p>
                  </div>
                  <form action={endSessionAction}>
                    <input type="hidden" name="sid" value={s.sid} />
                    <Button type="submit" variant="secondary" aria-label={`End session on ${device}${current ? ' (this device)' : ''}`}>
                      End session
                    </Button>
                  </form>
                </li>
              )
            })}
          </ul>
        </Card>
      </div>
    </>
  )
}

function AppEntry({ app, name, access, offline }: { app: AppAccess; name: string; access: string[]; offline: boolean }) {
  return (
    <article aria-label={name} className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0 flex-1">
        <h3 className="text-base font-semibold text-slate-900">{name}</h3>
        <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-700 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-900">Can access</dt>
          <dd>
            {access.join(', ') || 'Nothing beyond signing you in'}
            {offline && <> — and keeps access while you are away</>}
          </dd>
          <dt className="font-medium text-slate-900">Access granted</dt>
          <dd>
            <When date={app.grantedAt} />
          </dd>
          <dt className="font-medium text-slate-900">Last used</dt>
          <dd>{app.lastUsedAt ? <When date={app.lastUsedAt} /> : 'Not yet'}</dd>
          <dt className="font-medium text-slate-900">Refresh token expires</dt>
          <dd>{app.refreshTokenExpiresAt === 'never' ? 'Never' : app.refreshTokenExpiresAt ? <When date={app.refreshTokenExpiresAt} /> : 'No refresh token'}</dd>
          <dt className="font-medium text-slate-900">Consent remembered</dt>
          <dd>{app.consentRemembered ? 'Yes: it will not ask again' : 'No'}</dd>
        </dl>
      </div>
      <form action={revokeAppAction}>
        <input type="hidden" name="clientId" value={app.clientId} />
        <Button type="submit" variant="danger">
          Revoke access for {name}
        </Button>
      </form>
    </article>
  )
}

/** The outcome of the last action, from fixed wording only (never text from the URL). */
async function noticeFor(params: Record<string, string | string[] | undefined>): Promise<string | undefined> {
  const done = typeof params.done === 'string' ? params.done : undefined
  if (done === 'session-ended') return 'The session was ended.'
  if (done !== 'revoked') return undefined
  const clientId = typeof params.app === 'string' ? params.app.slice(0, 200) : undefined
  const client = clientId ? await findClient(clientId) : null
  return client ? `Access for ${client.clientName?.trim() || client.clientId} was revoked.` : 'Access was revoked.'
}
