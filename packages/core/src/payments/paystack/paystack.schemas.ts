import { z } from 'zod'
import { CURRENCIES } from '../../shared/money.js'

// Zod schemas of Paystack's responses and webhook events, in Paystack's snake_case.
//
// Why a copy of what @kloset/paystack-sandbox also declares: production runs core against the
// real Paystack and never installs the sandbox, so core cannot import it; and the sandbox is a
// standalone emulator that must not depend on core either. The duplication is deliberate and
// checked: paystack.contract.test.ts runs this client against the sandbox, so the two cannot
// drift apart unnoticed. These schemas are loose on purpose (not strict, only the fields we read
// are required): Paystack adds fields over time and a payment must not fail on a new one.

const currency = z.enum(CURRENCIES)
const kobo = z.number().int().nonnegative()
const isoDate = z.string()
const nullableString = z.string().nullable()

/** `{ status: true, message, data }` around a given data schema. */
export function paystackEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal(true), message: z.string(), data })
}

/** A list envelope; `meta` is offset style or cursor style (`next`), both optional here. */
export function paystackListEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    status: z.literal(true),
    message: z.string(),
    data: z.array(item),
    meta: z.object({ next: z.string().nullable().optional() }).optional(),
  })
}

/** Paystack's error body; older errors carry only `status` and `message`. */
export const paystackErrorSchema = z.object({
  status: z.literal(false),
  message: z.string(),
  meta: z.object({ nextStep: z.string().optional() }).nullish(),
  type: z.string().nullish(),
  code: z.string().nullish(),
})

export const transactionInitializeDataSchema = z.object({
  authorization_url: z.url(),
  access_code: z.string().min(1),
  reference: z.string().min(1),
})

export const transactionStatusSchema = z.enum([
  'abandoned',
  'failed',
  'ongoing',
  'pending',
  'processing',
  'queued',
  'reversed',
  'success',
])

const customerSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  customer_code: z.string(),
})

const authorizationSchema = z.object({
  authorization_code: z.string(),
  last4: z.string(),
  brand: z.string(),
  channel: z.string(),
  reusable: z.boolean(),
})

/** `data` of verify (and of the `charge.success` event). */
export const transactionDataSchema = z.object({
  id: z.number().int(),
  status: transactionStatusSchema,
  reference: z.string(),
  amount: kobo,
  currency,
  gateway_response: nullableString.optional(),
  paid_at: isoDate.nullish(),
  created_at: isoDate.optional(),
  channel: nullableString.optional(),
  fees: kobo.nullish(),
  metadata: z.unknown(),
  // An unpaid transaction carries `{}` here.
  authorization: z.union([authorizationSchema, z.object({})]).nullish(),
  customer: customerSchema,
  requested_amount: kobo.optional(),
})
export type TransactionData = z.infer<typeof transactionDataSchema>

export const refundStatusSchema = z.enum([
  'pending',
  'processing',
  'processed',
  'failed',
  'needs-attention',
])

/** `data` of `POST /refund`: the refund with its transaction embedded. */
export const refundCreatedDataSchema = z.object({
  id: z.number().int(),
  transaction: z.object({ id: z.number().int(), reference: z.string() }),
  amount: kobo,
  currency,
  status: refundStatusSchema,
  customer_note: nullableString.optional(),
  merchant_note: nullableString.optional(),
  createdAt: isoDate.optional(),
})

/** `data` of `GET /refund/:id`; `transaction_reference` only in newer shapes. */
export const refundDataSchema = z.object({
  id: z.number().int(),
  transaction: z.number().int(),
  transaction_reference: z.string().optional(),
  amount: kobo,
  currency,
  status: refundStatusSchema,
  refunded_at: isoDate.nullish(),
  customer_note: nullableString.optional(),
  merchant_note: nullableString.optional(),
  createdAt: isoDate.optional(),
})

export const bankSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string(),
  code: z.string(),
  currency: z.string(),
  type: z.string(),
  active: z.boolean(),
})

export const resolveAccountDataSchema = z.object({
  account_number: z.string(),
  account_name: z.string(),
  bank_id: z.number().int(),
})

export const recipientDataSchema = z.object({
  id: z.number().int(),
  recipient_code: z.string().startsWith('RCP_'),
  name: z.string(),
  currency,
  active: z.boolean(),
  details: z.object({
    account_number: nullableString,
    account_name: nullableString,
    bank_code: nullableString,
    bank_name: nullableString,
  }),
})

export const transferStatusSchema = z.enum([
  'otp',
  'pending',
  'success',
  'failed',
  'reversed',
  'abandoned',
  'blocked',
  'rejected',
  'received',
])

