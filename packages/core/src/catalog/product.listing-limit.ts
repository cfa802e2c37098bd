import { op } from '../db/query.js'
import type { Ctx } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { StoreDTO } from '../stores/store.types.js'
import type { ProductModel } from './product.model.js'

/** What a plan's product limit did to a store's live products. */
export interface ListingLimitOutcome {
  /** Products hidden now (over the limit), newest first. */
  hidden: string[]
  /** Products shown again (back under the limit). */
  shown: string[]
}

/** Live or on the way there: what a plan's product limit counts. */
const COUNTED = {
  status: op({ $in: ['approved' as const, 'pending_review' as const] }),
  hiddenByPlan: op({ $ne: true }),
}

/**
 * The product limit of a store's plan (docs/plans.md). Checked when a seller submits a product;
 * applied to live products when the store's plan changes: the oldest live products stay up to
 * the limit, newer ones are hidden from the catalog and checkout (`hiddenByPlan`), never deleted,
 * and come back when a plan allows them again.
 */
export class ListingLimits {
  constructor(private deps: { products: ProductModel; events: EventBus }) {}

  /** @throws InvalidStateError `product_limit_reached` when the plan allows no more products. */
  async assertRoomFor(store: StoreDTO): Promise<void> {
    const limit = store.plan.productLimit
    if (limit === null) return
    const counted = await this.deps.products.countDocuments({ storeId: store.id, ...COUNTED })
    if (counted >= limit) {
      throw new InvalidStateError(
        `Your plan (${store.plan.code}) allows ${limit} live products: archive one or change plan`,
        'product_limit_reached',
        { limit: String(limit), plan: store.plan.code },
      )
    }
  }

  /** Hides the store's live products beyond `limit` (null: none) and shows the rest again. */
  async apply(_ctx: Ctx, storeId: string, limit: number | null): Promise<ListingLimitOutcome> {
    const live = await this.deps.products
      .find({ storeId, status: 'approved' })
      .select({ _id: 1, hiddenByPlan: 1 })
      .sort({ publishedAt: 1, _id: 1 })
      .lean()
    const keep = limit === null ? live.length : limit
    const shown = live.slice(0, keep).filter((p) => p.hiddenByPlan)
    const hidden = live.slice(keep).filter((p) => !p.hiddenByPlan)
    const { products, events } = this.deps
    if (hidden.length > 0) {
      await products.updateMany(
        { _id: op({ $in: hidden.map((p) => p._id) }) },
        { $set: { hiddenByPlan: true } },
      )
    }
    if (shown.length > 0) {
      await products.updateMany(
        { _id: op({ $in: shown.map((p) => p._id) }) },
        { $unset: { hiddenByPlan: 1 } },
      )
    }
    // What buyers see changed: the catalog drops its cached pages of these products.
    for (const product of [...hidden, ...shown])
      await events.emit('product.updated', { productId: String(product._id), storeId })
    return {
      hidden: hidden.map((p) => String(p._id)).reverse(),
      shown: shown.map((p) => String(p._id)),
    }
  }
}
