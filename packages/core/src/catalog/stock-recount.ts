import type { Types } from 'mongoose'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import { type Ctx, requireRole } from '../shared/ctx.js'
import { NotFoundError, ValidationError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import type { ProductModel } from './product.model.js'
import { refreshProductSummary } from './product-summary.js'
import type { StockMovementModel } from './stock-movement.model.js'
import type { VariantModel } from './variant.model.js'

/** A restock younger than this may still be on its way to its `$inc`: a recount leaves it. */
export const RECOUNT_GRACE_MS = 10 * 60_000

export interface VariantRecount {
  variantId: string
  /** The sum of the variant's movements: what the stock should be. */
  movements: number
  stockBefore: number
  stockAfter: number
  /** Unconfirmed restocks whose units were missing and are now on the shelf. */
  restored: number
  /** Unconfirmed restocks whose units were already counted (only the mark was left). */
  confirmed: number
  /**
   * Stock still below the movements after the recount: units taken by a decrement whose
   * movement a crash lost. Not given back (they may be sold): a person counts the shelf.
   */
  shortfall: number
}

/**
 * Recounts a variant's stock from its movements, for the restocks a crash left `unconfirmed`
 * (inventory.counter.ts, class comment): the movement is recorded but its `$inc` may be lost.
 * For each unconfirmed restock older than RECOUNT_GRACE_MS, oldest first: if the stock is short
 * of the movements' sum by at least its quantity, the units are added (`$inc`); either way the
 * mark is cleared, and the movement's `stockAfter` says what the stock is now. `$inc` comes
 * before the mark, so a crash in between is finished by the next recount (the units are then
 * counted, and only the mark is cleared). A second recount changes nothing.
 */
export class StockRecount {
  constructor(
    private deps: {
      products: ProductModel
      variants: VariantModel
      movements: StockMovementModel
      events: EventBus
      audit: Pick<AuditService, 'record'>
    },
  ) {}

  /**
   * Recounts one variant (`variantId`), or every variant with an unconfirmed restock (`all`).
   * Administrators only; each variant recounted is audit-logged as `stock.recounted` with what
   * the recount found and did. @throws NotFoundError for an unknown variant.
   */
  async recount(
    ctx: Ctx,
    target: { variantId: string } | { all: true },
  ): Promise<{ variants: VariantRecount[] }> {
    requireRole(ctx, 'admin')
    let ids: Types.ObjectId[]
    if ('variantId' in target) {
      if (!isId(target.variantId)) {
        throw new ValidationError('Invalid variant id', { variantId: 'must be a variant id' })
      }
      const variant = await this.deps.variants.findById(target.variantId).select({ _id: 1 }).lean()
      if (!variant) throw new NotFoundError('Variant')
      ids = [variant._id]
    } else {
      ids = await this.deps.movements.distinct('variantId', { unconfirmed: true })
    }
    const variants: VariantRecount[] = []
    for (const id of ids) {
      const recounted = await this.recountOne(ctx, id)
      const { variantId, ...details } = recounted
      await this.deps.audit.record(
        ctx,
        'stock.recounted',
        { type: 'variant', id: variantId },
        {
          details,
        },
      )
      variants.push(recounted)
    }
    return { variants }
  }

  private async recountOne(ctx: Ctx, variantId: Types.ObjectId): Promise<VariantRecount> {
    const { variants, movements } = this.deps
    const rows = await movements.aggregate<{ total: number }>([
      { $match: { variantId } },
      { $group: { _id: null, total: { $sum: '$delta' } } },
    ])
    const expected = rows[0]?.total ?? 0
    const before = (await variants.findById(variantId).lean())?.stock ?? 0
    const pending = await movements
      .find({
        variantId,
        unconfirmed: true,
        at: op({ $lt: new Date(ctx.now.getTime() - RECOUNT_GRACE_MS) }),
      })
      .sort({ _id: 1 })
      .lean()
    let stock = before
    let restored = 0
    let confirmed = 0
    for (const movement of pending) {
      if (expected - stock >= movement.delta) {
        const after = await variants
          .findOneAndUpdate(
            { _id: variantId },
            { $inc: { stock: movement.delta } },
            { returnDocument: 'after' },
          )
          .lean()
        if (!after) break
        stock = after.stock
        restored++
      } else {
        confirmed++
      }
      await movements.updateOne(
        { _id: movement._id, unconfirmed: true },
        { $set: { stockAfter: stock }, $unset: { unconfirmed: 1 } },
      )
    }
    if (stock !== before) await this.announce(variantId, stock, before)
    return {
      variantId: String(variantId),
      movements: expected,
      stockBefore: before,
      stockAfter: stock,
      restored,
      confirmed,
      shortfall: Math.max(expected - stock, 0),
    }
  }

  /** What any stock change tells: `stock.changed`, and the product's `inStock` when it crossed 0. */
  private async announce(variantId: Types.ObjectId, stock: number, previous: number) {
    const variant = await this.deps.variants.findById(variantId).lean()
    if (!variant) return
    const ids = {
      variantId: String(variant._id),
      productId: String(variant.productId),
      storeId: String(variant.storeId),
    }
    await this.deps.events.emit('stock.changed', { ...ids, stock, previous })
    if (previous > 0 !== stock > 0) {
      await refreshProductSummary(this.deps, variant.productId)
      await this.deps.events.emit('product.updated', {
        productId: ids.productId,
        storeId: ids.storeId,
      })
    }
  }
}
