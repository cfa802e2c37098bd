import { type Ctx, describeActor } from '../shared/ctx.js'
import { ConflictError, InvalidStateError, ValidationError } from '../shared/errors.js'
import { toVariantDTO } from './catalog.dto.js'
import type { ProductDoc } from './product.model.js'
import { type ProductRecords, variantNotFound } from './product.records.js'
import {
  type CreateVariantBody,
  MAX_VARIANTS_PER_PRODUCT,
  type UpdateVariantBody,
} from './product.schemas.js'
import type { OptionAxis, VariantDTO } from './product.types.js'
import type { ProductsDeps } from './products.service.js'
import type { OptionValueDoc, VariantDoc } from './variant.model.js'

/**
 * Checks option values against a product's axes and returns them as stored pairs, each value
 * spelled as the axis spells it. @throws ValidationError `invalid_options`
 */
export function optionPairs(axes: OptionAxis[], given: Record<string, string>): OptionValueDoc[] {
  const details: Record<string, string> = {}
  for (const name of Object.keys(given)) {
    if (!axes.some((axis) => axis.name === name))
      details[`options.${name}`] = 'not an option of this product'
  }
  const pairs: OptionValueDoc[] = []
  for (const axis of axes) {
    const value = Object.hasOwn(given, axis.name) ? given[axis.name] : undefined
    const canonical = value && axis.values.find((v) => v.toLowerCase() === value.toLowerCase())
    if (!value) details[`options.${axis.name}`] = 'required'
    else if (!canonical)
      details[`options.${axis.name}`] = `must be one of ${axis.values.join(', ')}`
    else pairs.push({ name: axis.name, value: canonical })
  }
  if (Object.keys(details).length)
    throw new ValidationError('Invalid options', details, 'invalid_options')
  return pairs
}

const comboKey = (pairs: OptionValueDoc[]) =>
  pairs
    .map((p) => `${p.name}=${p.value.toLowerCase()}`)
    .sort()
    .join('|')

const skuTaken = () => new ConflictError('This SKU is already used in your store', 'sku_taken')

/**
 * A product's variants (SKUs): add, change, remove. Price and stock need no review, so a
 * variant of an approved product sells at once; stock itself is InventoryService's.
 */
export class ProductVariants {
  constructor(
    private deps: ProductsDeps,
    private records: ProductRecords,
  ) {}

