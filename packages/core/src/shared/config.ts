/*
 * Configuration, over 500 lines on purpose: `envSchema` is the one list of every environment
 * variable the project reads (docs/configuration.md follows it), and `loadConfig` turns each into
 * the settings a feature gets. Split by concern, a variable's parser, its settings type and its
 * mapping would sit in three files, and adding one setting would mean editing all three. What is
 * not configuration lives elsewhere (rate-limit defaults in abuse/route-limit-settings.ts).
 * Sections, in order: field parsers, envSchema, the settings types, secrets and Paystack modes,
 * loadConfig.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import {
  type AutoBlockSettings,
  defaultAutoBlocks,
  defaultRouteLimits,
  type RouteLimitSettings,
} from '../abuse/route-limit-settings.js'

/** Thrown when the environment is wrong; the message names every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol)
        } catch {
          return false
        }
      },
      `must be a URL starting with ${protocols.join(' or ')}`,
    )

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)

/** A 256-bit key written as 64 hex digits or as base64 / base64url; undefined otherwise. */
export function decodeKey256(value: string): Buffer | undefined {
  const text = value.trim()
  const bytes = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined
  return bytes?.length === 32 ? bytes : undefined
}

const key256 = z
  .string()
  .trim()
  .refine(
    (value) => decodeKey256(value) !== undefined,
    'must be 32 bytes, as 64 hex digits or base64',
  )
/** A comma-separated list; blanks around and between items are dropped. */
const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
)
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(emptyToUndefined, schema.optional())

/** Browser origins (`https://shop.example.com`: scheme, host, port; no path), comma-separated. */
const originList = commaList.refine(
  (origins) =>
    origins.length > 0 &&
    origins.every((origin) => {
      try {
        const parsed = new URL(origin)
        return ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === origin
      } catch {
        return false
      }
    }),
  { message: 'must be comma-separated origins like https://shop.example.com (no path)' },
)

/** An address, a CIDR range, or one of proxy-addr's names (TRUST_PROXY, AUTO_BLOCK_ALLOW). */
function isRangeOrName(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true
  const [address, prefix, ...rest] = item.split('/')
  const family = isIP(address ?? '')
  if (family === 0 || rest.length > 0) return false
  return (
    prefix === undefined ||
    (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
  )
}

const rateLimitCount = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(fallback))

