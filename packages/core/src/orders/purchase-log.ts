import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { op } from '../db/query.js'
import type { OrderModel } from './order.model.js'
import type { OrderStatus } from './order.types.js'

/**
 * One product line of a paid order, as the recommendations job reads it: a small document, so
 * the job decodes six fields per line instead of whole orders (timeline, address, outbox).
 * `key` (`<orderId>:<line index>`) makes writing it idempotent: a retried subscriber or a second
 * backfill is refused by the unique index.
 */
export interface PurchaseLineDoc {
  _id: Types.ObjectId
  key: string
  orderId: string
  buyerId: string
  storeId: string
  productId: string
  quantity: number
  paidAt: Date
}

/** Marks that the log holds every order paid before it existed (`_id: 'backfill'`). */
interface PurchaseLogStateDoc {
  _id: string
  at: Date
}

const purchaseLineSchema = new Schema<PurchaseLineDoc>(
  {
    key: { type: String, required: true, unique: true },
    orderId: { type: String, required: true, index: true },
    buyerId: { type: String, required: true },
    storeId: { type: String, required: true },
    productId: { type: String, required: true },
    quantity: { type: Number, required: true },
    paidAt: { type: Date, required: true },
  },
  { collection: 'purchase_log', versionKey: false },
)

const purchaseLogStateSchema = new Schema<PurchaseLogStateDoc>(
  { _id: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'purchase_log_state', versionKey: false },
)

export type PurchaseLineModel = Model<PurchaseLineDoc>
export type PurchaseLogStateModel = Model<PurchaseLogStateDoc>
export const createPurchaseLineModel = (conn: Connection): PurchaseLineModel =>
  conn.models.PurchaseLine ?? conn.model<PurchaseLineDoc>('PurchaseLine', purchaseLineSchema)
export const createPurchaseLogStateModel = (conn: Connection): PurchaseLogStateModel =>
  conn.models.PurchaseLogState ??
  conn.model<PurchaseLogStateDoc>('PurchaseLogState', purchaseLogStateSchema)

/** Statuses of an order that was paid and not cancelled (refunded cancellations are no sale). */
export const PAID_ORDER_STATUSES: OrderStatus[] = [
  'processing',
  'shipped',
  'delivered',
  'completed',
  'disputed',
  'resolved',
]

const BACKFILL_ID = 'backfill'
const BACKFILL_BATCH = 500

type PaidOrder = {
  _id: Types.ObjectId
  buyerId: string
  storeId: string
  status: OrderStatus
  paidAt?: Date
  createdAt: Date
  lines?: { productId: string; quantity: number }[]
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown }).code === 11000

/** The rows of one paid order, keyed by its id and line index. */
function rowsOf(order: PaidOrder): Omit<PurchaseLineDoc, '_id'>[] {
  const orderId = String(order._id)
  return (order.lines ?? []).map((line, index) => ({
    key: `${orderId}:${index}`,
    orderId,
    buyerId: order.buyerId,
    storeId: order.storeId,
    productId: line.productId,
    quantity: line.quantity,
    paidAt: order.paidAt ?? order.createdAt,
  }))
}

/**
 * The purchase log: one row per line of a paid order, written when the order is paid
 * (`order.processing`) and removed when it is cancelled (a refunded sale is no sale). Reads
 * only what it needs from the orders; the orders never read it.
 */
export class PurchaseLog {
  constructor(
    private deps: { lines: PurchaseLineModel; state: PurchaseLogStateModel; orders: OrderModel },
  ) {}

  /** Records the lines of a paid order; repeating it (a retried event) changes nothing. */
  async recordPaid(orderId: string): Promise<void> {
    const order = await this.paidOrder(orderId)
    if (!order) return
    await this.insert(rowsOf(order))
    // Cancelled while the rows were written: the cancellation's removal may have run first.
    if (!(await this.paidOrder(orderId))) await this.removeOrder(orderId)
  }

  /** Forgets a cancelled order's lines. */
  async removeOrder(orderId: string): Promise<void> {
    await this.deps.lines.deleteMany({ orderId })
  }

  /** Lines paid at or after `since` (the recommendations job's training window). */
  async paidSince(since: Date): Promise<PurchaseLineDoc[]> {
    return this.deps.lines.find({ paidAt: op({ $gte: since }) }).lean()
  }

  /**
   * A database with no orders yet needs no backfill: marks it done at startup, so the log of a
   * new marketplace is complete from its first payment. Otherwise the job backfills once.
   */
  async markCompleteIfNoOrders(now: Date): Promise<void> {
    if (await this.deps.state.exists({ _id: BACKFILL_ID })) return
    if (await this.deps.orders.exists({})) return
    await this.markBackfilled(now)
  }

  /**
   * Copies the lines of every order paid before the log existed, once (the first job run on an
   * older database): the whole orders are read this one time. Rows already there are kept.
   * @returns the orders read, or 0 when the log was already complete.
   */
  async backfillOnce(now: Date): Promise<number> {
    if (await this.deps.state.exists({ _id: BACKFILL_ID })) return 0
    const orders = await this.deps.orders
      .find({ status: op({ $in: PAID_ORDER_STATUSES }) })
      .select({
        buyerId: 1,
        storeId: 1,
        status: 1,
        paidAt: 1,
        createdAt: 1,
        'lines.productId': 1,
        'lines.quantity': 1,
      })
      .lean<PaidOrder[]>()
    const rows = orders.flatMap(rowsOf)
    for (let i = 0; i < rows.length; i += BACKFILL_BATCH) {
      await this.insert(rows.slice(i, i + BACKFILL_BATCH))
    }
    await this.markBackfilled(now)
    return orders.length
  }

  private async markBackfilled(now: Date): Promise<void> {
    await this.deps.state.updateOne(
      { _id: BACKFILL_ID },
      { $setOnInsert: { at: now } },
      { upsert: true },
    )
  }

  private async paidOrder(orderId: string): Promise<PaidOrder | null> {
    const order = await this.deps.orders
      .findById(orderId)
      .select({ buyerId: 1, storeId: 1, status: 1, paidAt: 1, createdAt: 1, lines: 1 })
      .lean<PaidOrder>()
    return order && PAID_ORDER_STATUSES.includes(order.status) ? order : null
  }

  /** Inserts rows, leaving out the ones already logged (the unique `key`). */
  private async insert(rows: Omit<PurchaseLineDoc, '_id'>[]): Promise<void> {
    if (rows.length === 0) return
    try {
      await this.deps.lines.insertMany(rows, { ordered: false })
    } catch (error) {
      const writeErrors = (error as { writeErrors?: unknown[] }).writeErrors
      const duplicatesOnly = Array.isArray(writeErrors)
        ? writeErrors.every((e) => isDuplicateKey((e as { err?: unknown }).err ?? e))
        : isDuplicateKey(error)
      if (!duplicatesOnly) throw error
    }
  }
}
