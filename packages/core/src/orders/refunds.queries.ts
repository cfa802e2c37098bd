import { op } from '../db/query.js'
import { type Ctx, requireAdminOrSystem } from '../shared/ctx.js'
import type { Currency } from '../shared/money.js'
import type { RefundStatus } from './order.types.js'
import type { RefundDoc, RefundModel } from './refund.model.js'

/** A refund as reconciliation compares it with Paystack's (reconcile/). */
export interface RefundRecordDTO {
  id: string
  orderId: string
  amount: number
  currency: Currency
  status: RefundStatus
  /** The group's transaction reference (`kg-<group id>`). */
  transactionReference: string
  /** Absent for a chargeback, and for a refund Paystack refused or never answered. */
  paystackRefundId?: number
  /** A chargeback Paystack took by itself: there is no Paystack refund to match. */
  chargeback: boolean
  processedAt?: string
}

const CHARGEBACK_REASON = 'chargeback: '

export function toRefundRecordDTO(doc: RefundDoc): RefundRecordDTO {
  return {
    id: String(doc._id),
    orderId: doc.orderId,
    amount: doc.amount,
    currency: doc.currency,
    status: doc.status,
    transactionReference: doc.transactionReference,
    ...(doc.paystackRefundId !== undefined && doc.paystackRefundId !== null
      ? { paystackRefundId: doc.paystackRefundId }
      : {}),
    // Chargebacks recorded before the flag existed are known by their reason and missing id.
    chargeback:
      doc.chargeback === true ||
      (doc.paystackRefundId == null && doc.reason.startsWith(CHARGEBACK_REASON)),
    ...(doc.processedAt ? { processedAt: doc.processedAt.toISOString() } : {}),
  }
}

/** Reads of the refunds collection that change nothing. */
export class RefundQueries {
  constructor(private deps: { refunds: RefundModel }) {}

  /** An order's refunds, oldest first (internal: explain and the admin view). */
  forOrder(orderId: string): Promise<RefundDoc[]> {
    return this.deps.refunds.find({ orderId }).sort({ _id: 1 }).lean()
  }

  /** The refunds processed in `[from, to)`, oldest first. Administrators and jobs only. */
  async processedBetween(ctx: Ctx, window: { from: Date; to: Date }): Promise<RefundRecordDTO[]> {
    requireAdminOrSystem(ctx)
    const rows = await this.deps.refunds
      .find({ status: 'processed', processedAt: op({ $gte: window.from, $lt: window.to }) })
      .sort({ processedAt: 1, _id: 1 })
      .lean()
    return rows.map(toRefundRecordDTO)
  }

  /** Our refund recorded under Paystack's refund id, if any. Administrators and jobs only. */
  async byPaystackRefundId(
    ctx: Ctx,
    paystackRefundId: number,
  ): Promise<RefundRecordDTO | undefined> {
    requireAdminOrSystem(ctx)
    const row = await this.deps.refunds.findOne({ paystackRefundId }).lean()
    return row ? toRefundRecordDTO(row) : undefined
  }
}