/** Every environment variable the project reads, in one place. docs/configuration.md lists them. */
export const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'production', 'test']).default('development'),
  ),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(8080)),
  PUBLIC_URL: optional(url(['http:', 'https:'])),
  /** A separate storefront: links in emails and the Paystack return go there (docs/pages.md). */
  APP_URL: optional(url(['http:', 'https:'])),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  MONGODB_URI: optional(url(['mongodb:', 'mongodb+srv:'])),
  REDIS_URL: optional(url(['redis:', 'rediss:'])),
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z.string().default('KlosetStore <no-reply@kloset.local>'),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  CLOUDINARY_URL: optional(
    url(['cloudinary:']).refine((value) => {
      const parsed = new URL(value)
      return Boolean(parsed.username && parsed.password && parsed.hostname)
    }, 'must be cloudinary://<api_key>:<api_secret>@<cloud_name>'),
  ),
  /** Another Cloudinary API host (a local stand-in in tests); production leaves it unset. */
  CLOUDINARY_UPLOAD_PREFIX: optional(url(['http:', 'https:'])),
  /** Unset: `npm start` runs the local Paystack sandbox with a generated key (docs/paystack.md). */
  PAYSTACK_SECRET_KEY: optional(
    z
      .string()
      .trim()
      .regex(/^sk_(test|live)_[A-Za-z0-9_]+$/, 'must start with sk_test_ or sk_live_'),
  ),
  PAYSTACK_PUBLIC_KEY: optional(
    z
      .string()
      .trim()
      .regex(/^pk_(test|live)_[A-Za-z0-9_]+$/, 'must start with pk_test_ or pk_live_'),
  ),
  PAYSTACK_BASE_URL: optional(url(['http:', 'https:'])),
  PAYSTACK_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(120_000).default(10_000),
  ),
  PAYSTACK_SANDBOX_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  /** Comma-separated webhook source addresses to accept (Paystack publishes three). */
  /** Encrypts sellers' payout account numbers at rest (AES-256-GCM); docs/payments.md. */
  PAYOUT_ENCRYPTION_KEY: optional(key256),
  /** Earlier payout encryption keys, comma-separated: still read after a rotation. */
  PAYOUT_ENCRYPTION_PREVIOUS_KEYS: optional(commaList.pipe(z.array(key256))),
  /** The smallest available balance a weekly payout sends, in kobo (default NGN 1,000). */
  PAYOUT_MINIMUM_KOBO: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(100_000_000_000).default(100_000),
  ),
  /** How long a checkout holds stock for payment; at most a day, the longest reservation. */
  ORDER_RESERVATION_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
  ),
  /** A shipped order counts as delivered after this many days. */
  ORDER_AUTO_DELIVER_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(365).default(14),
  ),
  /** Days a delivered order stays open for returns before the seller's share is released. */
  ORDER_RETURN_WINDOW_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(365).default(7),
  ),
  /** Comma-separated browser origins allowed to call the API (CORS); unset: no CORS headers. */
  CORS_ALLOWED_ORIGINS: optional(originList),
  /** Comma-separated origins allowed to open the WebSocket; unset: CORS_ALLOWED_ORIGINS, or any. */
  WS_ALLOWED_ORIGINS: optional(originList),
  /** How often the event relay tails the event log and claims pending events (ms). */
  EVENTS_POLL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(50).max(60_000).default(250),
  ),
  /** Days a published event stays in the event log before the sweep deletes it. */
  EVENTS_RETENTION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(3650).default(7),
  ),
  /** A refund still pending after this many minutes is re-checked against Paystack. */
  REFUND_RECHECK_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(15),
  ),
  PAYSTACK_WEBHOOK_IPS: optional(
    commaList.refine((ips) => ips.length > 0 && ips.every((ip) => isIP(ip) !== 0), {
      message: 'must be a comma-separated list of IP addresses',
    }),
  ),
  /** The window of the per-route-class limits below, in seconds. */
  RATE_LIMIT_WINDOW_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(3600).default(defaultRouteLimits.windowSeconds),
  ),
  /** Account routes (sign-in, sign-up, resets) per address per window; 0 turns the limit off. */
  RATE_LIMIT_AUTH: rateLimitCount(defaultRouteLimits.auth),
  /** Writes (POST, PUT, PATCH, DELETE) per user, or per address when signed out; 0: off. */
  RATE_LIMIT_WRITE: rateLimitCount(defaultRouteLimits.write),
  /** Reads (GET) per user, or per address when signed out; 0: off. */
  RATE_LIMIT_READ: rateLimitCount(defaultRouteLimits.read),
  /** WebSocket upgrades per user, or per address when not signed in, per window; 0: off. */
  RATE_LIMIT_WS: rateLimitCount(defaultRouteLimits.ws),
  /** Messages one socket may send per RATE_LIMIT_WS_MESSAGE_SECONDS (close 1008 beyond); 0: off. */
  RATE_LIMIT_WS_MESSAGES: rateLimitCount(defaultRouteLimits.wsMessages),
  /** Messages all of one user's sockets on an instance may send together, same interval; 0: off. */
  RATE_LIMIT_WS_USER_MESSAGES: rateLimitCount(defaultRouteLimits.wsUserMessages),
  RATE_LIMIT_WS_MESSAGE_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(3600).default(defaultRouteLimits.wsMessageSeconds),
  ),
  /**
   * Which proxies' X-Forwarded-For is believed: a hop count, `none`, or comma-separated
   * addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. Default loopback.
   */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default('loopback')
      .transform((value, ctx): number | string[] => {
        if (value === 'none' || value === 'false') return 0
        if (/^\d+$/.test(value) && Number(value) <= 20) return Number(value)
        const items = value.split(',').map((part) => part.trim())
        if (items.length > 0 && items.every(isRangeOrName)) return items
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a hop count (0-20), none, or comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
        })
        return z.NEVER
      }),
  ),
  /** Window in which abuse signals are counted towards an automatic block, in seconds. */
  AUTO_BLOCK_WINDOW_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(86_400).default(defaultAutoBlocks.windowSeconds),
  ),
  /** How long an automatic block lasts, in minutes. */
  AUTO_BLOCK_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60)
      .default(defaultAutoBlocks.blockMinutes),
  ),
  /** 429 answers per address per window that block it; 0: off. */
  AUTO_BLOCK_RATE_LIMITED: rateLimitCount(defaultAutoBlocks.thresholds.rate_limited),
  /** Failed sign-ins per address per window that block it; 0: off. */
  AUTO_BLOCK_FAILED_LOGINS: rateLimitCount(defaultAutoBlocks.thresholds.failed_login),
  /** Rejected inputs (400, 413, 415, 422) per address per window that block it; 0: off. */
  AUTO_BLOCK_BAD_INPUT: rateLimitCount(defaultAutoBlocks.thresholds.bad_input),
  /** Addresses, ranges and the names loopback, linklocal, uniquelocal never blocked automatically. */
  AUTO_BLOCK_ALLOW: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default(defaultAutoBlocks.allow.join(','))
      .transform((value, ctx): string[] => {
        const items = value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
        if (items.every(isRangeOrName)) return items
        ctx.addIssue({
          code: 'custom',
          message:
            'must be comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
        })
        return z.NEVER
      }),
  ),
})

