// /error?error=<code>: where the authorization endpoint sends a person when it must not
// redirect to the application (the client or its redirect_uri could not be verified:
// RFC 6749 §4.1.2.1), or when a pending sign-in expired. The page says what happened in
// plain words and nothing more: the code selects one of a fixed set of messages and is
// never echoed as given (no reflected input, no internals).
import type { Metadata } from 'next'
import { ButtonLink, Notice, PageTitle } from '@/app/ui'

export const metadata: Metadata = { title: 'Sign-in problem' }
export const dynamic = 'force-dynamic'

interface Message {
  title: string
  body: string
}

const MESSAGES: Record<string, Message> = {
  invalid_client: {
    title: 'This application is not recognised',
    body: 'The application that sent you here is not registered with this server, or has been turned off. Nothing was shared with it.',
  },
  unauthorized_client: {
    title: 'This application cannot sign you in here',
    body: 'The application that sent you here is not allowed to ask for sign-in this way. Nothing was shared with it.',
  },
  invalid_request: {
    title: 'The sign-in link did not work',
    body: 'The link that brought you here was incomplete, not valid, or has expired. Go back to the application and start again.',
  },
  server_error: {
    title: 'Something went wrong on our side',
    body: 'We could not finish your request. Please go back to the application and try again in a moment.',
  },
  temporarily_unavailable: {
    title: 'The service is busy',
    body: 'We could not finish your request right now. Please go back to the application and try again in a moment.',
  },
}

const FALLBACK: Message = {
  title: 'Sign-in could not continue',
  body: 'The request that brought you here could not be completed. Go back to the application and try again.',
}

interface ErrorPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

export default async function ErrorPage({ searchParams }: ErrorPageProps) {
  const raw = (await searchParams).error
  const code = typeof raw === 'string' && Object.hasOwn(MESSAGES, raw) ? raw : undefined
  const message = code ? MESSAGES[code]! : FALLBACK
  return (
    <div className="mx-auto w-full max-w-xl">
      <PageTitle>{message.title}</PageTitle>
      <Notice tone="error" title="You have not been sent back to the application">
        <p>{message.body}</p>
      </Notice>
      <p className="mt-6 text-sm text-slate-600">
        If this keeps happening, tell the application&apos;s support team
        {code ? (
          <>
            {' '}
            the error code <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-800">{code}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-8">
        <ButtonLink href="/" variant="secondary">
          Go to the home page
        </ButtonLink>
      </div>
    </div>
  )
}
