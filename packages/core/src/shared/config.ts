/*
 * Configuration: `envSchema` is the one list of every environment variable the project reads
 * (docs/configuration.md follows it), composed from one file per concern under `config/`. Each
 * concern file holds its variables' parsers, its settings type and the mapping from one to the
 * other, so adding a setting edits one file; `loadConfig` composes the concerns. What is not
 * configuration lives elsewhere (rate-limit defaults in abuse/route-limit-settings.ts).
 */
import { z } from 'zod'
import type { AutoBlockSettings, RouteLimitSettings } from '../abuse/route-limit-settings.js'
import { abuseEnv, abuseOf } from './config/abuse.config.js'
import { type AuthSettings, authEnv, authOf } from './config/auth.config.js'
import { databaseEnv, databaseOf } from './config/database.config.js'
import { type EventSettings, eventsEnv, eventsOf } from './config/events.config.js'
import { invalidConfiguration } from './config/fields.js'
import { type CloudinarySettings, imagesEnv, imagesOf } from './config/images.config.js'
import { mailEnv, mailOf } from './config/mail.config.js'
import { type OrderSettings, ordersEnv, ordersOf } from './config/orders.config.js'
import { type PayoutSettings, payoutsEnv, payoutsOf } from './config/payouts.config.js'
import { type PaystackSettings, paystackEnv, paystackOf } from './config/paystack.config.js'
import {
  browserAccessOf,
  type CorsSettings,
  type RealtimeSettings,
  serverEnv,
  serverOf,
} from './config/server.config.js'

export { type AuthSettings, defaultAuthSettings } from './config/auth.config.js'
export type { EventSettings } from './config/events.config.js'
export { ConfigError, decodeKey256 } from './config/fields.js'
export type { CloudinarySettings } from './config/images.config.js'
export type { OrderSettings } from './config/orders.config.js'
export type { PayoutSettings } from './config/payouts.config.js'
export type { PaystackSettings } from './config/paystack.config.js'
export type { CorsSettings, RealtimeSettings } from './config/server.config.js'

/**
 * Every environment variable the project reads, concern by concern (a wrong value is named in
 * this order). docs/configuration.md lists them.
 */
export const envSchema = z.object({
  ...serverEnv,
  ...databaseEnv,
  ...mailEnv,
  ...authEnv,
  ...imagesEnv,
  ...paystackEnv,
  ...payoutsEnv,
  ...ordersEnv,
  ...eventsEnv,
  ...abuseEnv,
})

export type Env = z.infer<typeof envSchema>

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

/** What production may not leave to the embedded defaults. */
const REQUIRED_IN_PRODUCTION = [
  'JWT_SECRET',
  'MONGODB_URI',
  'PUBLIC_URL',
  'SMTP_URL',
  'PAYSTACK_SECRET_KEY',
  'PAYOUT_ENCRYPTION_KEY',
] as const

/**
 * Reads and validates the environment once: parse every variable, check what production
 * requires, then each concern's settings (the generated local secrets in the order jwt, Paystack
 * sandbox, payouts).
 * @throws ConfigError naming each wrong or missing variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = parseEnv(source)
  requireProductionSettings(env)
  const server = serverOf(env)
  return {
    ...server,
    ...databaseOf(env),
    ...mailOf(env),
    logLevel: env.LOG_LEVEL,
    ...authOf(env, server.dataDir, server.publicUrl),
    ...imagesOf(env),
    paystack: paystackOf(env, server.dataDir),
    payouts: payoutsOf(env, server.dataDir),
    orders: ordersOf(env),
    ...browserAccessOf(env),
    events: eventsOf(env),
    ...abuseOf(env),
  }
}

/** @throws ConfigError naming each variable that does not parse. */
function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    throw invalidConfiguration(
      parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`),
    )
  }
  return parsed.data
}

/** @throws ConfigError naming each of REQUIRED_IN_PRODUCTION unset when NODE_ENV=production. */
function requireProductionSettings(env: Env): void {
  if (env.NODE_ENV !== 'production') return
  const missing = REQUIRED_IN_PRODUCTION.filter((name) => !env[name])
  if (missing.length > 0) {
    throw invalidConfiguration(missing.map((n) => `  ${n}: required when NODE_ENV=production`))
  }
}

/** Where links sent to people land: the storefront (APP_URL) or the server's own pages. */
export const linkBaseOf = (config: Pick<Config, 'appUrl' | 'publicUrl'>): string =>
  config.appUrl ?? config.publicUrl
