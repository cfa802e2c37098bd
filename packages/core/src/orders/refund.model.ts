import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { outboxFields } from '../events/outbox.js'
import type { OutboxEntry } from '../shared/events.js'
import { CURRENCIES, type Currency } from '../shared/money.js'
import { REFUND_STATUSES, type RefundStatus } from './order.types.js'

export const RESTOCK_STATES = ['pending', 'done'] as const
export type RestockState = (typeof RESTOCK_STATES)[number]

/**
 * One refund of (part of) a store order through Paystack. Created `pending` before Paystack is
 * called; settled once (compare-and-set on `status`) when Paystack says processed or failed.
 */
export interface RefundDoc {
  _id: Types.ObjectId
  orderId: string
  orderGroupId: string
  storeId: string
  buyerId: string
  amount: number
  currency: Currency
  reason: string
  status: RefundStatus
  /** The group's transaction reference: what Paystack's refund events carry. */
  transactionReference: string
  paystackRefundId?: number
  /** Give the order's lines back to stock once processed (a cancelled order). */
  restock: boolean
  /** A chargeback Paystack already took (disputes): booked processed, no Paystack refund. */
  chargeback?: boolean
  /**
   * Set `pending` with the processed status when there are lines to give back, `done` once every
   * line's keyed restock has answered; a `pending` left behind by a crash is retried by the
   * `retry-pending-restocks` job. Absent when nothing is to be restocked.
   */
  restockState?: RestockState
  requestedBy: string
  failureReason?: string
  processedAt?: Date
  /** The settlement's event, recorded with the status change until the bus copies it. */
  outbox: OutboxEntry[]
  /** `pending` while `outbox` holds entries (the relay sweep's indexed mark). */
  outboxState?: 'pending'
  createdAt: Date
  updatedAt: Date
}

const refundSchema = new Schema<RefundDoc>(
  {
    orderId: { type: String, required: true, index: true },
    orderGroupId: { type: String, required: true },
    storeId: { type: String, required: true },
    buyerId: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    reason: { type: String, required: true },
    status: { type: String, required: true, enum: REFUND_STATUSES },
    transactionReference: { type: String, required: true },
    paystackRefundId: Number,
    restock: { type: Boolean, required: true, default: false },
    chargeback: Boolean,
    restockState: { type: String, enum: RESTOCK_STATES },
    requestedBy: { type: String, required: true },
    failureReason: String,
    processedAt: Date,
    ...outboxFields,
  },
  { timestamps: true, collection: 'refunds' },
)
refundSchema.index({ transactionReference: 1, status: 1 })
// The re-check job's scan for refunds left pending.
refundSchema.index({ status: 1 })
// Reconciliation: the refunds processed in a day, and a Paystack refund's record.
refundSchema.index({ status: 1, processedAt: 1 })
refundSchema.index({ paystackRefundId: 1 })
// The retry job's query: restocks left pending, oldest first.
refundSchema.index({ restockState: 1, processedAt: 1 })

export type RefundModel = Model<RefundDoc>

export const createRefundModel = (conn: Connection): RefundModel =>
  conn.models.Refund ?? conn.model<RefundDoc>('Refund', refundSchema)
