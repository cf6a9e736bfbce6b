import { describe, expect, it } from 'vitest'
import type { SignInSession } from '../../../session/types'
import { testClient } from './checks/test-client'
import { decide, type Decision, type DecisionInput } from './decide'
import type { ConsentOutcome, ValidatedAuthorizationRequest } from './request'

const T0 = Date.parse('2030-01-01T12:00:00Z')
const MIN = 60_000
/** The request arrives at T0; decisions are made at NOW (after a possible sign-in). */
const NOW = T0 + 2 * MIN

const request = (overrides: Partial<ValidatedAuthorizationRequest> = {}): ValidatedAuthorizationRequest => ({
  clientId: 'web',
  redirectUri: 'https://web.example/cb',
  responseMode: 'query',
  scopes: ['openid', 'api1'],
  prompt: [],
  requestedAt: T0,
  ...overrides,
})

const session = (authTime: number, overrides: Partial<SignInSession> = {}): SignInSession => ({
  sid: 'sid-1',
  subjectId: 'alice',
  authTime: new Date(authTime),
  amr: ['pwd'],
  ipAddress: null,
  userAgent: null,
  createdAt: new Date(authTime),
  lastSeenAt: new Date(authTime),
  expiresAt: new Date(authTime + 24 * 60 * MIN),
  ...overrides,
})

const allow = (grantedScopes = ['openid', 'api1'], sid = 'sid-1'): ConsentOutcome => ({ sid, decision: 'allow', grantedScopes, remember: false })
const deny: ConsentOutcome = { sid: 'sid-1', decision: 'deny', grantedScopes: [], remember: false }

const noConsent = testClient({ requireConsent: false })
const withConsent = testClient({ requireConsent: true })
const noRemember = testClient({ requireConsent: true, allowRememberConsent: false })

/** What a decision looks like in the table: its kind, and the error code or granted scopes. */
function summary(decision: Decision): string {
  switch (decision.kind) {
    case 'login':
      return `login:${decision.reason}`
    case 'consent':
      return 'consent'
    case 'error':
      return `error:${decision.error.code}`
    case 'issue':
      return `issue:${decision.scopes.join(' ')}`
  }
}

type Row = [string, Partial<DecisionInput> & { request?: Partial<ValidatedAuthorizationRequest>; consent?: ConsentOutcome }, string]

const OLD = T0 - 60 * MIN // signed in an hour before the request
const FRESH = T0 + MIN // signed in after the request arrived

