import { createHash } from 'node:crypto'
import type { KnownWebhookEvent, WebhookEnvelope } from './paystack/paystack.schemas.js'

/** A verified webhook body: one of the events we check field by field, or any other. */
export type ParsedPaystackEvent =
  | { kind: 'known'; event: KnownWebhookEvent }
  | { kind: 'other'; event: WebhookEnvelope }

/** The parts of a Paystack event that identify it. */
export interface PaystackEventIdentity {
  key: string
  reference: string | null
  status: string | null
}

const MAX_KEY_LENGTH = 300
const text = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : null

/**
 * Paystack events carry no event id, so we derive one from what makes an event distinct. Its
 * shape is `<event>:<object id>:<status>` and, per kind:
 * - `charge.success:<transaction id>:<status>`;
 * - `refund.<x>:<transaction reference>:<refund reference, else refund id, else amount>:<status>`
 *   (refund events have no refund id until `needs-attention`, and no refund reference while
 *   pending, so two pending partial refunds of one amount on one transaction count as one:
 *   consumers act on `refund.processed` / `refund.failed`, which carry the refund reference);
 * - `transfer.<x>:<transfer id>:<status>:<transfer code>`;
 * - any other event: `<event>:<data.id, else data.reference, else a *_code field, else the
 *   SHA-256 of the body>:<status>`.
 * A retry of the same delivery therefore maps to the same key; a new state of the same object
 * (a transfer that succeeds, then is reversed) maps to a new one.
 */
export function paystackEventKey(
  event: ParsedPaystackEvent,
  rawBody: string,
): PaystackEventIdentity {
  const parts = identify(event, rawBody)
  const joined = parts.key.join(':')
  // Keys come from a signed body and stay short; a giant field must still not bloat the index.
  const key =
    joined.length <= MAX_KEY_LENGTH
      ? joined
      : `${event.event.event}:sha256:${createHash('sha256').update(joined).digest('hex')}`
  return { key, reference: parts.reference, status: parts.status }
}

function identify(
  parsed: ParsedPaystackEvent,
  rawBody: string,
): { key: string[]; reference: string | null; status: string | null } {
  if (parsed.kind === 'other') return identifyOther(parsed.event, rawBody)
  const known = parsed.event
  switch (known.event) {
    case 'charge.success': {
      const { data } = known
      return {
        key: [known.event, String(data.id), data.status],
        reference: data.reference,
        status: data.status,
      }
    }
    case 'refund.pending':
    case 'refund.processing':
    case 'refund.processed':
    case 'refund.failed':
    case 'refund.needs-attention': {
      const { data } = known
      const refund = data.refund_reference ?? (data.id === undefined ? null : String(data.id))
      return {
        key: [known.event, data.transaction_reference, refund ?? String(data.amount), data.status],
        reference: data.transaction_reference,
        status: data.status,
      }
    }
    case 'transfer.success':
    case 'transfer.failed':
    case 'transfer.reversed': {
      const { data } = known
      return {
        key: [known.event, String(data.id), data.status, data.transfer_code],
        reference: data.reference,
        status: data.status,
      }
    }
  }
}

function identifyOther(
  event: WebhookEnvelope,
  rawBody: string,
): { key: string[]; reference: string | null; status: string | null } {
  const { data } = event
  const code = Object.entries(data).find(([name, value]) => name.endsWith('_code') && text(value))
  const id =
    text(data.id) ??
    text(data.reference) ??
    (code ? text(code[1]) : null) ??
    `sha256-${createHash('sha256').update(rawBody).digest('hex')}`
  const status = text(data.status)
  return { key: [event.event, id, status ?? ''], reference: text(data.reference), status }
}
