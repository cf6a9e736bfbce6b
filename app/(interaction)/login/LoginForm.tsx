'use client'
import { useActionState, useEffect, useRef } from 'react'
import { Button, Field, Notice } from '@/app/ui'
import { useHardNavigation } from '../use-hard-navigation'
import { signIn, type LoginState } from './actions'

export interface LoginFormProps {
  /** The sealed pending authorization, when an app sent the person here. */
  request?: string
  /** Where to go after signing in, when no app is waiting (already sanitised). */
  returnTo?: string
  /** login_hint from the app: pre-fills the username. */
  loginHint?: string
}

export function LoginForm({ request, returnTo, loginHint }: LoginFormProps) {
  const [state, formAction, pending] = useActionState<LoginState, FormData>(signIn, {})
  const errorRef = useRef<HTMLDivElement>(null)
  useHardNavigation(state.redirectTo)

  // Move focus to the message so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (state.error) errorRef.current?.focus()
  }, [state])

  const username = state.username ?? loginHint
  return (
    <form action={formAction} className="space-y-5">
      {state.error && (
        <div ref={errorRef} tabIndex={-1} className="focus:outline-none">
          <Notice tone="error" title={state.throttled ? 'Please wait' : undefined}>
            {state.error}
          </Notice>
        </div>
      )}
      {request ? <input type="hidden" name="request" value={request} /> : <input type="hidden" name="returnTo" value={returnTo ?? ''} />}
      <Field
        name="username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        required
        defaultValue={username}
        autoFocus={!username}
      />
      <Field name="password" type="password" label="Password" autoComplete="current-password" required autoFocus={!!username} />
      <Button type="submit" className="w-full" disabled={pending || !!state.redirectTo}>
        {pending || state.redirectTo ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  )
}
