import type { Metadata } from 'next'
import { ButtonLink, PageTitle } from './ui'

export const metadata: Metadata = { title: 'Page not found' }

export default function NotFound() {
  return (
    <div className="max-w-xl">
      <p className="mb-2 text-sm font-semibold text-indigo-700">404</p>
      <PageTitle description="There is nothing at this address. It may have moved, or the link may be mistyped.">
        Page not found
      </PageTitle>
      <ButtonLink href="/" variant="primary">
        Go to the home page
      </ButtonLink>
    </div>
  )
}
