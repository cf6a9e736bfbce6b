import { describe, expect, it } from 'vitest'
import { planKeys, validateKeySettings, type KeyFacts } from './key-timeline'

const DAY = 86_400
const MS_DAY = DAY * 1000
const settings = { rotationInterval: 90 * DAY, propagationTime: 14 * DAY, retentionDuration: 14 * DAY }
const T0 = Date.UTC(2026, 0, 1)
const at = (days: number) => T0 + days * MS_DAY
const key = (generation: number, createdDay: number, algorithm: KeyFacts['algorithm'] = 'RS256'): KeyFacts => ({
  kid: `${algorithm}-${generation}`,
  algorithm,
  generation,
  createdAt: new Date(at(createdDay)),
})

describe('planKeys', () => {
  it('asks for a key per algorithm when none is stored', () => {
    const plan = planKeys([], ['RS256', 'ES256'], settings, at(0))
    expect(plan.needsNewKey).toEqual(['RS256', 'ES256'])
    expect(plan.signing.size).toBe(0)
  })

  it('lets the first key sign at once and publishes it', () => {
    const plan = planKeys([key(1, 0)], ['RS256'], settings, at(0))
    expect(plan.signing.get('RS256')).toBe('RS256-1')
    expect(plan.published).toEqual(['RS256-1'])
    expect(plan.needsNewKey).toEqual([])
  })

  it('asks for a successor once the newest key is rotationInterval − propagationTime old', () => {
    expect(planKeys([key(1, 0)], ['RS256'], settings, at(76) - 1).needsNewKey).toEqual([])
    expect(planKeys([key(1, 0)], ['RS256'], settings, at(76)).needsNewKey).toEqual(['RS256'])
  })

  it('announces a successor without letting it sign during the propagation time', () => {
    const keys = [key(1, 0), key(2, 76)]
    const plan = planKeys(keys, ['RS256'], settings, at(90) - 1)
    expect(plan.signing.get('RS256')).toBe('RS256-1')
    expect(plan.published).toEqual(['RS256-1', 'RS256-2'])
    expect(plan.nextChangeAt).toBe(at(90))
  })

  it('switches to the successor when it activates, and keeps the old key published for the retention', () => {
    const keys = [key(1, 0), key(2, 76)]
    const switched = planKeys(keys, ['RS256'], settings, at(90))
    expect(switched.signing.get('RS256')).toBe('RS256-2')
    expect(switched.published).toEqual(['RS256-1', 'RS256-2'])
    const lastDay = planKeys(keys, ['RS256'], settings, at(104) - 1)
    expect(lastDay.published).toContain('RS256-1')
    const gone = planKeys(keys, ['RS256'], settings, at(104))
    expect(gone.published).toEqual(['RS256-2'])
    expect(gone.removable).toEqual(['RS256-1'])
  })

  it('describes each key with its announce, activate, retire and remove times', () => {
    const [first, second] = planKeys([key(1, 0), key(2, 76)], ['RS256'], settings, at(80)).timelines
    expect(first).toMatchObject({ createdAt: at(0), activatesAt: at(0), retiresAt: at(90), removedAt: at(104) })
    expect(second).toMatchObject({ createdAt: at(76), activatesAt: at(90), retiresAt: Infinity, removedAt: Infinity })
  })

  it('keeps the old key signing past its rotation until a late successor has propagated', () => {
    // The process was down from day 70 to day 100: the successor is created late.
    const keys = [key(1, 0), key(2, 100)]
    expect(planKeys(keys, ['RS256'], settings, at(113)).signing.get('RS256')).toBe('RS256-1')
    expect(planKeys(keys, ['RS256'], settings, at(114)).signing.get('RS256')).toBe('RS256-2')
  })

  it('lets the surviving key sign at once when the older ones were deleted (compromise)', () => {
    const plan = planKeys([key(2, 76)], ['RS256'], settings, at(80))
    expect(plan.signing.get('RS256')).toBe('RS256-2')
  })

  it('plans each algorithm on its own', () => {
    const plan = planKeys([key(1, 0, 'RS256'), key(1, 50, 'ES256')], ['RS256', 'ES256'], settings, at(76))
    expect(plan.needsNewKey).toEqual(['RS256'])
    expect(plan.signing.get('ES256')).toBe('ES256-1')
  })

  it('is the same for every caller with the same rows and clock (order of rows does not matter)', () => {
    const keys = [key(3, 152), key(1, 0), key(2, 76)]
    const a = planKeys(keys, ['RS256'], settings, at(170))
    const b = planKeys([...keys].reverse(), ['RS256'], settings, at(170))
    expect(a.signing.get('RS256')).toBe('RS256-3')
    expect(b.signing).toEqual(a.signing)
    expect(b.published).toEqual(a.published)
  })
})

describe('validateKeySettings', () => {
  it('refuses a rotation interval not longer than the propagation time', () => {
    expect(() => validateKeySettings({ ...settings, rotationInterval: 14 * DAY })).toThrow(/KEY_ROTATION_INTERVAL/)
    expect(() => validateKeySettings(settings)).not.toThrow()
  })
})
