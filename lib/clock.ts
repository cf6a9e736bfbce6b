// The one source of "now" for the engine. Tests move it; production never does.
let offsetMs = 0
let fixed: number | undefined

export function nowMs(): number {
  return fixed ?? Date.now() + offsetMs
}

export function now(): Date {
  return new Date(nowMs())
}

/** Seconds since the epoch, as JWT NumericDate. */
export function epochSeconds(): number {
  return Math.floor(nowMs() / 1000)
}

/** Test helpers: freeze the clock, or move it forward. */
export const testClock = {
  set(date: Date | number | undefined): void {
    fixed = date === undefined ? undefined : +date
  },
  advance(seconds: number): void {
    if (fixed !== undefined) fixed += seconds * 1000
    else offsetMs += seconds * 1000
  },
  reset(): void {
    fixed = undefined
    offsetMs = 0
  },
}