const rows: Row[] = [
  // sign-in
  ['no session → login', { session: null }, 'login:no_session'],
  ['no session, prompt=none → login_required', { session: null, request: { prompt: ['none'] } }, 'error:login_required'],
  ['an old session is enough without prompt/max_age', { session: session(OLD) }, 'issue:openid api1'],
  ['prompt=login with an old session → login', { session: session(OLD), request: { prompt: ['login'] } }, 'login:prompt_login'],
  ['prompt=select_account acts like login', { session: session(OLD), request: { prompt: ['select_account'] } }, 'login:prompt_login'],
  ['prompt=login satisfied by a sign-in after the request', { session: session(FRESH), request: { prompt: ['login'] } }, 'issue:openid api1'],
  ['prompt=login satisfied by a sign-in at the request instant', { session: session(T0), request: { prompt: ['login'] } }, 'issue:openid api1'],
  ['max_age=0 with an old session → login', { session: session(OLD), request: { maxAge: 0 } }, 'login:max_age'],
  ['max_age=0 satisfied by a sign-in after the request', { session: session(FRESH), request: { maxAge: 0 } }, 'issue:openid api1'],
  ['max_age larger than the session age → no login', { session: session(OLD), request: { maxAge: 3 * 3600 } }, 'issue:openid api1'],
  ['max_age exactly the session age → no login', { session: session(NOW - 300_000), request: { maxAge: 300 } }, 'issue:openid api1'],
  ['max_age one second short of the session age → login', { session: session(NOW - 300_000), request: { maxAge: 299 } }, 'login:max_age'],
  ['max_age exceeded with prompt=none → login_required', { session: session(OLD), request: { maxAge: 60, prompt: ['none'] } }, 'error:login_required'],
  ['prompt=none with a session → issue', { session: session(OLD), request: { prompt: ['none'] } }, 'issue:openid api1'],
  ['id_token_hint of the signed-in user → issue', { session: session(OLD), request: { idTokenHintSubject: 'alice' } }, 'issue:openid api1'],
  ['id_token_hint of another user → login', { session: session(OLD), request: { idTokenHintSubject: 'bob' } }, 'login:id_token_hint'],
  ['id_token_hint of another user, prompt=none → login_required', { session: session(OLD), request: { idTokenHintSubject: 'bob', prompt: ['none'] } }, 'error:login_required'],
  ['id_token_hint still another user after a fresh sign-in → login_required (no loop)', { session: session(FRESH), request: { idTokenHintSubject: 'bob' } }, 'error:login_required'],
  // consent
  ['client without requireConsent ignores prompt=consent', { client: noConsent, session: session(OLD), request: { prompt: ['consent'] } }, 'issue:openid api1'],
  ['requireConsent, nothing remembered → consent', { client: withConsent, session: session(OLD) }, 'consent'],
  ['requireConsent, nothing remembered, prompt=none → consent_required', { client: withConsent, session: session(OLD), request: { prompt: ['none'] } }, 'error:consent_required'],
  ['remembered consent covering the scopes → issue', { client: withConsent, session: session(OLD), rememberedScopes: ['openid', 'api1', 'profile'] }, 'issue:openid api1'],
  ['remembered consent covering the scopes, prompt=none → issue', { client: withConsent, session: session(OLD), rememberedScopes: ['openid', 'api1'], request: { prompt: ['none'] } }, 'issue:openid api1'],
  ['remembered consent missing a scope → consent', { client: withConsent, session: session(OLD), rememberedScopes: ['openid'] }, 'consent'],
  ['remembered consent, prompt=consent → consent', { client: withConsent, session: session(OLD), rememberedScopes: ['openid', 'api1'], request: { prompt: ['consent'] } }, 'consent'],
  ['remembered consent ignored when the client no longer allows remembering', { client: noRemember, session: session(OLD), rememberedScopes: ['openid', 'api1'] }, 'consent'],
  ['consent given in this session → issue', { client: withConsent, session: session(OLD), consent: allow() }, 'issue:openid api1'],
  ['consent given satisfies prompt=consent', { client: withConsent, session: session(OLD), consent: allow(), request: { prompt: ['consent'] } }, 'issue:openid api1'],
  ['consent for fewer scopes → issue those only, in request order', { client: withConsent, session: session(OLD), consent: allow(['api1']) }, 'issue:api1'],
  ['consent listing scopes never requested → only requested ones', { client: withConsent, session: session(OLD), consent: allow(['api1', 'openid', 'api2']) }, 'issue:openid api1'],
  ['consent granting nothing → access_denied', { client: withConsent, session: session(OLD), consent: allow([]) }, 'error:access_denied'],
  ['consent denied → access_denied', { client: withConsent, session: session(OLD), consent: deny }, 'error:access_denied'],
  ['a consent given while the client still required it keeps counting (fewer scopes)', { client: noConsent, session: session(OLD), consent: allow(['openid']) }, 'issue:openid'],
  ['consent denied, even for a client without requireConsent', { client: noConsent, session: session(OLD), consent: deny }, 'error:access_denied'],
  ['consent from another session does not count → consent', { client: withConsent, session: session(OLD, { sid: 'sid-2' }), consent: allow() }, 'consent'],
  ['a denial from another session does not count → consent', { client: withConsent, session: session(OLD, { sid: 'sid-2' }), consent: deny }, 'consent'],
  ['login comes before consent', { client: withConsent, session: null, consent: allow() }, 'login:no_session'],
  ['prompt=login consent, fresh sign-in, consent given → issue', { client: withConsent, session: session(FRESH), consent: allow(), request: { prompt: ['login', 'consent'] } }, 'issue:openid api1'],
]

describe('decide', () => {
  it.each(rows)('%s', (_name, input, expected) => {
    const { request: overrides, consent, ...rest } = input
    const decision = decide({
      pending: { request: request(overrides), ...(consent && { consent }) },
      client: noConsent,
      session: null,
      rememberedScopes: null,
      now: NOW,
      ...rest,
    })
    expect(summary(decision)).toBe(expected)
  })

  it('issues with the session it decided on', () => {
    const current = session(OLD)
    const decision = decide({ pending: { request: request() }, client: noConsent, session: current, rememberedScopes: null, now: NOW })
    expect(decision).toMatchObject({ kind: 'issue', session: current })
  })
})
