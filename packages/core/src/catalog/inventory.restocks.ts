import { type Ctx, requireAdminOrSystem } from '../shared/ctx.js'
import { ConflictError } from '../shared/errors.js'
import { validateInput } from '../shared/validate.js'
import { toMovementDTO, toVariantDTO } from './catalog.dto.js'
import { type StockCounter, variantNotFound } from './inventory.counter.js'
import type { InventoryDeps, RestockResult } from './inventory.service.js'
import {
  type RestockInput,
  restockInput,
  type UnconfirmedMovementsQuery,
  unconfirmedMovementsQuery,
} from './product.schemas.js'
import type { StockMovementDTO } from './product.types.js'
import type { VariantDoc } from './variant.model.js'

/**
 * The platform's keyed restocks (refunds, returns): the movement first, then the `$inc`
 * (inventory.counter.ts, class comment), and the list of restocks a crash left `unconfirmed`.
 * Each verb is documented on `InventoryService`.
 */
export class Restocks {
  constructor(
    private deps: InventoryDeps,
    private counter: StockCounter,
  ) {}

  async restock(ctx: Ctx, input: RestockInput): Promise<RestockResult> {
    requireAdminOrSystem(ctx)
    const { variantId, quantity, key, reason, refs } = validateInput(restockInput, input)
    const variant = await this.deps.variants.findById(variantId).lean()
    if (!variant) throw variantNotFound()
    // The key before the counter (StockCounter's comment): at most once, even across a crash.
    const claimed = await this.counter.record(
      variant,
      quantity,
      {
        ctx,
        kind: 'restock',
        key,
        reason,
        ...(refs?.orderGroupId ? { orderGroupId: refs.orderGroupId } : {}),
        unconfirmed: true,
      },
      variant.stock + quantity,
    )
    if (!claimed) return this.repeatedRestock(key, variant, quantity)
    const after = await this.deps.variants
      .findOneAndUpdate(
        { _id: variant._id },
        { $inc: { stock: quantity } },
        { returnDocument: 'after' },
      )
      .lean()
    // Removed meanwhile: the movement stays unconfirmed, which is true, and nothing is on sale.
    if (!after) throw variantNotFound()
    await this.deps.movements.updateOne(
      { key },
      { $set: { stockAfter: after.stock }, $unset: { unconfirmed: 1 } },
    )
    const previous = after.stock - quantity
    await this.counter.changed(after, previous)
    return { applied: true, variant: toVariantDTO(after), previous }
  }

  async unconfirmedMovements(
    ctx: Ctx,
    query: UnconfirmedMovementsQuery = {},
  ): Promise<{ items: StockMovementDTO[]; total: number }> {
    requireAdminOrSystem(ctx)
    const { limit } = validateInput(unconfirmedMovementsQuery, query)
    const filter = { unconfirmed: true }
    const rows = await this.deps.movements.find(filter).sort({ _id: -1 }).limit(limit).lean()
    const total = await this.deps.movements.countDocuments(filter)
    return { items: rows.map(toMovementDTO), total }
  }

  /** A restock whose key is taken: the same request again changes nothing. */
  private async repeatedRestock(
    key: string,
    variant: VariantDoc,
    quantity: number,
  ): Promise<RestockResult> {
    const recorded = await this.deps.movements.findOne({ key }).lean()
    if (
      recorded?.kind !== 'restock' ||
      !recorded.variantId.equals(variant._id) ||
      recorded.delta !== quantity
    ) {
      throw new ConflictError(
        'This restock key was used for another restock',
        'restock_key_reused',
        { key },
      )
    }
    if (recorded.unconfirmed)
      this.deps.logger.warn(
        { key, variantId: String(variant._id) },
        'restock repeated while its first attempt is unconfirmed (in flight, or interrupted: recount)',
      )
    const current = (await this.deps.variants.findById(variant._id).lean()) ?? variant
    return { applied: false, variant: toVariantDTO(current), previous: current.stock }
  }
}
