// Buttons and button-styled links. Hook-free, so server pages, server-action forms and
// client components can all use them.
import type { AnchorHTMLAttributes, ButtonHTMLAttributes } from 'react'
import { cx } from './cx'

export type ButtonVariant = 'primary' | 'secondary' | 'danger'

const base =
  'inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold shadow-sm transition-colors ' +
  'focus-visible:outline-3 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-60'

// Each pairing keeps text contrast at 4.5:1 or better (WCAG 2.2 AA).
const variants: Record<ButtonVariant, string> = {
  primary: 'bg-indigo-700 text-white hover:bg-indigo-800 focus-visible:outline-indigo-700',
  secondary: 'border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 focus-visible:outline-indigo-700',
  danger: 'bg-red-700 text-white hover:bg-red-800 focus-visible:outline-red-700',
}

export function buttonClasses(variant: ButtonVariant = 'primary', className?: string): string {
  return cx(base, variants[variant], className)
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant
}

/** A `<button>`; `type` defaults to "button" so a stray button never submits a form. */
export function Button({ variant = 'primary', className, type = 'button', ...rest }: ButtonProps) {
  return <button type={type} className={buttonClasses(variant, className)} {...rest} />
}

export interface ButtonLinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  href: string
  variant?: ButtonVariant
}

/** A plain `<a>` that looks like a button (full page load: protocol URLs are not React pages). */
export function ButtonLink({ variant = 'secondary', className, ...rest }: ButtonLinkProps) {
  return <a className={buttonClasses(variant, className)} {...rest} />
}
