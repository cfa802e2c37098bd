import type { Types } from 'mongoose'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import { type Ctx, isAdmin, requireRole } from '../shared/ctx.js'
import { ChangedMeanwhileError, NotFoundError } from '../shared/errors.js'
import type { OutboxEntry, OutboxSource } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import type { StoreDTO } from '../stores/store.types.js'
import type { ProductDoc } from './product.model.js'
import type { ProductContent, ProductStatus } from './product.types.js'
import type { ProductImage } from './product-images.port.js'
import { refreshProductSummary, searchTextOf } from './product-summary.js'
import type { ProductsDeps } from './products.service.js'
import type { VariantDoc } from './variant.model.js'

export const productNotFound = () => new NotFoundError('Product')
export const variantNotFound = () => new NotFoundError('Variant')
export const changedMeanwhile = () =>
  new ChangedMeanwhileError('product', 'The product changed meanwhile; reload it and try again')

export /** The `$set`/`$unset` that write content onto the live fields of a product. */
function liveContentUpdate(content: ProductContent) {
  const { brand, ...rest } = content
  return {
    $set: { ...rest, ...(brand ? { brand } : {}), searchText: searchTextOf(content) },
    ...(brand ? {} : { $unset: { brand: 1 } }),
  }
}

export /** Images a content change leaves behind: referenced by neither version any more. */
function droppedImages(before: ProductImage[], ...kept: ProductImage[][]): ProductImage[] {
  const keep = new Set(kept.flat().map((i) => i.id))
  return before.filter((i) => !keep.has(i.id))
}

/**
 * What every part of the products feature shares: loading a product or variant with
 * authorization (another seller's product looks absent), the status compare-and-set, and the
 * two side effects of a change (the variant summary, images no version uses any more).
 */
export class ProductRecords {
  private outbox: OutboxSource

  constructor(private deps: ProductsDeps) {
    this.outbox = outboxSourceOf(deps.products)
  }

  /** The seller's own product, or NotFoundError: other sellers' products do not exist for them. */
  async ownProduct(ctx: Ctx, productId: string): Promise<{ product: ProductDoc; store: StoreDTO }> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    if (!isId(productId)) throw productNotFound()
    const product = await this.deps.products.findOne({ _id: productId, storeId: store.id }).lean()
    if (!product) throw productNotFound()
    return { product, store }
  }

  /** Administrators see any product; sellers only their own. */
  async visibleProduct(ctx: Ctx, productId: string): Promise<ProductDoc> {
    if (!isAdmin(ctx)) return (await this.ownProduct(ctx, productId)).product
    if (!isId(productId)) throw productNotFound()
    const product = await this.deps.products.findById(productId).lean()
    if (!product) throw productNotFound()
    return product
  }

  async anyProduct(ctx: Ctx, productId: string): Promise<ProductDoc> {
    requireRole(ctx, 'admin')
    return this.visibleProduct(ctx, productId)
  }

  async ownVariant(ctx: Ctx, variantId: string) {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    if (!isId(variantId)) throw variantNotFound()
    const variant = await this.deps.variants.findOne({ _id: variantId, storeId: store.id }).lean()
    if (!variant) throw variantNotFound()
    const product = await this.deps.products.findById(variant.productId).lean()
    if (!product) throw variantNotFound()
    return { variant, product, store }
  }

  async variantsOf(productId: Types.ObjectId): Promise<VariantDoc[]> {
    return this.deps.variants.find({ productId }).sort({ _id: 1 }).lean()
  }

  async setStatus(
    product: ProductDoc,
    to: ProductStatus,
    extra: { $set?: Record<string, unknown>; $unset?: Record<string, 1> },
    event?: OutboxEntry,
  ): Promise<ProductDoc> {
    const updated = await this.deps.products
      .findOneAndUpdate(
        { _id: product._id, status: product.status },
        {
          $set: { status: to, ...extra.$set, ...(event ? OUTBOX_PENDING : {}) },
          ...(extra.$unset ? { $unset: extra.$unset } : {}),
          // The decision's event rides in the same single-document update (docs/architecture.md).
          ...(event ? { $push: { outbox: event } } : {}),
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) throw changedMeanwhile()
    if (event) await this.deps.events.publishOutbox(this.outbox, updated._id, [event])
    return updated
  }

  /** Tells the images feature which stored images no version of the product uses any more. */
  async imagesDropped(product: ProductDoc, images: ProductImage[]): Promise<void> {
    if (!images.length) return
    await this.deps.events.emit('product.images_dropped', {
      productId: String(product._id),
      storeId: String(product.storeId),
      images,
    })
  }

  /** Recomputes the variant-derived fields; the live catalog hears about it for live products. */
  async summaryChanged(product: ProductDoc): Promise<void> {
    await refreshProductSummary(this.deps, product._id)
    if (product.status === 'approved') {
      await this.deps.events.emit('product.updated', {
        productId: String(product._id),
        storeId: String(product.storeId),
      })
    }
  }
}
