// Issuing the authorization code once decide() says so (Duende's AuthorizeResponseGenerator).
// Each code starts a family: an Authorization row that every token issued from the code will
// point at, so a replayed code can take all of them back (RFC 6749 §4.1.2).
import type { ClientConfig } from '../../../config/model'
import type { Db } from '../../../db/client'
import { log } from '../../../log'
import type { SignInSession } from '../../../session/types'
import { createAuthorization } from '../../../stores/authorizations'
import { storeCode } from '../../../stores/codes'
import { newHandle } from '../../../tokens/handles'
import type { ValidatedAuthorizationRequest } from './request'

export interface CodeIssue {
  request: ValidatedAuthorizationRequest
  client: ClientConfig
  session: SignInSession
  /** The granted scopes (decide() may have narrowed them to what the person consented to). */
  scopes: string[]
}

/** Returns the code (256 random bits; only its SHA-256 is stored). */
export async function issueAuthorizationCode({ request, client, session, scopes }: CodeIssue, database?: Db): Promise<string> {
  const authorizationId = await createAuthorization({ clientId: client.clientId, subjectId: session.subjectId, sessionId: session.sid, scopes }, database)
  const code = newHandle()
  await storeCode(
    code,
    {
      clientId: client.clientId,
      subjectId: session.subjectId,
      sessionId: session.sid,
      authorizationId,
      redirectUri: request.redirectUri,
      scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      nonce: request.nonce,
      authTime: Math.floor(session.authTime.getTime() / 1000),
      amr: session.amr,
    },
    client.authorizationCodeLifetime,
    database,
  )
  log.info({ clientId: client.clientId, sub: session.subjectId, sid: session.sid, authorizationId, scopes }, 'authorization code issued')
  return code
}
