import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { CURRENCIES, type Currency } from '../shared/money.js'

/**
 * A payout's life (docs/payments.md; payout.transitions.ts holds the table):
 * - `created`: the document exists (the unique {storeId, period} claim); nothing else happened;
 * - `sending`: the ledger moved the amount from available to in transit; Paystack is being
 *   asked, always with the same reference, so a resumed send cannot make a second transfer;
 * - `pending`: Paystack accepted the transfer; its webhook (or a verify) settles it;
 * - `otp_required`: Paystack holds it for an OTP (`kloset payouts finalize`);
 * - `paid`: Paystack says success; the ledger moved it from in transit to paid;
 * - `failed`: failed, reversed or refused; the ledger returned the money to available, and
 *   `kloset payouts retry` may send it again under a new reference;
 * - `cancelled`: the available balance shrank before anything was sent; nothing moved;
 * - `reversed`: paid, then Paystack reversed the transfer; the ledger moved the money from paid
 *   back to available, and `kloset payouts retry` may send it again under a new reference.
 */
export const PAYOUT_STATUSES = [
  'created',
  'sending',
  'pending',
  'otp_required',
  'paid',
  'failed',
  'cancelled',
  'reversed',
] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

/** An earlier attempt of a payout, kept when it is retried. */
export interface PayoutAttempt {
  attempt: number
  reference: string
  status: PayoutStatus
  transferCode?: string
  failureReason?: string
  endedAt: Date
}

/** The store's balances when the payout was created. */
export interface BalanceSnapshot {
  pending: number
  available: number
  inTransit: number
  paid: number
}

/** What a payout pays for: the orders whose release to available it includes. */
export interface PayoutCoverage {
  /** Orders whose seller share was released to available since the previous payout. */
  orderIds: string[]
  /** More releases than `orderIds` holds were included. */
  truncated: boolean
  /** The newest ledger journal of the store when the payout was created. */
  throughJournalId?: string
  /** The previous payout's `throughJournalId`: journals after it and up to ours are covered. */
  afterJournalId?: string
}

export interface PayoutDoc {
  _id: Types.ObjectId
  storeId: string
  /** ISO week in Africa/Lagos, `2026-W48`. */
  period: string
  currency: Currency
  amount: number
  /** 1 for the first send; a retry after a failure makes the next one. */
  attempt: number
  /** The Paystack transfer reference of the current attempt (also the ledger's payout id). */
  reference: string
  status: PayoutStatus
  /** The destination when the attempt was made. */
  recipientCode: string
  bankName: string
  accountName: string
  accountNumberLast4: string
  transferCode?: string
  /** Paystack's last reported status of the transfer. */
  paystackStatus?: string
  failureReason?: string
  /** The last error met while sending, when Paystack could not be asked or did not answer. */
  lastError?: string
  /** Something an operator must look at (a transfer reversed after it was paid, to retry). */
  attention?: string
  balanceBefore: BalanceSnapshot
  covers: PayoutCoverage
  attempts: PayoutAttempt[]
  createdBy: string
  sentAt?: Date
  paidAt?: Date
  failedAt?: Date
  createdAt: Date
  updatedAt: Date
}

const attemptSchema = new Schema<PayoutAttempt>(
  {
    attempt: { type: Number, required: true },
    reference: { type: String, required: true },
    status: { type: String, required: true, enum: PAYOUT_STATUSES },
    transferCode: String,
    failureReason: String,
    endedAt: { type: Date, required: true },
  },
  { _id: false },
)

const snapshotSchema = new Schema<BalanceSnapshot>(
  {
    pending: { type: Number, required: true },
    available: { type: Number, required: true },
    inTransit: { type: Number, required: true },
    paid: { type: Number, required: true },
  },
  { _id: false },
)

const coverageSchema = new Schema<PayoutCoverage>(
  {
    orderIds: { type: [String], required: true },
    truncated: { type: Boolean, required: true },
    throughJournalId: String,
    afterJournalId: String,
  },
  { _id: false },
)

const payoutSchema = new Schema<PayoutDoc>(
  {
    storeId: { type: String, required: true },
    period: { type: String, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    amount: { type: Number, required: true },
    attempt: { type: Number, required: true },
    reference: { type: String, required: true, unique: true },
    status: { type: String, required: true, enum: PAYOUT_STATUSES },
    recipientCode: { type: String, required: true },
    bankName: { type: String, required: true },
    accountName: { type: String, required: true },
    accountNumberLast4: { type: String, required: true },
    transferCode: String,
    paystackStatus: String,
    failureReason: String,
    lastError: String,
    attention: String,
    balanceBefore: { type: snapshotSchema, required: true },
    covers: { type: coverageSchema, required: true },
    attempts: { type: [attemptSchema], required: true, default: [] },
    createdBy: { type: String, required: true },
    sentAt: Date,
    paidAt: Date,
    failedAt: Date,
  },
  { timestamps: true, collection: 'payouts' },
)
// The guarantee behind "one payout per seller and period": a second run's insert fails.
payoutSchema.index({ storeId: 1, period: 1 }, { unique: true })
payoutSchema.index({ storeId: 1, _id: -1 })
payoutSchema.index({ status: 1, _id: -1 })
payoutSchema.index({ period: 1, _id: -1 })
payoutSchema.index({ 'attempts.reference': 1 })

export type PayoutModel = Model<PayoutDoc>

export const createPayoutModel = (conn: Connection): PayoutModel =>
  conn.models.Payout ?? conn.model<PayoutDoc>('Payout', payoutSchema)
