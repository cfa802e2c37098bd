import { z } from 'zod'
import { CURRENCIES } from '../shared/money.js'
import { pageQuery } from '../shared/paging.js'
import { isLedgerAccount } from './ledger.accounts.js'

/*
 * Inputs of the ledger. The domain postings are called by other core services, not by clients,
 * but money paths validate their inputs anyway: a bad amount here is a bug to stop, not to book.
 */

/** Ids of orders, refunds and payouts: they become part of idempotency keys, so no colons. */
const refId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 letters, digits, _ or -')
const storeId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a store id')
const currency = z.enum(CURRENCIES)
/** A positive amount of minor units (kobo). */
const positiveAmount = z
  .number()
  .refine((n) => Number.isSafeInteger(n) && n > 0, 'must be a positive integer of minor units')
const memo = z.string().trim().min(1).max(500)

export const ledgerEntryInput = z.strictObject({
  account: z.string().refine(isLedgerAccount, 'unknown ledger account'),
  amount: z
    .number()
    .refine((n) => Number.isSafeInteger(n) && n !== 0, 'must be a non-zero integer of minor units'),
})

export const journalRefsInput = z.strictObject({
  orderId: refId.optional(),
  orderGroupId: refId.optional(),
  storeId: storeId.optional(),
  payoutId: refId.optional(),
  refundId: refId.optional(),
})

/** A journal with caller-made entries: corrections only (kind `adjustment`). */
export const postJournalInput = z.strictObject({
  /** `adjustment:` and then 1-180 letters, digits or `: _ . -`; other prefixes are the ledger's. */
  idempotencyKey: z
    .string()
    .regex(
      /^adjustment:[A-Za-z0-9:_.-]{1,180}$/,
      'must be adjustment: and then 1-180 letters, digits or : _ . -',
    ),
  kind: z.literal('adjustment'),
  currency,
  entries: z.array(ledgerEntryInput).min(1).max(50),
  refs: journalRefsInput.optional(),
  memo: memo.optional(),
})
export type PostJournalInput = z.infer<typeof postJournalInput>

export const recordSaleInput = z.strictObject({
  orderId: refId,
  orderGroupId: refId,
  storeId,
  /** What the buyer paid for this store's order. */
  gross: positiveAmount,
  /** The rate frozen on the order when it was placed, in basis points (500 = 5%). */
  commissionRateBps: z.number().int().min(0).max(10_000),
  currency,
})
export type RecordSaleInput = z.infer<typeof recordSaleInput>

export const releaseToAvailableInput = z.strictObject({
  orderId: refId,
  storeId,
  /**
   * The seller's share still pending for the order. Optional: the ledger knows it; when given,
   * it must match (a caller that disagrees with the books has a bug).
   */
  amount: positiveAmount.optional(),
  currency,
})
export type ReleaseToAvailableInput = z.infer<typeof releaseToAvailableInput>

export const recordRefundInput = z.strictObject({
  orderId: refId,
  storeId,
  refundId: refId,
  /** What the buyer gets back. */
  amount: positiveAmount,
  currency,
  /** Whether the order's seller share was still pending or already released to available. */
  orderState: z.enum(['pending_funds', 'available_funds']),
})
export type RecordRefundInput = z.infer<typeof recordRefundInput>

export const recordPayoutSentInput = z.strictObject({
  payoutId: refId,
  storeId,
  amount: positiveAmount,
  currency,
})
export type RecordPayoutSentInput = z.infer<typeof recordPayoutSentInput>

/** Settlement or failure of a sent payout: store, amount and currency come from the sent journal. */
export const payoutOutcomeInput = z.strictObject({ payoutId: refId, memo: memo.optional() })
export type PayoutOutcomeInput = z.infer<typeof payoutOutcomeInput>

/** `GET /seller/ledger` and the admin statement of a store. */
export const storeLedgerQuery = pageQuery
export type StoreLedgerQuery = z.infer<typeof storeLedgerQuery>

const queryBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
])

/** A period `[from, to)` of the revenue report. */
export const revenueSummaryQuery = z
  .strictObject({
    from: z.coerce.date(),
    to: z.coerce.date(),
    currency: currency.default('NGN'),
    byStore: queryBoolean.default(false),
  })
  .refine((q) => q.from < q.to, { message: 'must be after from', path: ['to'] })
export type RevenueSummaryQuery = z.input<typeof revenueSummaryQuery>

/** A paid seller subscription invoice (plans feature): platform revenue, no seller share. */
export const recordSubscriptionFeeInput = z.strictObject({
  /** The invoice's code (`INV_...`, or the first charge's transaction reference). */
  invoiceCode: z.string().regex(/^[A-Za-z0-9_.=-]{1,100}$/, 'must be an invoice code'),
  storeId,
  planCode: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'must be a plan code'),
  amount: positiveAmount,
  currency,
})
export type RecordSubscriptionFeeInput = z.infer<typeof recordSubscriptionFeeInput>

/** Paystack's fee on one verified payment (the `fees` of its verify answer). */
export const recordProcessingFeeInput = z.strictObject({
  /** The payment's reference (`kg-<order group id>`). */
  reference: z.string().regex(/^[A-Za-z0-9_.=-]{1,100}$/, 'must be a payment reference'),
  orderGroupId: refId,
  amount: positiveAmount,
  currency,
})
export type RecordProcessingFeeInput = z.infer<typeof recordProcessingFeeInput>

/** Paystack's fee on one paid transfer to a seller (the `fee_charged` of the transfer). */
export const recordTransferFeeInput = z.strictObject({
  /** The transfer's reference, which is the payout's (`payoutId` in the payout journals). */
  reference: refId,
  /** The store paid, named in the memo only: the fee is the platform's, not the seller's. */
  storeId,
  amount: positiveAmount,
  currency,
})
export type RecordTransferFeeInput = z.infer<typeof recordTransferFeeInput>
