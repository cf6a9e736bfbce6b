import { describe, expect, it } from 'vitest'
import { hashHandle, newHandle, randomBase64url, randomBuffer } from './handles'

describe('random handles', () => {
  it('are base64url of the asked number of bytes, and never repeat across pool refills', () => {
    const seen = new Set<string>()
    // 2,000 × 16 bytes spans several 4 KiB blocks.
    for (let i = 0; i < 2000; i++) {
      const id = randomBase64url(16)
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
      seen.add(id)
    }
    expect(seen.size).toBe(2000)
    expect(newHandle()).toMatch(/^[A-Za-z0-9_-]{43}$/) // 256 bits
    expect(randomBase64url(4096)).toHaveLength(5462) // larger than a block: drawn on its own
  })

  it('use every byte value (not a constant or a wiped pool)', () => {
    const bytes = Buffer.concat(Array.from({ length: 200 }, () => Buffer.from(randomBase64url(32), 'base64url')))
    expect(new Set(bytes).size).toBeGreaterThan(200)
    expect(hashHandle('x')).toBe('LXEWQrcmsEQBYnyp-6wy9chTD7GQPMTbAiWHF5IaSIE')
  })

  it('also hand out raw bytes (IVs): fresh copies, never the same bytes twice', () => {
    const ivs = Array.from({ length: 1000 }, () => randomBuffer(12))
    expect(ivs.every((iv) => iv.length === 12)).toBe(true)
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(1000)
    const first = ivs[0]!.toString('hex')
    randomBase64url(2048) // later draws (and a refill) do not change a buffer already handed out
    randomBuffer(4000)
    expect(ivs[0]!.toString('hex')).toBe(first)
    expect(randomBuffer(5000)).toHaveLength(5000)
  })
})
