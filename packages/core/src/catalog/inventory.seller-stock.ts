import { type Ctx, isAdmin, requireRole } from '../shared/ctx.js'
import { ConflictError, ValidationError } from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { toMovementDTO, toVariantDTO } from './catalog.dto.js'
import { insufficient, type StockCounter, uniqueKey, variantNotFound } from './inventory.counter.js'
import type { InventoryDeps, StockChangeResult } from './inventory.service.js'
import type { StockChangeBody, StockMovementsQuery } from './product.schemas.js'
import type { StockMovementDTO } from './product.types.js'
import type { VariantDoc } from './variant.model.js'

/**
 * The seller's stock (any store's for administrators): `change` (a `delta` or a counted `set`)
 * and the movements of a variant. Each verb is documented on `InventoryService`.
 */
export class SellerStock {
  constructor(
    private deps: InventoryDeps,
    private counter: StockCounter,
  ) {}

  async change(ctx: Ctx, variantId: string, input: StockChangeBody): Promise<StockChangeResult> {
    return input.set !== undefined
      ? this.set(ctx, variantId, input.set, input.reason)
      : this.adjust(ctx, variantId, input.delta ?? 0, input.reason)
  }

  async adjust(
    ctx: Ctx,
    variantId: string,
    delta: number,
    reason: string,
  ): Promise<StockChangeResult> {
    const variant = await this.visibleVariant(ctx, variantId)
    if (!Number.isSafeInteger(delta) || delta === 0) {
      throw new ValidationError('Invalid input', { delta: 'must be a non-zero integer' })
    }
    const moved = await this.counter.move(variant._id, delta, {
      ctx,
      kind: 'adjust',
      key: uniqueKey('adjust'),
      reason,
    })
    if (!moved)
      throw insufficient({
        variantId,
        stock: (await this.deps.variants.findById(variant._id).lean())?.stock ?? 0,
      })
    return { variant: toVariantDTO(moved.variant), previous: moved.previous }
  }

  async set(
    ctx: Ctx,
    variantId: string,
    quantity: number,
    reason: string,
  ): Promise<StockChangeResult> {
    let variant = await this.visibleVariant(ctx, variantId)
    if (!Number.isSafeInteger(quantity) || quantity < 0) {
      throw new ValidationError('Invalid input', { set: 'must be an integer of at least 0' })
    }
    // Compare-and-set on the stock we read: a reservation landing in between makes us re-read.
    for (let attempt = 0; attempt < 5; attempt++) {
      const previous = variant.stock
      if (previous === quantity) return { variant: toVariantDTO(variant), previous }
      const updated = await this.deps.variants
        .findOneAndUpdate(
          { _id: variant._id, stock: previous },
          { $set: { stock: quantity } },
          { returnDocument: 'after' },
        )
        .lean()
      if (updated) {
        await this.counter.record(updated, quantity - previous, {
          ctx,
          kind: 'set',
          key: uniqueKey('set'),
          reason,
        })
        await this.counter.changed(updated, previous)
        return { variant: toVariantDTO(updated), previous }
      }
      const fresh = await this.deps.variants.findById(variant._id).lean()
      if (!fresh) throw variantNotFound()
      variant = fresh
    }
    throw new ConflictError('Stock is changing fast; try again', 'stock_busy')
  }

  async movements(
    ctx: Ctx,
    variantId: string,
    query: StockMovementsQuery,
  ): Promise<Page<StockMovementDTO>> {
    const variant = await this.visibleVariant(ctx, variantId)
    const filter: Record<string, unknown> = { variantId: variant._id }
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.movements
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toMovementDTO, idCursorOf)
  }

  /** The seller's own variant (any variant for administrators); others get NotFoundError. */
  private async visibleVariant(ctx: Ctx, variantId: string): Promise<VariantDoc> {
    requireRole(ctx, 'seller', 'admin')
    if (!isId(variantId)) throw variantNotFound()
    const filter: Record<string, unknown> = { _id: variantId }
    if (!isAdmin(ctx)) filter.storeId = (await this.deps.stores.requireOwnStore(ctx)).id
    const variant = await this.deps.variants.findOne(filter).lean()
    if (!variant) throw variantNotFound()
    return variant
  }
}
