import { z } from 'zod'
import type { Env } from '../config.js'
import { emptyToUndefined } from './fields.js'

/** The event log's relay and sweep, and the refund re-check. */
export const eventsEnv = {
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

export function eventsOf(env: Env): EventSettings {
  return {
    pollMs: env.EVENTS_POLL_MS,
    retentionDays: env.EVENTS_RETENTION_DAYS,
    refundRecheckMinutes: env.REFUND_RECHECK_MINUTES,
  }
}
