import type { ReactNode } from 'react'

export interface PageTitleProps {
  children: ReactNode
  description?: ReactNode
}

/** The page's one h1, with an optional lead paragraph. */
export function PageTitle({ children, description }: PageTitleProps) {
  return (
    <div className="mb-8">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">{children}</h1>
      {description && <p className="mt-3 max-w-2xl text-lg text-slate-700">{description}</p>}
    </div>
  )
}
