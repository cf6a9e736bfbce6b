'use client'
import { useActionState } from 'react'
import { Button } from '@/app/ui'
import { useHardNavigation } from '../use-hard-navigation'
import { logoutAction, type LogoutState } from './actions'

const initial: LogoutState = {}

export function LogoutForm({ sealed }: { sealed?: string }) {
  const [state, formAction, pending] = useActionState(logoutAction, initial)
  useHardNavigation(state.redirectTo)
  return (
    <form action={formAction} className="flex flex-wrap gap-3">
      {sealed && <input type="hidden" name="request" value={sealed} />}
      <Button type="submit" name="decision" value="logout" variant="primary" disabled={pending}>
        Yes, sign me out
      </Button>
      <Button type="submit" name="decision" value="cancel" variant="secondary" disabled={pending}>
        Cancel
      </Button>
    </form>
  )
}
