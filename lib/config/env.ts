// Server settings, read once from the environment (and `.env`), validated, and frozen.
// The two secrets are generated into the data folder on first use, so the embedded
// default needs no set-up; operators of a fleet set them in the environment instead.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { log } from '../log'

const DAY = 86_400

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback)
/** A count that may be 0 (0 turns the limit off). */
const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback)
/** A failure limit: at least 1, or nobody could ever try. */
const limit = (fallback: number) => z.coerce.number().int().positive().default(fallback)
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes')

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z.string().startsWith('file:').optional(),
  COOKIE_SECRET: z.string().min(32).optional(),
  KEY_ENCRYPTION_SECRET: z.string().min(32).optional(),
  SEED_DEMO: flag(true),
  KEY_ROTATION_INTERVAL: seconds(90 * DAY),
  KEY_PROPAGATION_TIME: seconds(14 * DAY),
  KEY_RETENTION_DURATION: seconds(14 * DAY),
  REFRESH_TOKEN_REUSE_GRACE_PERIOD: z.coerce.number().int().min(0).default(60),
  GRANT_CLEANUP_INTERVAL: seconds(3600),
  GRANT_CLEANUP_BATCH_SIZE: z.coerce.number().int().positive().default(100),
  SESSION_LIFETIME: seconds(14 * DAY),
  CONFIG_CACHE_SECONDS: z.coerce.number().int().min(0).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Throttling (lib/security/throttle.ts; README "Security"). Per-minute limits: 0 = off.
  RATE_LIMIT_STORE: z.enum(['memory', 'database']).default('memory'),
  TOKEN_RATE_LIMIT_PER_MINUTE: count(6000),
  INTROSPECTION_RATE_LIMIT_PER_MINUTE: count(6000),
  REVOCATION_RATE_LIMIT_PER_MINUTE: count(6000),
  LOGIN_FAILURES_PER_ACCOUNT_AND_IP: limit(5),
  LOGIN_FAILURES_PER_ACCOUNT: limit(50),
  LOGIN_FAILURES_PER_IP: limit(20),
  LOGIN_FAILURE_WINDOW: seconds(900),
  CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP: limit(10),
  CLIENT_AUTH_FAILURES_PER_CLIENT: limit(100),
  CLIENT_AUTH_FAILURES_PER_IP: limit(100),
  CLIENT_AUTH_FAILURE_WINDOW: seconds(900),
})

export interface Settings {
  port: number
  /** The interface to listen on. */
  host: string
  /** The public URL of this server, without a trailing slash. */
  issuer: string
  dataDir: string
  databaseUrl: string
  cookieSecret: string
  keyEncryptionSecret: string
  seedDemo: boolean
  keys: { rotationInterval: number; propagationTime: number; retentionDuration: number }
  refreshTokenReuseGracePeriod: number
  cleanup: { interval: number; batchSize: number }
  sessionLifetime: number
  configCacheSeconds: number
  logLevel: string
  throttle: ThrottleSettings
}

export interface FailureLimitSettings {
  /** Failures of one account (client) from one IP: locks that IP out of it for the window. */
  perSubjectAndIp: number
  /** Failures of one account (client) from all IPs together: the cap on distributed guessing. */
  perSubject: number
  /** Failures from one IP, whatever the account (client). */
  perIp: number
  windowSeconds: number
}

export interface ThrottleSettings {
  /** Where the counters live: this process, or the RateLimiterFlexible table (shared by processes). */
  store: 'memory' | 'database'
  /** Requests per minute; 0 = no limit. */
  tokenPerMinute: number
  introspectionPerMinute: number
  revocationPerMinute: number
  login: FailureLimitSettings
  clientAuth: FailureLimitSettings
}

let cached: Settings | undefined

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  if (cached && env === process.env) return cached
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid server settings: ${problems}`)
  }
  const e = parsed.data
  const dataDir = path.resolve(e.DATA_DIR)
  const generated = e.COOKIE_SECRET && e.KEY_ENCRYPTION_SECRET ? undefined : generatedSecrets(dataDir)
  const settings: Settings = Object.freeze({
    port: e.PORT,
    host: e.HOST,
    issuer: (e.ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${path.join(dataDir, 'tokenservice.db')}`,
    cookieSecret: e.COOKIE_SECRET ?? generated!.cookieSecret,
    keyEncryptionSecret: e.KEY_ENCRYPTION_SECRET ?? generated!.keyEncryptionSecret,
    seedDemo: e.SEED_DEMO,
    keys: {
      rotationInterval: e.KEY_ROTATION_INTERVAL,
      propagationTime: e.KEY_PROPAGATION_TIME,
      retentionDuration: e.KEY_RETENTION_DURATION,
    },
    refreshTokenReuseGracePeriod: e.REFRESH_TOKEN_REUSE_GRACE_PERIOD,
    cleanup: { interval: e.GRANT_CLEANUP_INTERVAL, batchSize: e.GRANT_CLEANUP_BATCH_SIZE },
    sessionLifetime: e.SESSION_LIFETIME,
    configCacheSeconds: e.CONFIG_CACHE_SECONDS,
    logLevel: e.LOG_LEVEL,
    throttle: {
      store: e.RATE_LIMIT_STORE,
      tokenPerMinute: e.TOKEN_RATE_LIMIT_PER_MINUTE,
      introspectionPerMinute: e.INTROSPECTION_RATE_LIMIT_PER_MINUTE,
      revocationPerMinute: e.REVOCATION_RATE_LIMIT_PER_MINUTE,
      login: {
        perSubjectAndIp: e.LOGIN_FAILURES_PER_ACCOUNT_AND_IP,
        perSubject: e.LOGIN_FAILURES_PER_ACCOUNT,
        perIp: e.LOGIN_FAILURES_PER_IP,
        windowSeconds: e.LOGIN_FAILURE_WINDOW,
      },
      clientAuth: {
        perSubjectAndIp: e.CLIENT_AUTH_FAILURES_PER_CLIENT_AND_IP,
        perSubject: e.CLIENT_AUTH_FAILURES_PER_CLIENT,
        perIp: e.CLIENT_AUTH_FAILURES_PER_IP,
        windowSeconds: e.CLIENT_AUTH_FAILURE_WINDOW,
      },
    },
  })
  if (env === process.env) cached = settings
  return settings
}

interface GeneratedSecrets {
  cookieSecret: string
  keyEncryptionSecret: string
}

/** Reads data/secrets.json, creating it (exclusively, so concurrent starts agree) when absent. */
function generatedSecrets(dataDir: string): GeneratedSecrets {
  const file = path.join(dataDir, 'secrets.json')
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true })
    const fresh: GeneratedSecrets = {
      cookieSecret: randomBytes(32).toString('base64url'),
      keyEncryptionSecret: randomBytes(32).toString('base64url'),
    }
    try {
      writeFileSync(file, JSON.stringify(fresh, null, 2) + '\n', { flag: 'wx', mode: 0o600 })
      log.warn({ file }, 'generated the cookie and key-encryption secrets; set COOKIE_SECRET and KEY_ENCRYPTION_SECRET to manage them yourself')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets
}
