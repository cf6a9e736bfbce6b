import { describe, expect, it } from 'vitest'
import { refuseMalformedFormBody } from './form-body'

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request('http://localhost/login', { method: 'POST', body, headers })
const form = (entries: Record<string, string>) => {
  const data = new FormData()
  for (const [name, value] of Object.entries(entries)) data.append(name, value)
  return data
}

async function expectRefused(request: Request) {
  const response = await refuseMalformedFormBody(request)
  expect(response?.status).toBe(400)
  expect(response?.headers.get('cache-control')).toBe('no-store')
  expect(await response?.text()).toBe('The form data is malformed.\n')
}

describe('refuseMalformedFormBody: multipart', () => {
  it('lets a well-formed multipart body and other content types through', async () => {
    expect(await refuseMalformedFormBody(post(form({ username: 'alice' })))).toBeNull()
    expect(await refuseMalformedFormBody(post('a=b', { 'content-type': 'application/x-www-form-urlencoded' }))).toBeNull()
    expect(await refuseMalformedFormBody(post('{', { 'content-type': 'application/json' }))).toBeNull()
    expect(await refuseMalformedFormBody(new Request('http://localhost/login'))).toBeNull()
  })

  it.each([
    ['no boundary', 'multipart/form-data', '--x\r\n'],
    ['another boundary', 'multipart/form-data; boundary=xyz', '--abc\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--abc--\r\n'],
    ['a truncated body', 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1'],
  ])('answers 400 for %s', async (_name, type, body) => {
    await expectRefused(post(body, { 'content-type': type }))
  })

  it('leaves the body readable for the next reader', async () => {
    const request = post(form({ username: 'alice' }))
    await refuseMalformedFormBody(request)
    expect((await request.formData()).get('username')).toBe('alice')
  })
})

describe('refuseMalformedFormBody: server-action calls (Next-Action)', () => {
  const action = { 'next-action': '40ab' }

  it('lets React replies through: JSON text, or multipart with a JSON root in field "0"', async () => {
    expect(await refuseMalformedFormBody(post('["$K1"]', { ...action, 'content-type': 'text/plain;charset=UTF-8' }))).toBeNull()
    expect(await refuseMalformedFormBody(post(form({ '0': '[{},"$K1"]', '1_username': 'alice' }), action))).toBeNull()
  })

  it.each([
    ['garbage text', () => post('garbage{{', { ...action, 'content-type': 'text/plain' })],
    ['an empty body', () => post('', action)],
    ['a form without the root field', () => post(form({ sid: 'x' }), action)],
    ['a root that is not JSON', () => post(form({ '0': '[' }), action)],
  ])('answers 400 for %s', async (_name, request) => {
    await expectRefused(request())
  })
})
