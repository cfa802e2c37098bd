import type { JobScheduler, SettleDelay } from './jobs.scheduler.js'
import type { FeeModel } from './money.format.js'
import type { Currency } from './paystack.types.js'
import type { StateStore } from './state.store.js'
import type { WebhookDispatcher } from './webhooks.dispatcher.js'

/** How to start a sandbox. Every field has a default suited to a test run on one machine. */
export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Defaults to 127.0.0.1; the control endpoints are off on any other host unless enabled. */
  host?: string
  /** The key clients must send as `Bearer`; must start with `sk_test_`. */
  secretKey?: string
  /** Where events go; can be changed later through `POST /__sandbox/webhook-url`. */
  webhookUrl?: string | null
  /** Base of `authorization_url` when the sandbox is reached through another address. */
  publicUrl?: string
  /** A JSON file mirroring the state, so it survives a restart. */
  persistFile?: string
  /** Delay before a pending transfer settles (default 2000 ms; 0 in tests; `manual`). */
  transferDelayMs?: SettleDelay
  /** Delay before a pending refund settles (default 2000 ms; 0 in tests; `manual`). */
  refundDelayMs?: SettleDelay
  /** Waits between webhook attempts after a non-200 answer; its length is the number of retries. */
  webhookRetrySchedule?: readonly number[]
  /** How long one webhook attempt may take (default 30 s, Paystack's test-mode timeout). */
  webhookTimeoutMs?: number
  /** Shown on the checkout page and in transfer events. */
  merchantName?: string
  /**
   * `paystack` (default) approximates Paystack's fees on charges and charges its NGN transfer
   * fee on transfers; `none` credits charges in full and makes transfers free.
   */
  feeModel?: FeeModel
  /** Balances at start and after a reset, in subunits. */
  initialBalances?: Partial<Record<Currency, number>>
  /** The OTP that finalizes transfers and disables the OTP requirement (default 123456). */
  transferOtp?: string
  /** Serve `/__sandbox/*` (defaults to true only on a loopback host). */
  controlEndpoints?: boolean
  /** The clock; fix it in tests that filter by date. */
  now?: () => Date
}

export interface ResolvedOptions {
  port: number
  host: string
  secretKey: string
  publicUrl: string | null
  persistFile: string | null
  transferDelayMs: SettleDelay
  refundDelayMs: SettleDelay
  webhookRetrySchedule: readonly number[]
  webhookTimeoutMs: number
  merchantName: string
  feeModel: FeeModel
  initialBalances: Partial<Record<Currency, number>>
  transferOtp: string
  controlEndpoints: boolean
}

/** What every service function gets first: the state and the machinery around it. */
export interface SandboxContext {
  options: ResolvedOptions
  store: StateStore
  jobs: JobScheduler
  events: WebhookDispatcher
  now: () => Date
  /** The address the sandbox answers on; the base of checkout links. */
  baseUrl: () => string
}

/** An integration id for the payloads that carry one; any stable number will do. */
export const INTEGRATION_ID = 100_032

/** Paystack's default retry pacing is hours; a local sandbox retries within minutes. */
export const DEFAULT_RETRY_SCHEDULE = [5_000, 30_000, 120_000, 600_000] as const

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** Fills defaults and refuses options that would make the sandbox unsafe or meaningless. */
export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  const host = options.host ?? '127.0.0.1'
  const secretKey = options.secretKey ?? 'sk_test_kloset_sandbox'
  if (!secretKey.startsWith('sk_test_')) {
    // A live key in a sandbox config is a leak waiting to happen; fail loudly instead.
    throw new Error('The sandbox only accepts test secret keys (sk_test_...)')
  }
  for (const delay of [options.transferDelayMs, options.refundDelayMs]) {
    if (typeof delay === 'number' && (!Number.isFinite(delay) || delay < 0)) {
      throw new Error('Settle delays must be a non-negative number of milliseconds or "manual"')
    }
  }
  return {
    port: options.port ?? 0,
    host,
    secretKey,
    publicUrl: options.publicUrl?.replace(/\/+$/, '') ?? null,
    persistFile: options.persistFile ?? null,
    transferDelayMs: options.transferDelayMs ?? 2_000,
    refundDelayMs: options.refundDelayMs ?? 2_000,
    webhookRetrySchedule: options.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 30_000,
    merchantName: options.merchantName ?? 'KlosetStore',
    feeModel: options.feeModel ?? 'paystack',
    initialBalances: options.initialBalances ?? {},
    transferOtp: options.transferOtp ?? '123456',
    controlEndpoints: options.controlEndpoints ?? LOOPBACK.has(host),
  }
}
