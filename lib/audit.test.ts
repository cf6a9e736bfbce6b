import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createAudit, withAuditContext, type AuditFields } from './audit'

/** An audit function whose log lines land in an array. */
function capture() {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) })
  return { audit: createAudit(logger), lines }
}

describe('audit', () => {
  it('writes one structured line per event: event, outcome, who, from where', () => {
    const { audit, lines } = capture()
    audit('token.issued', { outcome: 'success', client_id: 'web', sub: 'alice-sub', ip: '127.0.0.1', grant_type: 'authorization_code', scope: 'openid api1' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 30, audit: true, event: 'token.issued', msg: 'token.issued', outcome: 'success', client_id: 'web', sub: 'alice-sub', ip: '127.0.0.1', grant_type: 'authorization_code', scope: 'openid api1' })
  })

  it('logs security incidents at warn', () => {
    const { audit, lines } = capture()
    audit('refresh_token.reused', { outcome: 'failure', client_id: 'web' })
    audit('client_auth.failed', { outcome: 'failure', client_id: 'web' })
    audit('session.ended', { outcome: 'success', sub: 's' })
    expect(lines.map((l) => l.level)).toEqual([40, 40, 30])
  })

  it('keeps only its own fields, so a token passed by mistake never reaches the log', () => {
    const { audit, lines } = capture()
    const sloppy = { outcome: 'failure', client_id: 'web', refresh_token: 'SECRET-HANDLE', password: 'hunter2', detail: { code: 'SECRET-CODE' } } as unknown as AuditFields
    audit('token.failed', sloppy)
    const text = JSON.stringify(lines)
    expect(text).not.toContain('SECRET')
    expect(text).not.toContain('hunter2')
    expect(Object.keys(lines[0]!).sort()).toEqual(['audit', 'client_id', 'event', 'level', 'msg', 'outcome', 'pid', 'hostname', 'time'].sort())
  })

  it('cuts long values and drops empty ones', () => {
    const { audit, lines } = capture()
    audit('client_auth.failed', { outcome: 'failure', client_id: 'x'.repeat(10_000), sub: null, ip: undefined })
    expect(lines[0]!.client_id).toBe('x'.repeat(200))
    expect(lines[0]).not.toHaveProperty('sub')
    expect(lines[0]).not.toHaveProperty('ip')
  })

  it('takes the IP and endpoint from the request context unless given', async () => {
    const { audit, lines } = capture()
    await withAuditContext({ ip: '127.0.0.9', endpoint: 'token' }, async () => {
      await Promise.resolve()
      audit('token.issued', { outcome: 'success', client_id: 'a' })
      audit('token.issued', { outcome: 'success', client_id: 'b', ip: '127.0.0.10' })
      // Given, even as undefined or null, the event's own value wins (and an empty one is dropped).
      audit('token.issued', { outcome: 'success', client_id: 'd', ip: undefined, endpoint: 'other' })
      audit('token.issued', { outcome: 'success', client_id: 'e', ip: null })
    })
    audit('token.issued', { outcome: 'success', client_id: 'c' })
    expect(lines.map((l) => [l.client_id, l.ip, l.endpoint])).toEqual([
      ['a', '127.0.0.9', 'token'],
      ['b', '127.0.0.10', 'token'],
      ['d', undefined, 'other'],
      ['e', undefined, 'token'],
      ['c', undefined, undefined],
    ])
  })
})
