import { op } from '../db/query.js'
import type { OrderModel } from './order.model.js'
import type { OrderStatus } from './order.types.js'

/** One product line of a paid order, as recommendations read it. */
export interface PaidLine {
  buyerId: string
  storeId: string
  productId: string
  quantity: number
  paidAt: Date
}

/** Statuses of an order that was paid and not cancelled (refunded cancellations are no sale). */
export const PAID_ORDER_STATUSES: OrderStatus[] = [
  'processing',
  'shipped',
  'delivered',
  'completed',
  'disputed',
  'resolved',
]

/**
 * The orders feature's read port for recommendations: what was bought, by whom, when. Reads
 * only the fields it needs; never writes.
 */
export class PurchaseHistory {
  constructor(private deps: { orders: OrderModel }) {}

  /** Every line of orders paid at or after `since` (the job's training window). */
  async paidSince(since: Date): Promise<PaidLine[]> {
    const rows = await this.deps.orders
      .find({ status: op({ $in: PAID_ORDER_STATUSES }), paidAt: op({ $gte: since }) })
      .select({ buyerId: 1, storeId: 1, paidAt: 1, 'lines.productId': 1, 'lines.quantity': 1 })
      .lean()
    const lines: PaidLine[] = []
    for (const row of rows)
      for (const line of row.lines ?? [])
        lines.push({
          buyerId: row.buyerId,
          storeId: row.storeId,
          productId: line.productId,
          quantity: line.quantity,
          paidAt: row.paidAt ?? row.createdAt,
        })
    return lines
  }

  /** The products a buyer has ever bought (paid, not cancelled). */
  async productsBoughtBy(buyerId: string): Promise<Set<string>> {
    const rows = await this.deps.orders
      .find({ buyerId, status: op({ $in: PAID_ORDER_STATUSES }) })
      .select({ 'lines.productId': 1 })
      .lean()
    return new Set(rows.flatMap((row) => (row.lines ?? []).map((line) => line.productId)))
  }
}
