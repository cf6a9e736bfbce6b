import { describe, expect, it } from 'vitest'
import { rejectRegistration } from './reject-registration'
import { rejectRequestObject } from './reject-request-object'
import { params } from './test-client'

describe('rejectRequestObject / rejectRegistration', () => {
  it.each([
    [rejectRequestObject, 'request', 'request_not_supported'],
    [rejectRequestObject, 'request_uri', 'request_uri_not_supported'],
    [rejectRegistration, 'registration', 'registration_not_supported'],
  ] as const)('%o: %s → %s', (check, name, code) => {
    expect(() => check(params({ [name]: 'x' }))).toThrow(expect.objectContaining({ code }))
    expect(() => check(params({ state: 'x' }))).not.toThrow()
  })
})