export type Env = z.infer<typeof envSchema>

export interface AuthSettings {
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  verifyTokenTtlSeconds: number
  resetTokenTtlSeconds: number
  /** argon2id cost: memory in KiB, iterations, lanes. Defaults are the OWASP floor. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number }
  /** Sign-in throttling (accounts/login-throttle.ts; docs/api.md, "Sign-in throttling"). */
  loginLimit: {
    /** Attempts per account from one address in a window; a success clears them. */
    perAccountAndIp: number
    /** Attempts from one address in a window, whatever the account. */
    perIp: number
    /** Failures on one account in a window after which unknown addresses are slowed. */
    accountSlowAfter: number
    /** While slowed: one attempt per this many seconds from addresses new to the account. */
    accountSlowIntervalSeconds: number
    /** How long an address that signed in stays known to the account. */
    knownAddressDays: number
    windowSeconds: number
  }
  mailLimit: { perAddress: number; windowSeconds: number }
}

export interface Config {
  env: Env['NODE_ENV']
  port: number
  publicUrl: string
  /** APP_URL: the storefront the links point at; unset, the server's own pages (docs/pages.md). */
  appUrl?: string
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
  /** Product images go to Cloudinary when set, else to files under `<dataDir>/media`. */
  cloudinary?: CloudinarySettings
  paystack: PaystackSettings
  payouts: PayoutSettings
  orders: OrderSettings
  realtime: RealtimeSettings
  cors: CorsSettings
  events: EventSettings
  /** Chat limits (docs/chat.md); unset ones keep their defaults. Not read from the environment. */
  chat?: Partial<{
    messagesPerMinute: number
    conversationsPerHour: number
    emailIntervalMinutes: number
  }>
  /** RATE_LIMIT_*: requests per route class and client per window (docs/security.md). */
  rateLimits: RouteLimitSettings
  /**
   * TRUST_PROXY: which proxies' X-Forwarded-For decides the client address (for limits and
   * blocks): a hop count (0 trusts none) or addresses, ranges and names as Express takes them.
   */
  trustProxy: number | string[]
  /**
   * AUTO_BLOCK_*: blocks after repeated abuse (docs/security.md). The allow-list also holds
   * the ranges TRUST_PROXY names: a proxy is never blocked for its clients.
   */
  autoBlocks: AutoBlockSettings
}

/** Browser access to the API; docs/configuration.md. */
export interface CorsSettings {
  /** CORS_ALLOWED_ORIGINS: origins that get CORS headers; unset, none do (same origin only). */
  allowedOrigins?: string[]
}

/** The WebSocket endpoint; docs/realtime.md. */
export interface RealtimeSettings {
  /** WS_ALLOWED_ORIGINS (default CORS_ALLOWED_ORIGINS): origins allowed to upgrade; unset, any. */
  allowedOrigins?: string[]
}

/** The event log and its relay (docs/architecture.md, "Events"). */
export interface EventSettings {
  /** EVENTS_POLL_MS: how often the relay tails the log and claims pending events. */
  pollMs: number
  /** EVENTS_RETENTION_DAYS: published events older than this are deleted by a job. */
  retentionDays: number
  /** REFUND_RECHECK_MINUTES: refunds pending longer are re-checked against Paystack. */
  refundRecheckMinutes: number
}

/** Order lifecycle clocks; create-core turns them into the orders services' timers. */
export interface OrderSettings {
  /** ORDER_RESERVATION_MINUTES: the payment window, during which the stock is held. */
  reservationMinutes: number
  /** ORDER_AUTO_DELIVER_DAYS: shipped orders count as delivered after this. */
  autoDeliverDays: number
  /** ORDER_RETURN_WINDOW_DAYS: delivered orders complete after this. */
  returnWindowDays: number
}

