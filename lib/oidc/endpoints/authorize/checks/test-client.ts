// A ClientConfig for the pure check tests (Duende's defaults, from lib/test-support/clients.ts).
import type { ClientConfig } from '../../../../config/model'
import { testClientRecord } from '../../../../test-support/clients'
import { paramsFrom, type Params } from '../../../params'

export function testClient(overrides: Partial<ClientConfig> = {}): ClientConfig {
  return { ...testClientRecord('web'), secrets: [], ...overrides }
}

export function params(values: Record<string, string>): Params {
  return paramsFrom(new URLSearchParams(values))
}
