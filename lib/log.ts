// One structured logger. Anything that could carry a secret is redacted by path, and
// callers never pass tokens, codes, secrets or passwords in the first place.
import pino from 'pino'

export const log = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'tokenservice' },
  redact: {
    paths: ['password', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'token', '*.password', '*.client_secret', '*.token'],
    censor: '[redacted]',
  },
})
