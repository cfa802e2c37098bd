import { z } from 'zod'
import { CURRENCIES } from './paystack.types.js'

// Zod schemas of the response `data` the sandbox sends, shaped after Paystack's fixtures. They
// are meant for the real client too, so they only insist on fields a client reads, and they are
// not strict: Paystack adds fields over time and a client must not break on them.

const currency = z.enum(CURRENCIES)
const isoDate = z.string()
const nullableString = z.string().nullable()

/** `{ total, skipped, perPage, page, pageCount }` on offset-paginated lists. */
export const paginationMetaSchema = z.object({
  total: z.number().int(),
  skipped: z.number().int(),
  perPage: z.number().int(),
  page: z.number().int(),
  pageCount: z.number().int(),
})

/** `{ status: true, message, data }` around a given data schema. */
export function paystackEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal(true), message: z.string(), data })
}

/** A list envelope: `data` is an array and `meta` carries the pagination. */
export function paystackListEnvelope<T extends z.ZodType>(item: T) {
  return z.object({
    status: z.literal(true),
    message: z.string(),
    data: z.array(item),
    meta: paginationMetaSchema,
  })
}

/** Paystack's error body; older errors carry only `status` and `message`. */
export const paystackErrorSchema = z.object({
  status: z.literal(false),
  message: z.string(),
  meta: z.object({ nextStep: z.string() }).optional(),
  type: z.string().optional(),
  code: z.string().optional(),
})

export const customerSchema = z.object({
  id: z.number().int(),
  first_name: nullableString,
  last_name: nullableString,
  email: z.string(),
  customer_code: z.string().startsWith('CUS_'),
  phone: nullableString,
  metadata: z.unknown(),
  risk_action: z.string(),
})

export const authorizationSchema = z.object({
  authorization_code: z.string().startsWith('AUTH_'),
  bin: z.string(),
  last4: z.string(),
  exp_month: z.string(),
  exp_year: z.string(),
  channel: z.string(),
  card_type: z.string(),
  bank: z.string(),
  country_code: z.string(),
  brand: z.string(),
  reusable: z.boolean(),
  signature: z.string(),
  account_name: nullableString,
})

export const transactionInitializeDataSchema = z.object({
  authorization_url: z.url(),
  access_code: z.string(),
  reference: z.string(),
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

/** `data` of verify, fetch, list items, charge_authorization and the `charge.success` event. */
export const transactionDataSchema = z.object({
  id: z.number().int(),
  domain: z.string(),
  status: transactionStatusSchema,
  reference: z.string(),
  amount: z.number().int(),
  message: nullableString,
  gateway_response: z.string(),
  paid_at: isoDate.nullable(),
  created_at: isoDate,
  channel: z.string(),
  currency,
  metadata: z.unknown(),
  fees: z.number().int().nullable(),
  authorization: z.union([authorizationSchema, z.object({})]),
  customer: customerSchema,
  plan: z.unknown(),
  requested_amount: z.number().int(),
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
  transaction: z.object({
    id: z.number().int(),
    reference: z.string(),
    amount: z.number().int(),
    currency,
  }),
  amount: z.number().int(),
  deducted_amount: z.number().int(),
  currency,
  status: refundStatusSchema,
  fully_deducted: z.boolean(),
  customer_note: nullableString,
  merchant_note: nullableString,
  expected_at: isoDate,
  createdAt: isoDate,
})

/** `data` of `GET /refund/:id` and of each `GET /refund` item. */
export const refundDataSchema = z.object({
  id: z.number().int(),
  transaction: z.number().int(),
  transaction_reference: z.string(),
  amount: z.number().int(),
  deducted_amount: z.number().int(),
  currency,
  status: refundStatusSchema,
  refunded_at: isoDate.nullable(),
  customer_note: nullableString,
  merchant_note: nullableString,
  createdAt: isoDate,
  updatedAt: isoDate,
})
export type RefundData = z.infer<typeof refundDataSchema>

export const bankSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string(),
  code: z.string(),
  longcode: z.string(),
  country: z.string(),
  currency,
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
  type: z.string(),
  name: z.string(),
  currency,
  active: z.boolean(),
  details: z.object({
    authorization_code: nullableString,
    account_number: z.string(),
    account_name: nullableString,
    bank_code: z.string(),
    bank_name: z.string(),
  }),
  createdAt: isoDate,
  updatedAt: isoDate,
})
export type RecipientData = z.infer<typeof recipientDataSchema>

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