/** Seller payouts; docs/payments.md explains them. */
export interface PayoutSettings {
  /** PAYOUT_ENCRYPTION_KEY, or a key generated once into `<dataDir>/secrets.json`. */
  encryptionKey: string
  /** Keys of earlier rotations, for reading account numbers sealed with them. */
  previousEncryptionKeys: string[]
  /** Balances below this (kobo) wait for a later week. */
  minimumKobo: number
  /** How long a changed payout account holds the next payout. */
  holdHours: number
}

/** Where and how the Paystack client talks; docs/paystack.md explains the three modes. */
export interface PaystackSettings {
  /** `sandbox` when PAYSTACK_SECRET_KEY is unset: `npm start` then runs the local emulator. */
  mode: 'test' | 'live' | 'sandbox'
  /** PAYSTACK_SECRET_KEY, or the sandbox key generated once and kept in the data directory. */
  secretKey: string
  publicKey?: string
  baseUrl: string
  timeoutMs: number
  /** The port `npm start` gives the sandbox (PAYSTACK_SANDBOX_PORT, default PORT + 10). */
  sandboxPort: number
  /** Webhook source addresses to accept; unset accepts any (the signature is the real check). */
  webhookIps?: string[]
}

export interface CloudinarySettings {
  cloudName: string
  apiKey: string
  apiSecret: string
  /** The API host, when not https://api.cloudinary.com. */
  uploadPrefix?: string
}

function cloudinaryOf(cloudinaryUrl: string, prefix: string | undefined): CloudinarySettings {
  const parsed = new URL(cloudinaryUrl)
  // The SDK also reads `?upload_prefix=` on the URL; honour it the same way.
  const uploadPrefix = prefix ?? parsed.searchParams.get('upload_prefix') ?? undefined
  return {
    cloudName: parsed.hostname,
    apiKey: decodeURIComponent(parsed.username),
    apiSecret: decodeURIComponent(parsed.password),
    ...(uploadPrefix ? { uploadPrefix: uploadPrefix.replace(/\/$/, '') } : {}),
  }
}

export const defaultAuthSettings: AuthSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  verifyTokenTtlSeconds: 24 * 3600,
  resetTokenTtlSeconds: 3600,
  argon2: { memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  loginLimit: {
    perAccountAndIp: 5,
    perIp: 50,
    accountSlowAfter: 10,
    accountSlowIntervalSeconds: 60,
    knownAddressDays: 30,
    windowSeconds: 15 * 60,
  },
  mailLimit: { perAddress: 3, windowSeconds: 15 * 60 },
}

interface LocalSecrets {
  jwtSecret: string
  /** The local Paystack sandbox's secret key; the sandbox only accepts `sk_test_` keys. */
  paystackSandboxSecret: string
  /** Encrypts payout account numbers when PAYOUT_ENCRYPTION_KEY is unset (base64, 32 bytes). */
  payoutEncryptionKey: string
}

const newLocalSecrets = (): LocalSecrets => ({
  jwtSecret: randomBytes(48).toString('base64url'),
  paystackSandboxSecret: `sk_test_${randomBytes(20).toString('hex')}`,
  payoutEncryptionKey: randomBytes(32).toString('base64'),
})

/** Secrets for the embedded default: generated once, kept in the data directory, never in code. */
function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>
    if (stored.jwtSecret && stored.paystackSandboxSecret && stored.payoutEncryptionKey) {
      return stored as LocalSecrets
    }
    // A data directory from before a secret was added: keep what is there, add what is missing.
    const completed: LocalSecrets = { ...newLocalSecrets(), ...stored }
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, JSON.stringify(completed, null, 2), { mode: 0o600 })
    renameSync(temporary, file)
    return completed
  }
  mkdirSync(dataDir, { recursive: true })
  const secrets = newLocalSecrets()
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' })
    return secrets
  } catch {
    // Another process wrote it first: use theirs.
    return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets
  }
}

