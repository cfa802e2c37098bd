import { isIP } from 'node:net'
import { z } from 'zod'
import type { Env } from '../config.js'
import { commaList, emptyToUndefined, invalidConfiguration, optional, url } from './fields.js'
import { localSecrets } from './local-secrets.js'

/** The Paystack client; unset PAYSTACK_SECRET_KEY runs the local sandbox (docs/paystack.md). */
export const paystackEnv = {
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
  PAYSTACK_WEBHOOK_IPS: optional(
    commaList.refine((ips) => ips.length > 0 && ips.every((ip) => isIP(ip) !== 0), {
      message: 'must be a comma-separated list of IP addresses',
    }),
  ),
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

/** @throws ConfigError for a key pair of two modes or a plain-http Paystack in production. */
export function paystackOf(env: Env, dataDir: string): PaystackSettings {
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
  if (problems.length > 0) throw invalidConfiguration(problems)
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
