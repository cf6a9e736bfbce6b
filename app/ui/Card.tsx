import type { ReactNode } from 'react'
import { cx } from './cx'

export interface CardProps {
  /** Rendered as an h2 that also labels the card's region. */
  title?: ReactNode
  description?: ReactNode
  /** Buttons or links shown under the body. */
  actions?: ReactNode
  className?: string
  children?: ReactNode
  /** Needed for aria-labelledby when the page has several cards with a title. */
  id?: string
}

export function Card({ title, description, actions, className, children, id }: CardProps) {
  const headingId = title && id ? `${id}-title` : undefined
  return (
    <section
      id={id}
      aria-labelledby={headingId}
      className={cx('rounded-lg border border-slate-200 bg-white p-6 shadow-sm', className)}
    >
      {title && (
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
      )}
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      {children && <div className={title || description ? 'mt-4' : undefined}>{children}</div>}
      {actions && <div className="mt-6 flex flex-wrap gap-3">{actions}</div>}
    </section>
  )
}
