import { z } from 'zod'
import { CURRENCIES, type JsonValue } from './paystack.types.js'

// Request bodies. Objects are deliberately not strict: Paystack ignores parameters it does not
// use (split_code, channels, label...), and a sandbox that refused them would break real clients.

/** Subunits as Paystack takes them: an integer, or a numeric string as in the official snippets. */
export const amountField = z
  .union([z.number(), z.string().trim().regex(/^\d+$/)], { error: 'Invalid Amount Sent' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int({ error: 'Invalid Amount Sent' })
      .positive({ error: 'Invalid Amount Sent' })
      .max(Number.MAX_SAFE_INTEGER, { error: 'Invalid Amount Sent' }),
  )

export const currencyField = z.enum(CURRENCIES, { error: 'Currency not supported by merchant' })

/** Metadata may come as an object or as a JSON string (form posts, charge_authorization). */
export const metadataField = z
  .union([z.record(z.string(), z.json()), z.string()])
  .transform((value): JsonValue => {
    if (typeof value !== 'string') return value as JsonValue
    try {
      return JSON.parse(value) as JsonValue
    } catch {
      return value
    }
  })

const integerField = z
  .union([z.number(), z.string().trim().regex(/^\d+$/)])
  .transform(Number)
  .pipe(z.number().int().nonnegative())

const booleanField = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((value) => value === true || value === 'true' || value === '1')

const idOrCode = z.union([z.string().trim().min(1), z.number().int()]).transform(String)
const email = z.email({ error: 'Invalid Email Address Passed' })

export const initializeTransactionBody = z.object({
  email,
  amount: amountField.optional(),
  currency: currencyField.optional(),
  reference: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9.=-]+$/, { error: 'Invalid character in transaction reference' })
    .optional(),
  callback_url: z.url({ error: 'Invalid callback_url' }).optional(),
  metadata: metadataField.optional(),
  plan: z.string().optional(),
  invoice_limit: integerField.optional(),
  channels: z.union([z.array(z.string()), z.string()]).optional(),
})
export type InitializeTransactionBody = z.output<typeof initializeTransactionBody>

export const chargeAuthorizationBody = z.object({
  email,
  amount: amountField,
  authorization_code: z.string().min(1),
  reference: initializeTransactionBody.shape.reference,
  currency: currencyField.optional(),
  metadata: metadataField.optional(),
})
export type ChargeAuthorizationBody = z.output<typeof chargeAuthorizationBody>

export const createRefundBody = z.object({
  transaction: idOrCode,
  amount: amountField.optional(),
  currency: currencyField.optional(),
  customer_note: z.string().optional(),
  merchant_note: z.string().optional(),
})
export type CreateRefundBody = z.output<typeof createRefundBody>

export const retryRefundBody = z.object({
  refund_account_details: z.object({
    currency: currencyField,
    account_number: z.string().min(1),
    bank_id: idOrCode,
  }),
})

export const createRecipientBody = z.object({
  type: z.enum(['nuban', 'ghipss', 'mobile_money', 'basa', 'kepss', 'authorization']),
  name: z.string().trim().min(1),
  account_number: z.union([z.string().trim(), z.number().int()]).transform(String).optional(),
  bank_code: z.string().trim().optional(),
  currency: currencyField.optional(),
  description: z.string().optional(),
  email: z.email().optional(),
  metadata: metadataField.optional(),
})
export type CreateRecipientBody = z.output<typeof createRecipientBody>

const transferItem = z.object({
  amount: amountField,
  recipient: idOrCode,
  reference: z.string().optional(),
  reason: z.string().optional(),
})

export const createTransferBody = transferItem.extend({
  source: z.literal('balance', { error: 'Invalid source: only "balance" is supported' }),
  currency: currencyField.optional(),
})
export type CreateTransferBody = z.output<typeof createTransferBody>

export const bulkTransferBody = z.object({
  source: createTransferBody.shape.source,
  currency: currencyField.optional(),
  transfers: z
    .array(transferItem.extend({ reference: z.string() }))
    .min(1)
    .max(100),
})
export type BulkTransferBody = z.output<typeof bulkTransferBody>

export const finalizeTransferBody = z.object({
  transfer_code: z.string().min(1),
  otp: z.union([z.string(), z.number()]).transform(String),
})

export const otpBody = z.object({ otp: finalizeTransferBody.shape.otp })

export const PLAN_INTERVALS = [
  'hourly',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'biannually',
  'annually',
] as const

export const createPlanBody = z.object({
  name: z.string().trim().min(1),
  amount: amountField,
  interval: z.enum(PLAN_INTERVALS),
  description: z.string().optional(),
  currency: currencyField.optional(),
  invoice_limit: integerField.optional(),
  send_invoices: booleanField.optional(),
  send_sms: booleanField.optional(),
})
export type CreatePlanBody = z.output<typeof createPlanBody>

export const createSubscriptionBody = z.object({
  customer: z.string().trim().min(1),
  plan: z.string().trim().min(1),
  authorization: z.string().optional(),
  start_date: z.iso.datetime({ offset: true, error: 'Invalid start_date' }).optional(),
})
export type CreateSubscriptionBody = z.output<typeof createSubscriptionBody>

export const toggleSubscriptionBody = z.object({
  code: z.string().trim().min(1),
  token: z.string().trim().min(1),
})
