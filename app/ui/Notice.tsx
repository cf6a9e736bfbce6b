import type { ReactNode } from 'react'
import { cx } from './cx'

export type NoticeTone = 'info' | 'success' | 'warning' | 'error'

const tones: Record<NoticeTone, string> = {
  info: 'border-sky-300 bg-sky-50 text-sky-900',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  error: 'border-red-300 bg-red-50 text-red-900',
}

export interface NoticeProps {
  tone?: NoticeTone
  title?: ReactNode
  children?: ReactNode
  className?: string
}

/** A message box. Errors are announced at once (role=alert); the rest politely (role=status). */
export function Notice({ tone = 'info', title, children, className }: NoticeProps) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={cx('rounded-md border p-4 text-sm', tones[tone], className)}>
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={title ? 'mt-1' : undefined}>{children}</div>}
    </div>
  )
}
