import { op } from '../db/query.js'
import type { OrderModel } from './order.model.js'
import { PAID_ORDER_STATUSES, type PurchaseLog } from './purchase-log.js'

export { PAID_ORDER_STATUSES }

/** One product line of a paid order, as recommendations read it. */
export interface PaidLine {
  buyerId: string
  storeId: string
  productId: string
  quantity: number
  paidAt: Date
}

/**
 * The orders feature's read port for recommendations: what was bought, by whom, when. Reads
 * only the fields it needs; never writes (except the purchase log's one-time backfill).
 */
export class PurchaseHistory {
  constructor(private deps: { orders: OrderModel; log: PurchaseLog }) {}

  /**
   * Every line of orders paid at or after `since` (the job's training window), from the purchase
   * log; the first call on a database older than the log fills it from the orders once.
   */
  async paidSince(since: Date, now: Date = new Date()): Promise<PaidLine[]> {
    await this.deps.log.backfillOnce(now)
    const rows = await this.deps.log.paidSince(since)
    return rows.map((row) => ({
      buyerId: row.buyerId,
      storeId: row.storeId,
      productId: row.productId,
      quantity: row.quantity,
      paidAt: row.paidAt,
    }))
  }

  /**
   * The products a buyer has ever bought (paid, not cancelled). Read from the orders, not the
   * log: the log is written just after the payment, and "for you" must drop a purchase at once.
   */
  async productsBoughtBy(buyerId: string): Promise<Set<string>> {
    const rows = await this.deps.orders
      .find({ buyerId, status: op({ $in: PAID_ORDER_STATUSES }) })
      .select({ 'lines.productId': 1 })
      .lean()
    return new Set(rows.flatMap((row) => (row.lines ?? []).map((line) => line.productId)))
  }
}
