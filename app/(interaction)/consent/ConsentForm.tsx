'use client'
import { useActionState, useEffect, useRef } from 'react'
import { Button, Card, Notice } from '@/app/ui'
import type { ConsentView, ScopeItem } from '@/lib/oidc/interaction/consent'
import { useHardNavigation } from '../use-hard-navigation'
import { decideConsent, type ConsentState } from './actions'

export interface ConsentFormProps {
  request: string
  appName: string
  view: ConsentView
  allowRemember: boolean
}

export function ConsentForm({ request, appName, view, allowRemember }: ConsentFormProps) {
  const [state, formAction, pending] = useActionState<ConsentState, FormData>(decideConsent, {})
  const errorRef = useRef<HTMLDivElement>(null)
  useHardNavigation(state.redirectTo)
  useEffect(() => {
    if (state.error) errorRef.current?.focus()
  }, [state])
  const busy = pending || !!state.redirectTo

  return (
    <form action={formAction} className="space-y-6">
      {state.error && (
        <div ref={errorRef} tabIndex={-1} className="focus:outline-none">
          <Notice tone="error">{state.error}</Notice>
        </div>
      )}
      <input type="hidden" name="request" value={request} />

      {view.identity.length > 0 && (
        <ScopeGroup id="identity" legend="Your information" lead={`${appName} will be able to see:`} items={view.identity} />
      )}
      {view.api.length > 0 && (
        <ScopeGroup id="api" legend="Access to services" lead={`${appName} will be able to use these on your behalf:`} items={view.api} />
      )}
      {view.offlineAccess && (
        <ScopeGroup
          id="offline"
          legend="Offline access"
          lead={`${appName} also asks to keep this access when you are not using it, until you revoke it on your account page.`}
          items={[view.offlineAccess]}
        />
      )}

      {allowRemember && (
        <div className="flex items-start gap-3">
          <input
            id="consent-remember"
            type="checkbox"
            name="remember"
            aria-describedby="consent-remember-hint"
            className="mt-1 size-4 shrink-0 accent-indigo-700 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
          />
          <div>
            <label htmlFor="consent-remember" className="text-sm font-medium text-slate-900">
              Remember my decision
            </label>
            <p id="consent-remember-hint" className="text-sm text-slate-600">
              {appName} will not ask again for these permissions. You can withdraw them on your account page.
            </p>
          </div>
        </div>
      )}

      {/* Allow first in the DOM too, so focus order follows what the eye sees. */}
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="submit" name="decision" value="allow" disabled={busy} className="sm:min-w-28">
          Allow
        </Button>
        <Button type="submit" name="decision" value="deny" variant="secondary" disabled={busy} className="sm:min-w-28">
          Deny
        </Button>
      </div>
    </form>
  )
}

function ScopeGroup({ id, legend, lead, items }: { id: string; legend: string; lead: string; items: ScopeItem[] }) {
  return (
    <Card>
      <fieldset>
        <legend className="text-lg font-semibold text-slate-900">{legend}</legend>
        <p className="mt-1 text-sm text-slate-600">{lead}</p>
        <ul className="mt-4 space-y-4">
          {items.map((item) => {
            const inputId = `scope-${id}-${item.name}`
            const descriptionId = item.description ? `${inputId}-description` : undefined
            return (
              <li key={item.name} className="flex items-start gap-3" data-scope={item.name}>
                {/* Required scopes come with any "allow" (the server adds them); shown ticked and fixed. */}
                <input
                  id={inputId}
                  type="checkbox"
                  name={item.required ? undefined : 'scope'}
                  value={item.name}
                  defaultChecked
                  disabled={item.required}
                  aria-describedby={descriptionId}
                  className="mt-1 size-4 shrink-0 accent-indigo-700 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-indigo-700 disabled:opacity-70"
                />
                <div>
                  <label htmlFor={inputId} className={item.emphasize ? 'font-semibold text-slate-900' : 'font-medium text-slate-900'}>
                    {item.displayName}
                    {item.required && <span className="ml-2 text-sm font-normal text-slate-600">(required)</span>}
                  </label>
                  {item.description && (
                    <p id={descriptionId} className="text-sm text-slate-600">
                      {item.description}
                    </p>
                  )}
                </div>
              </li>
            )
          })}
        </ul>
      </fieldset>
    </Card>
  )
}
