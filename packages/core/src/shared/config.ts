import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

/** Thrown when the environment is wrong; the message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol)
      } catch {
        return false
      }
    }, `must be a URL starting with ${protocols.join(' or ')}`)

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema.optional())

/** Every environment variable the project reads, in one place. docs/configuration.md lists them. */
export const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'production', 'test']).default('development'),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  PUBLIC_URL: optional(url(['http:', 'https:'])),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  MONGODB_URI: optional(url(['mongodb:', 'mongodb+srv:'])),
  REDIS_URL: optional(url(['redis:', 'rediss:'])),
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('KlosetStore <no-reply@kloset.local>')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
})

export type Env = z.infer<typeof envSchema>

export interface AuthSettings {
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  verifyTokenTtlSeconds: number
  resetTokenTtlSeconds: number
  /** argon2id cost: memory in KiB, iterations, lanes. Defaults are the OWASP floor. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
  loginLimit: { perAccount: number; perIp: number; windowSeconds: number }
  mailLimit: { perAddress: number; windowSeconds: number }
}

export interface Config {
  env: Env['NODE_ENV']
  port: number
  publicUrl: string
  dataDir: string
  mongodbUri?: string
  databaseName: string
  redisUrl?: string
  smtpUrl?: string
  mailFrom: string
  logLevel: Env['LOG_LEVEL']
  jwtSecret: string
  jwtIssuer: string
  jwtAudience: string
  auth: AuthSettings
}

export const defaultAuthSettings: AuthSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  verifyTokenTtlSeconds: 24 * 3600,
  resetTokenTtlSeconds: 3600,
  argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  loginLimit: { perAccount: 5, perIp: 50, windowSeconds: 15 * 60 },
  mailLimit: { perAddress: 3, windowSeconds: 15 * 60 },
}

interface LocalSecrets {
  jwtSecret: string
}

/** Secrets for the embedded default: generated once, kept in the data directory, never in code. */
function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets
  mkdirSync(dataDir, { recursive: true })
  const secrets: LocalSecrets = { jwtSecret: randomBytes(48).toString('base64url') }
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
    return secrets
  } catch {
    // Another process wrote it first: use theirs.
    return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets
  }
}

function databaseNameOf(uri: string | undefined): string {
  if (!uri) return 'kloset'
  const path = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.replace(/^\//, '')
  return path || 'kloset'
}

/**
 * Reads and validates the environment once.
 * @throws ConfigError naming each wrong or missing variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const env = parsed.data
  if (env.NODE_ENV === 'production') {
    const missing = (['JWT_SECRET', 'MONGODB_URI', 'PUBLIC_URL', 'SMTP_URL'] as const).filter(
      (name) => !env[name],
    )
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((n) => `  ${n}: required when NODE_ENV=production`).join('\n')}`,
      )
    }
  }
  const dataDir = resolve(env.DATA_DIR)
  const jwtSecret = env.JWT_SECRET ?? localSecrets(dataDir).jwtSecret
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '')
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    publicUrl,
    dataDir,
    ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
    databaseName: databaseNameOf(env.MONGODB_URI),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
    mailFrom: env.MAIL_FROM,
    logLevel: env.LOG_LEVEL,
    jwtSecret,
    jwtIssuer: publicUrl,
    jwtAudience: 'kloset-api',
    auth: defaultAuthSettings,
  }
}
