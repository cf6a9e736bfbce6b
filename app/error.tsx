'use client'
// Shown when a page fails unexpectedly. It never shows the error's message or stack (they
// may carry internals); the digest is a hash that matches the server's log entry.
import { ButtonLink, Button, PageTitle } from './ui'

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : undefined
  return (
    <div className="max-w-xl">
      <title>Something went wrong · Token Service</title>
      <PageTitle description="The server could not complete this request. Try again, or start over from the home page.">
        Something went wrong
      </PageTitle>
      {digest && (
        <p className="mb-6 text-sm text-slate-600">
          Reference for support: <code>{digest}</code>
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
        <ButtonLink href="/">Go to the home page</ButtonLink>
      </div>
    </div>
  )
}