/** @throws ConfigError for a key pair of two modes or a plain-http Paystack in production. */
function paystackOf(env: Env, dataDir: string): PaystackSettings {
  const secretKey = env.PAYSTACK_SECRET_KEY
  const mode = secretKey ? (secretKey.startsWith('sk_live_') ? 'live' : 'test') : 'sandbox'
  const publicMode = env.PAYSTACK_PUBLIC_KEY?.startsWith('pk_live_') ? 'live' : 'test'
  const problems: string[] = []
  if (env.PAYSTACK_PUBLIC_KEY && mode !== 'sandbox' && publicMode !== mode) {
    problems.push(`  PAYSTACK_PUBLIC_KEY: is a ${publicMode} key but the secret key is ${mode}`)
  }
  if (env.NODE_ENV === 'production' && env.PAYSTACK_BASE_URL?.startsWith('http:')) {
    // The secret key travels in a header: never in clear text in production.
    problems.push('  PAYSTACK_BASE_URL: must be https when NODE_ENV=production')
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`)
  const sandboxPort =
    env.PAYSTACK_SANDBOX_PORT ?? (env.PORT === 0 || env.PORT + 10 > 65535 ? 0 : env.PORT + 10)
  const baseUrl =
    env.PAYSTACK_BASE_URL ??
    (secretKey ? 'https://api.paystack.co' : `http://127.0.0.1:${sandboxPort}`)
  return {
    mode,
    secretKey: secretKey ?? localSecrets(dataDir).paystackSandboxSecret,
    ...(env.PAYSTACK_PUBLIC_KEY ? { publicKey: env.PAYSTACK_PUBLIC_KEY } : {}),
    baseUrl: baseUrl.replace(/\/+$/, ''),
    timeoutMs: env.PAYSTACK_TIMEOUT_MS,
    sandboxPort,
    ...(env.PAYSTACK_WEBHOOK_IPS ? { webhookIps: env.PAYSTACK_WEBHOOK_IPS } : {}),
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
    const missing = (
      [
        'JWT_SECRET',
        'MONGODB_URI',
        'PUBLIC_URL',
        'SMTP_URL',
        'PAYSTACK_SECRET_KEY',
        'PAYOUT_ENCRYPTION_KEY',
      ] as const
    ).filter((name) => !env[name])
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
    ...(env.APP_URL ? { appUrl: env.APP_URL.replace(/\/$/, '') } : {}),
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
    ...(env.CLOUDINARY_URL
      ? { cloudinary: cloudinaryOf(env.CLOUDINARY_URL, env.CLOUDINARY_UPLOAD_PREFIX) }
      : {}),
    paystack: paystackOf(env, dataDir),
    payouts: {
      encryptionKey: env.PAYOUT_ENCRYPTION_KEY ?? localSecrets(dataDir).payoutEncryptionKey,
      previousEncryptionKeys: env.PAYOUT_ENCRYPTION_PREVIOUS_KEYS ?? [],
      minimumKobo: env.PAYOUT_MINIMUM_KOBO,
      holdHours: 48,
    },
    orders: {
      reservationMinutes: env.ORDER_RESERVATION_MINUTES,
      autoDeliverDays: env.ORDER_AUTO_DELIVER_DAYS,
      returnWindowDays: env.ORDER_RETURN_WINDOW_DAYS,
    },
    realtime:
      (env.WS_ALLOWED_ORIGINS ?? env.CORS_ALLOWED_ORIGINS)
        ? { allowedOrigins: env.WS_ALLOWED_ORIGINS ?? env.CORS_ALLOWED_ORIGINS }
        : {},
    cors: env.CORS_ALLOWED_ORIGINS ? { allowedOrigins: env.CORS_ALLOWED_ORIGINS } : {},
    events: {
      pollMs: env.EVENTS_POLL_MS,
      retentionDays: env.EVENTS_RETENTION_DAYS,
      refundRecheckMinutes: env.REFUND_RECHECK_MINUTES,
    },
    rateLimits: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      auth: env.RATE_LIMIT_AUTH,
      write: env.RATE_LIMIT_WRITE,
      read: env.RATE_LIMIT_READ,
      ws: env.RATE_LIMIT_WS,
      wsMessages: env.RATE_LIMIT_WS_MESSAGES,
      wsUserMessages: env.RATE_LIMIT_WS_USER_MESSAGES,
      wsMessageSeconds: env.RATE_LIMIT_WS_MESSAGE_SECONDS,
    },
    trustProxy: env.TRUST_PROXY,
    autoBlocks: {
      windowSeconds: env.AUTO_BLOCK_WINDOW_SECONDS,
      blockMinutes: env.AUTO_BLOCK_MINUTES,
      thresholds: {
        rate_limited: env.AUTO_BLOCK_RATE_LIMITED,
        failed_login: env.AUTO_BLOCK_FAILED_LOGINS,
        bad_input: env.AUTO_BLOCK_BAD_INPUT,
      },
      allow: [
        ...new Set([
          ...env.AUTO_BLOCK_ALLOW,
          ...(Array.isArray(env.TRUST_PROXY) ? env.TRUST_PROXY : []),
        ]),
      ],
    },
  }
}

/** Where links sent to people land: the storefront (APP_URL) or the server's own pages. */
export const linkBaseOf = (config: Pick<Config, 'appUrl' | 'publicUrl'>): string =>
  config.appUrl ?? config.publicUrl
