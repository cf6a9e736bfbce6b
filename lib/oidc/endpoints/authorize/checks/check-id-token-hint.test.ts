import { describe, expect, it, vi } from 'vitest'
import { checkIdTokenHint, type VerifyHint } from './check-id-token-hint'
import { params, testClient } from './test-client'

const client = testClient({ clientId: 'web' })
const returning = (payload: Record<string, unknown>): VerifyHint => async () => payload

describe('checkIdTokenHint', () => {
  it('is undefined without a hint, and verifies nothing', async () => {
    const verify = vi.fn<VerifyHint>()
    expect(await checkIdTokenHint(params({}), client, verify)).toBeUndefined()
    expect(verify).not.toHaveBeenCalled()
  })

  it('returns the sub of a hint issued to this client, accepting expired ones', async () => {
    const verify = vi.fn<VerifyHint>(returning({ sub: 'alice', aud: 'web' }))
    expect(await checkIdTokenHint(params({ id_token_hint: 'h' }), client, verify)).toBe('alice')
    expect(verify).toHaveBeenCalledWith('h', expect.objectContaining({ allowExpired: true, typ: 'JWT' }))
  })

  it('accepts an audience array containing the client', async () => {
    expect(await checkIdTokenHint(params({ id_token_hint: 'h' }), client, returning({ sub: 'alice', aud: ['other', 'web'] }))).toBe('alice')
  })

  it.each([
    ['another audience', { sub: 'alice', aud: 'other' }],
    ['no audience', { sub: 'alice' }],
    ['no sub', { aud: 'web' }],
    ['an empty sub', { sub: '', aud: 'web' }],
  ])('refuses a hint with %s', async (_name, payload) => {
    await expect(checkIdTokenHint(params({ id_token_hint: 'h' }), client, returning(payload))).rejects.toMatchObject({ code: 'invalid_request' })
  })

  it('refuses a hint that does not verify', async () => {
    const failing: VerifyHint = async () => {
      throw new Error('signature')
    }
    await expect(checkIdTokenHint(params({ id_token_hint: 'h' }), client, failing)).rejects.toMatchObject({ code: 'invalid_request' })
  })
})
