'use client'
// See navigateAfterAction in ./interaction.ts: a full page load, never a client-side
// (RSC) navigation, so protocol endpoints are requested by the browser exactly once.
import { useEffect } from 'react'

export function useHardNavigation(location: string | undefined): void {
  useEffect(() => {
    // replace: the form that was just submitted is no use in the history.
    if (location) window.location.replace(location)
  }, [location])
}
