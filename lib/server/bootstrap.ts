// Work done once per process before it serves: keys, demo data, background jobs.
import type { Settings } from '../config/env'

/** Returns a function that stops the background jobs it started. */
export async function bootstrap(settings: Settings): Promise<() => void> {
  void settings
  return () => {}
}