/** `data` of `POST /transfer` and finalize: `recipient` is the numeric id there. */
export const transferDataSchema = z.object({
  id: z.number().int(),
  transfer_code: z.string().startsWith('TRF_'),
  reference: z.string(),
  amount: z.number().int(),
  currency,
  source: z.string(),
  reason: nullableString,
  status: transferStatusSchema,
  recipient: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
})

/** `data` of verify, fetch and list items: the recipient is embedded. */
export const transferDetailDataSchema = transferDataSchema.extend({
  recipient: recipientDataSchema,
  failures: z.unknown(),
  transferred_at: isoDate.nullable(),
  /** Paystack's fee on the transfer, in subunits (0 with the `none` fee model). */
  fee_charged: z.number().int().nonnegative(),
})
export type TransferDetailData = z.infer<typeof transferDetailDataSchema>

export const bulkTransferItemSchema = z.object({
  reference: z.string(),
  recipient: z.string(),
  amount: z.number().int(),
  transfer_code: z.string().startsWith('TRF_'),
  currency,
  status: transferStatusSchema,
})

export const balanceDataSchema = z.array(z.object({ currency, balance: z.number().int() }))

export const planDataSchema = z.object({
  id: z.number().int(),
  plan_code: z.string().startsWith('PLN_'),
  name: z.string(),
  description: nullableString,
  amount: z.number().int(),
  interval: z.string(),
  currency,
  invoice_limit: z.number().int(),
  send_invoices: z.boolean(),
  send_sms: z.boolean(),
  createdAt: isoDate,
})

export const subscriptionDataSchema = z.object({
  id: z.number().int(),
  subscription_code: z.string().startsWith('SUB_'),
  email_token: z.string(),
  status: z.string(),
  amount: z.number().int(),
  next_payment_date: isoDate.nullable(),
  plan: z.union([planDataSchema, z.number().int()]),
  customer: z.union([customerSchema, z.number().int()]),
  authorization: z.union([authorizationSchema, z.number().int(), z.string()]),
  createdAt: isoDate,
})

const refundEventDataSchema = z.object({
  status: refundStatusSchema,
  transaction_reference: z.string(),
  refund_reference: nullableString,
  // A string in some official fixtures, a number in others.
  amount: z.union([z.number(), z.string()]),
  currency,
  customer: z.object({ first_name: nullableString, last_name: nullableString, email: z.string() }),
})

const transferEventDataSchema = transferDetailDataSchema.extend({
  integration: z.object({ id: z.number().int(), is_live: z.boolean(), business_name: z.string() }),
})

const invoiceEventDataSchema = z.object({
  invoice_code: z.string(),
  amount: z.number().int(),
  status: z.string(),
  paid: z.boolean(),
  subscription: z.object({ subscription_code: z.string(), status: z.string() }),
  customer: customerSchema,
  transaction: z.object({ reference: z.string(), status: z.string() }).nullable(),
})

/** The webhook events the sandbox sends, discriminated on `event`. */
export const paystackWebhookEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('charge.success'), data: transactionDataSchema }),
  z.object({
    event: z.enum([
      'refund.pending',
      'refund.processed',
      'refund.failed',
      'refund.needs-attention',
    ]),
    data: refundEventDataSchema,
  }),
  z.object({
    event: z.enum(['transfer.success', 'transfer.failed', 'transfer.reversed']),
    data: transferEventDataSchema,
  }),
  z.object({
    event: z.enum(['subscription.create', 'subscription.disable', 'subscription.not_renew']),
    data: subscriptionDataSchema,
  }),
  z.object({
    event: z.enum(['invoice.create', 'invoice.update', 'invoice.payment_failed']),
    data: invoiceEventDataSchema,
  }),
])
export type PaystackWebhookEvent = z.infer<typeof paystackWebhookEventSchema>
