import { describe, expect, it } from 'vitest'
import { merge } from './merge'

describe('merge', () => {
  it('gives what a spread of the same sources gives: members, values and order', () => {
    const claims = { sub: 'alice', name: 'Alice', iss: 'old', nested: { a: 1 } }
    const cases: (Record<string, unknown> | undefined)[][] = [
      [claims, { iss: 'new', exp: 1 }],
      [undefined, { iss: 'new', exp: 1 }],
      [{ 'Content-Type': 'a' }, Object.freeze({ 'Cache-Control': 'no-store' }), undefined, { 'Content-Type': 'b', Pragma: 'no-cache' }],
      [{}, {}],
    ]
    for (const sources of cases) {
      const spread = sources.reduce<Record<string, unknown>>((all, next) => ({ ...all, ...next }), {})
      const merged = merge<Record<string, unknown>>(...sources)
      expect(Object.entries(merged)).toEqual(Object.entries(spread))
      expect(JSON.stringify(merged)).toBe(JSON.stringify(spread))
      expect(Object.isFrozen(merged)).toBe(false)
    }
    expect(merge<Record<string, unknown>>(claims, { exp: 1 }).nested).toBe(claims.nested)
  })

  it('keeps an own "__proto__" member as a member, as a spread does', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "sub": "alice"}') as Record<string, unknown>
    const merged = merge<Record<string, unknown>>(parsed, { active: true })
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined()
    expect(Object.keys(merged)).toEqual(['__proto__', 'sub', 'active'])
    expect(JSON.stringify(merged)).toBe(JSON.stringify({ ...parsed, active: true }))
  })
})