/**
 * Paystack's fee on a transfer (`fee_charged`: verify, fetch, list, newer `transfer.*` events).
 * Read defensively: absent from initiate and finalize answers, and a string or junk must not
 * make a transfer's outcome unreadable, so anything but a count of subunits reads as absent.
 */
const feeCharged = z
  .union([
    kobo,
    z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number),
  ])
  .nullish()
  .catch(null)

/** `data` of `POST /transfer` and finalize: `recipient` is the numeric id there. */
export const transferDataSchema = z.object({
  id: z.number().int(),
  transfer_code: z.string().startsWith('TRF_'),
  reference: z.string(),
  amount: kobo,
  currency,
  reason: nullableString.optional(),
  status: transferStatusSchema,
  createdAt: isoDate.optional(),
  fee_charged: feeCharged,
})

/** `data` of `GET /transfer/verify/:reference`: the recipient is embedded. */
export const transferDetailDataSchema = transferDataSchema.extend({
  recipient: recipientDataSchema,
  transferred_at: isoDate.nullish(),
})

export const bulkTransferItemSchema = z.object({
  reference: z.string(),
  recipient: z.string(),
  amount: kobo,
  transfer_code: z.string().startsWith('TRF_'),
  currency,
  status: transferStatusSchema,
})

export const balanceDataSchema = z.array(z.object({ currency, balance: z.number().int() }))

// Webhook events. Only the fields the event key and the later consumers need are required.

const REFUND_EVENTS = [
  'refund.pending',
  'refund.processing',
  'refund.processed',
  'refund.failed',
  'refund.needs-attention',
] as const
const TRANSFER_EVENTS = ['transfer.success', 'transfer.failed', 'transfer.reversed'] as const

/** The events whose shape we check; any other event only needs the envelope below. */
export const KNOWN_WEBHOOK_EVENTS: ReadonlySet<string> = new Set([
  'charge.success',
  ...REFUND_EVENTS,
  ...TRANSFER_EVENTS,
])

const chargeEventSchema = z.object({
  event: z.literal('charge.success'),
  data: z.object({
    id: z.number().int(),
    reference: z.string().min(1),
    status: z.string(),
    amount: kobo,
    currency,
  }),
})

const refundEventSchema = z.object({
  event: z.enum(REFUND_EVENTS),
  data: z.object({
    // Only `needs-attention` carries the refund id; the others correlate on the transaction.
    id: z.number().int().optional(),
    status: z.string(),
    transaction_reference: z.string().min(1),
    refund_reference: nullableString.optional(),
    // A string in some official fixtures, a number in others.
    amount: z.union([kobo, z.string().regex(/^\d+$/)]),
    currency,
  }),
})

const transferEventSchema = z.object({
  event: z.enum(TRANSFER_EVENTS),
  data: z.object({
    id: z.number().int(),
    transfer_code: z.string().min(1),
    reference: z.string().min(1),
    status: z.string(),
    amount: kobo,
    currency,
  }),
})

/** The events we check field by field, discriminated on `event`. */
export const knownWebhookEventSchema = z.discriminatedUnion('event', [
  chargeEventSchema,
  refundEventSchema,
  transferEventSchema,
])
export type KnownWebhookEvent = z.infer<typeof knownWebhookEventSchema>

/** `{ event, data }`: what every Paystack webhook body is. */
export const webhookEnvelopeSchema = z.object({
  event: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z][a-z0-9_.-]*$/),
  data: z.record(z.string(), z.unknown()),
})
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>

// Plans and subscriptions (seller plans, packages/core/src/plans).

export const subscriptionStatusSchema = z.enum([
  'active',
  'non-renewing',
  'attention',
  'complete',
  'cancelled',
])

/** `data` of `POST /plan` and `GET /plan/:code`. */
export const planDataSchema = z.object({
  id: z.number().int(),
  plan_code: z.string().min(1),
  name: z.string(),
  amount: kobo,
  interval: z.string(),
  currency,
})

/** `data` of `GET /subscription/:code` (and of `subscription.*` events). */
export const subscriptionDataSchema = z.object({
  id: z.number().int(),
  subscription_code: z.string().min(1),
  email_token: z.string().min(1),
  status: subscriptionStatusSchema,
  amount: kobo,
  next_payment_date: nullableString.optional(),
  plan: z.object({ plan_code: z.string().min(1) }),
  customer: customerSchema,
  // An object when Paystack embeds the card, its code otherwise.
  authorization: z.union([authorizationSchema, z.string()]).nullish(),
})
export type SubscriptionData = z.infer<typeof subscriptionDataSchema>
