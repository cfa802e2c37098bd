import { join } from 'node:path'
import type { Config } from '../../shared/config.js'

/** The path Paystack (or the sandbox) posts webhook events to. */
export const PAYSTACK_WEBHOOK_PATH = '/api/v1/webhooks/paystack'

/** Paystack's published webhook source addresses (the same for test and live). */
export const PAYSTACK_WEBHOOK_SOURCE_IPS = [
  '52.31.139.75',
  '52.49.173.169',
  '52.214.14.220',
] as const

/** How `npm start` runs the local Paystack sandbox when no Paystack key is configured. */
export interface LocalSandboxPlan {
  /** `sk_test_...`, generated once and kept in `<DATA_DIR>/secrets.json`. */
  secretKey: string
  /** PAYSTACK_SANDBOX_PORT, default PORT + 10; the host falls back to a free port if taken. */
  port: number
  /** Where the sandbox posts its signed events: our own webhook route. */
  webhookUrl: string
  /** The sandbox's state survives restarts here. */
  persistFile: string
}

export type PaystackPlan =
  | { kind: 'paystack'; mode: 'test' | 'live'; baseUrl: string }
  | { kind: 'sandbox'; sandbox: LocalSandboxPlan }

/**
 * Decides what `npm start` does about Paystack: talk to the configured Paystack (test or live
 * key), or run the local sandbox on loopback. The host only starts what this says.
 */
export function resolvePaystackSettings(config: Config): PaystackPlan {
  const { paystack } = config
  if (paystack.mode !== 'sandbox') {
    return { kind: 'paystack', mode: paystack.mode, baseUrl: paystack.baseUrl }
  }
  return {
    kind: 'sandbox',
    sandbox: {
      secretKey: paystack.secretKey,
      port: paystack.sandboxPort,
      webhookUrl: `${config.publicUrl}${PAYSTACK_WEBHOOK_PATH}`,
      persistFile: join(config.dataDir, 'paystack-sandbox.json'),
    },
  }
}

/** The same configuration with the Paystack client pointed at a running sandbox. */
export function withPaystackBaseUrl(config: Config, baseUrl: string): Config {
  return { ...config, paystack: { ...config.paystack, baseUrl: baseUrl.replace(/\/+$/, '') } }
}