  /**
   * Adds a variant (SKU). It is sellable at once on an approved product: it fits the live option
   * axes, and price and stock need no review.
   * @throws ConflictError `variant_limit`, `sku_taken`, `options_taken`; ValidationError `invalid_options`
   */
  async addVariant(ctx: Ctx, productId: string, input: CreateVariantBody): Promise<VariantDTO> {
    const { product } = await this.records.ownProduct(ctx, productId)
    if (product.status === 'archived') {
      throw new InvalidStateError('Archived products cannot be changed', 'product_archived')
    }
    const pairs = optionPairs(product.options, input.options)
    const siblings = await this.records.variantsOf(product._id)
    // Counted before the insert: two concurrent adds at 99 could both pass (a soft limit).
    if (siblings.length >= MAX_VARIANTS_PER_PRODUCT) {
      throw new ConflictError(
        `A product has at most ${MAX_VARIANTS_PER_PRODUCT} variants`,
        'variant_limit',
      )
    }
    this.assertComboFree(product, pairs, siblings)
    let created: VariantDoc
    try {
      created = (
        await this.deps.variants.create({
          productId: product._id,
          storeId: product.storeId,
          sku: input.sku,
          options: pairs,
          price: input.price,
          ...(input.compareAtPrice !== undefined ? { compareAtPrice: input.compareAtPrice } : {}),
          stock: input.stock,
          lowStockThreshold: input.lowStockThreshold,
          weightGrams: input.weightGrams,
        })
      ).toObject()
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) throw skuTaken()
      throw error
    }
    if (created.stock > 0) {
      await this.deps.movements.create({
        key: `${created._id}:initial`,
        variantId: created._id,
        productId: product._id,
        storeId: product.storeId,
        kind: 'initial',
        delta: created.stock,
        stockAfter: created.stock,
        reason: 'initial stock',
        actor: { kind: ctx.actor.kind, label: describeActor(ctx.actor) },
        at: ctx.now,
      })
    }
    await this.records.summaryChanged(product)
    return toVariantDTO(created)
  }

  private assertComboFree(
    product: ProductDoc,
    pairs: OptionValueDoc[],
    siblings: VariantDoc[],
  ): void {
    if (!product.options.length) {
      if (siblings.length) {
        throw new ConflictError('A product without options has one variant', 'options_taken')
      }
      return
    }
    const key = comboKey(pairs)
    if (siblings.some((v) => comboKey(v.options) === key)) {
      throw new ConflictError('Another variant already has these options', 'options_taken')
    }
  }

  /**
   * Changes a variant; a price change takes effect at once. Stock is not changed here.
   * @throws ConflictError `sku_taken`, `options_taken`; ValidationError
   */
  async updateVariant(ctx: Ctx, variantId: string, input: UpdateVariantBody): Promise<VariantDTO> {
    const { variant, product } = await this.records.ownVariant(ctx, variantId)
    if (product.status === 'archived') {
      throw new InvalidStateError('Archived products cannot be changed', 'product_archived')
    }
    const $set: Record<string, unknown> = {}
    const $unset: Record<string, 1> = {}
    if (input.sku !== undefined && input.sku !== variant.sku) {
      // A pre-check, not the index: an update colliding with a unique index fails with an
      // unportable code on our engine (ferretdb.md section 6, rule 3).
      if (await this.deps.variants.exists({ storeId: variant.storeId, sku: input.sku }))
        throw skuTaken()
      $set.sku = input.sku
    }
    if (input.options) {
      const pairs = optionPairs(product.options, input.options)
      const siblings = (await this.records.variantsOf(product._id)).filter(
        (v) => !v._id.equals(variant._id),
      )
      this.assertComboFree(product, pairs, siblings)
      $set.options = pairs
    }
    const price = input.price ?? variant.price
    const compareAt =
      input.compareAtPrice === null ? undefined : (input.compareAtPrice ?? variant.compareAtPrice)
    if (compareAt !== undefined && compareAt <= price) {
      throw new ValidationError('Invalid input', { compareAtPrice: 'must be above price' })
    }
    if (input.price !== undefined) $set.price = input.price
    if (input.compareAtPrice === null) $unset.compareAtPrice = 1
    else if (input.compareAtPrice !== undefined) $set.compareAtPrice = input.compareAtPrice
    if (input.lowStockThreshold !== undefined) $set.lowStockThreshold = input.lowStockThreshold
    if (input.weightGrams !== undefined) $set.weightGrams = input.weightGrams
    const updated = await this.deps.variants
      .findOneAndUpdate(
        { _id: variant._id },
        { $set, ...(Object.keys($unset).length ? { $unset } : {}) },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) throw variantNotFound()
    if (updated.price !== variant.price) {
      this.deps.events.emit('variant.price_changed', {
        variantId: String(updated._id),
        productId: String(updated.productId),
        storeId: String(updated.storeId),
        price: updated.price,
        previous: variant.price,
      })
    }
    if (input.price !== undefined || input.options) await this.records.summaryChanged(product)
    return toVariantDTO(updated)
  }

  /**
   * Deletes a variant. @throws ConflictError `variant_reserved` while checkouts hold its stock;
   * InvalidStateError `last_variant` for the only variant of a live product.
   */
  async removeVariant(ctx: Ctx, variantId: string): Promise<void> {
    const { variant, product } = await this.records.ownVariant(ctx, variantId)
    if (await this.deps.reservations.exists({ 'lines.variantId': variant._id, status: 'active' })) {
      throw new ConflictError(
        'Checkouts are holding stock of this variant; try later',
        'variant_reserved',
      )
    }
    if (product.status === 'approved' || product.status === 'pending_review') {
      const count = await this.deps.variants.countDocuments({ productId: product._id })
      if (count <= 1) {
        throw new InvalidStateError(
          'A product on sale or under review keeps at least one variant',
          'last_variant',
        )
      }
    }
    await this.deps.variants.deleteOne({ _id: variant._id })
    await this.records.summaryChanged(product)
  }
}
