// A labelled input with optional hint and error text, wired for screen readers:
// the label names the input, aria-describedby reads hint and error, aria-invalid marks it.
import type { InputHTMLAttributes } from 'react'
import { cx } from './cx'

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string
  label: string
  hint?: string
  /** Shown under the input and announced; marks the input invalid. */
  error?: string
}

export function Field({ name, label, hint, error, id, className, ...input }: FieldProps) {
  const inputId = id ?? `field-${name}`
  const hintId = hint ? `${inputId}-hint` : undefined
  const errorId = error ? `${inputId}-error` : undefined
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined
  return (
    <div className={cx('space-y-1', className)}>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-900">
        {label}
      </label>
      <input
        id={inputId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={cx(
          'block w-full rounded-md border bg-white px-3 py-2 text-base text-slate-900 shadow-sm placeholder:text-slate-500',
          'focus-visible:outline-3 focus-visible:outline-offset-1 focus-visible:outline-indigo-700',
          error ? 'border-red-700' : 'border-slate-400',
        )}
        {...input}
      />
      {hint && (
        <p id={hintId} className="text-sm text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  )
}
