import { describe, expect, it } from 'vitest'
import { checkClient } from './check-client'
import { params, testClient } from './test-client'

const clients = {
  web: testClient(),
  off: testClient({ clientId: 'off', enabled: false }),
  machine: testClient({ clientId: 'machine', allowedGrantTypes: ['client_credentials'] }),
}
const find = async (id: string) => (clients as Record<string, ReturnType<typeof testClient>>)[id] ?? null

describe('checkClient', () => {
  it('returns a known, enabled client allowed the code flow', async () => {
    expect((await checkClient(params({ client_id: 'web' }), find)).clientId).toBe('web')
  })

  it.each([
    ['missing client_id', {}, 'invalid_request'],
    ['unknown client', { client_id: 'nobody' }, 'invalid_client'],
    ['disabled client', { client_id: 'off' }, 'invalid_client'],
    ['client without authorization_code', { client_id: 'machine' }, 'unauthorized_client'],
    ['absurdly long client_id', { client_id: 'x'.repeat(201) }, 'invalid_client'],
  ])('%s → %s', async (_name, values, code) => {
    await expect(checkClient(params(values), find)).rejects.toMatchObject({ code })
  })
})
