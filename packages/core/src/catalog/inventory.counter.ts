import type { Types } from 'mongoose'
import { op } from '../db/query.js'
import { actorId, type Ctx, describeActor } from '../shared/ctx.js'
import { ConflictError, NotFoundError } from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import type { InventoryDeps } from './inventory.service.js'
import type { MovementKind } from './product.types.js'
import { refreshProductSummary } from './product-summary.js'
import type { VariantDoc } from './variant.model.js'

export interface MovementMeta {
  ctx: Ctx
  kind: MovementKind
  key: string
  reason: string
  reservationId?: Types.ObjectId
  orderGroupId?: string
  /** Recorded ahead of its `$inc` (keyed restocks); cleared once the `$inc` is done. */
  unconfirmed?: boolean
}

export const variantNotFound = () => new NotFoundError('Variant')
export const insufficient = (details: Record<string, unknown>) =>
  new ConflictError('Not enough stock', 'insufficient_stock', details)

/** A key for a one-off seller change: nothing retries it, so it only needs to be unique. */
export const uniqueKey = (kind: string) => `${kind}:${newId()}`

/** Who made a change, as a movement or a reservation records it. */
export function actorOf(ctx: Ctx) {
  const id = actorId(ctx)
  return { kind: ctx.actor.kind, ...(id ? { id } : {}), label: describeActor(ctx.actor) }
}

/**
 * The stock counter on each variant document, which only the operations of inventory change,
 * never below zero. Each change is a single-document update guarded in its filter (atomic on
 * MongoDB; on the embedded engine the process's single connection serializes writes), followed
 * by a keyed movement row.
 *
 * Crash safety, without transactions: every step is ordered so that a crash can only leave a
 * variant with LESS stock than its movements say, never more, so we never oversell.
 * - A decrement updates the counter, then inserts its movement. A crash between the two leaves
 *   stock taken without a movement row; the reservation sweep gives back only lines that have
 *   their `reserve` movement, so that stock stays out until a seller recounts (`set`). The
 *   difference between stock and the sum of a variant's movements shows it.
 * - An increment (release, expiry, undo) runs after a compare-and-set on the reservation status,
 *   so it happens at most once per reservation; the movement key (`<reservation>:<variant>:<kind>`)
 *   is unique, and a step that finds its key taken reverts its own increment.
 * - A keyed restock (`restock`, e.g. after a refund) has no compare-and-set to lean on: its caller
 *   may simply retry. So it records its movement FIRST (marked `unconfirmed`), then `$inc`s, then
 *   clears the mark. A retry finds the key and skips. A crash between the insert and the `$inc`
 *   therefore loses the restock (stock lower than the movements say, the row left `unconfirmed`
 *   for a recount), where `$inc` first would have restocked twice on the retry and oversold.
 */
export class StockCounter {
  constructor(private deps: InventoryDeps) {}

  /**
   * Applies `delta` to a variant's stock, guarded so it cannot go below zero, then records the
   * movement. Returns null when the guard refused, the variant is gone, or the step's key was
   * already recorded (its change is then reverted).
   */
  async move(
    variantId: Types.ObjectId,
    delta: number,
    meta: MovementMeta,
  ): Promise<{ variant: VariantDoc; previous: number } | null> {
    const filter = delta < 0 ? { _id: variantId, stock: op({ $gte: -delta }) } : { _id: variantId }
    const after = await this.deps.variants
      .findOneAndUpdate(filter, { $inc: { stock: delta } }, { returnDocument: 'after' })
      .lean()
    if (!after) return null
    const recorded = await this.record(after, delta, meta)
    if (!recorded) {
      await this.deps.variants.updateOne(
        delta > 0 ? { _id: variantId, stock: op({ $gte: delta }) } : { _id: variantId },
        { $inc: { stock: -delta } },
      )
      return null
    }
    const previous = after.stock - delta
    await this.changed(after, previous)
    return { variant: after, previous }
  }

  /** Inserts a movement; false when its key is already recorded. */
  async record(
    variant: VariantDoc,
    delta: number,
    meta: MovementMeta,
    stockAfter = variant.stock,
  ): Promise<boolean> {
    try {
      await this.deps.movements.create({
        key: meta.key,
        variantId: variant._id,
        productId: variant.productId,
        storeId: variant.storeId,
        kind: meta.kind,
        delta,
        stockAfter,
        reason: meta.reason,
        actor: actorOf(meta.ctx),
        ...(meta.reservationId ? { reservationId: meta.reservationId } : {}),
        ...(meta.orderGroupId ? { orderGroupId: meta.orderGroupId } : {}),
        ...(meta.unconfirmed ? { unconfirmed: true } : {}),
        at: meta.ctx.now,
      })
      return true
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false
      throw error
    }
  }

  /** Events after a stock change; the product's `inStock` follows stock crossing zero. */
  async changed(variant: VariantDoc, previous: number): Promise<void> {
    const ids = {
      variantId: String(variant._id),
      productId: String(variant.productId),
      storeId: String(variant.storeId),
    }
    await this.deps.events.emit('stock.changed', { ...ids, stock: variant.stock, previous })
    if (previous > 0 !== variant.stock > 0) {
      await refreshProductSummary(this.deps, variant.productId)
      await this.deps.events.emit('product.updated', {
        productId: ids.productId,
        storeId: ids.storeId,
      })
    }
    const threshold = variant.lowStockThreshold
    if (previous > threshold && variant.stock <= threshold) {
      await this.deps.events.emit('stock.low', {
        ...ids,
        sku: variant.sku,
        stock: variant.stock,
        threshold,
      })
    }
  }
}
