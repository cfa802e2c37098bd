import type { Types } from 'mongoose'
import type { OptionalReasonBody, ReasonBody } from '../accounts/account.schemas.js'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import type { MailService } from '../mail/mail.service.js'
import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import { type Ctx, describeActor, isAdmin, requireRole } from '../shared/ctx.js'
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus, OutboxEntry, OutboxSource } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { assertTransition } from '../shared/transitions.js'
import type { StoreOwners } from '../stores/store.service.js'
import type { StoreDTO, StoreLookup } from '../stores/store.types.js'
import { contentOf, toProductDTO, toVariantDTO } from './catalog.dto.js'
import type { ProductDoc, ProductModel } from './product.model.js'
import {
  type CreateProductBody,
  type CreateVariantBody,
  type ListOwnProductsQuery,
  type ListProductsQuery,
  MAX_VARIANTS_PER_PRODUCT,
  type UpdateProductBody,
  type UpdateVariantBody,
} from './product.schemas.js'
import { productTransitions } from './product.transitions.js'
import type {
  OptionAxis,
  ProductContent,
  ProductDetailDTO,
  ProductDTO,
  ProductStatus,
  VariantDTO,
} from './product.types.js'
import {
  type DetachedImage,
  MAX_IMAGES_PER_PRODUCT,
  type ProductImage,
  type ProductImageSlots,
} from './product-images.port.js'
import { refreshProductSummary, searchTextOf, wordsOf } from './product-summary.js'
import type { ReservationModel } from './reservation.model.js'
import { sellerAddress } from './seller-mail.js'
import type { StockMovementModel } from './stock-movement.model.js'
import type { OptionValueDoc, VariantDoc, VariantModel } from './variant.model.js'

export interface ProductsDeps {
  products: ProductModel
  variants: VariantModel
  movements: StockMovementModel
  reservations: ReservationModel
  stores: StoreLookup
  /** Store owners' accounts, for mail. */
  owners: StoreOwners
  audit: AuditService
  mail: MailService
  events: EventBus
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const productNotFound = () => new NotFoundError('Product')
const variantNotFound = () => new NotFoundError('Variant')
const changedMeanwhile = () =>
  new InvalidStateError(
    'The product changed meanwhile; reload it and try again',
    'concurrent_change',
  )

/** The `$set`/`$unset` that write content onto the live fields of a product. */
function liveContentUpdate(content: ProductContent) {
  const { brand, ...rest } = content
  return {
    $set: { ...rest, ...(brand ? { brand } : {}), searchText: searchTextOf(content) },
    ...(brand ? {} : { $unset: { brand: 1 } }),
  }
}

function revisionOf(content: ProductContent, submittedAt: Date) {
  return { ...content, submittedAt }
}

const sameContent = (a: ProductContent, b: ProductContent) =>
  JSON.stringify(a) === JSON.stringify(b)

/** Images a content change leaves behind: referenced by neither version any more. */
function droppedImages(before: ProductImage[], ...kept: ProductImage[][]): ProductImage[] {
  const keep = new Set(kept.flat().map((i) => i.id))
  return before.filter((i) => !keep.has(i.id))
}

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

/**
 * Products and their variants: sellers prepare and submit them, administrators review them and
 * later edits (revisions). Stock is InventoryService's. Implements the images port.
 */
export class ProductsService implements ProductImageSlots {
  private outbox: OutboxSource

  constructor(private deps: ProductsDeps) {
    this.outbox = outboxSourceOf(deps.products)
  }

  // ---- loading with authorization -------------------------------------------------------------

  /** The seller's own product, or NotFoundError: other sellers' products do not exist for them. */
  private async ownProduct(
    ctx: Ctx,
    productId: string,
  ): Promise<{ product: ProductDoc; store: StoreDTO }> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    if (!isId(productId)) throw productNotFound()
    const product = await this.deps.products.findOne({ _id: productId, storeId: store.id }).lean()
    if (!product) throw productNotFound()
    return { product, store }
  }

  /** Administrators see any product; sellers only their own. */
  private async visibleProduct(ctx: Ctx, productId: string): Promise<ProductDoc> {
    if (!isAdmin(ctx)) return (await this.ownProduct(ctx, productId)).product
    if (!isId(productId)) throw productNotFound()
    const product = await this.deps.products.findById(productId).lean()
    if (!product) throw productNotFound()
    return product
  }

  private async anyProduct(ctx: Ctx, productId: string): Promise<ProductDoc> {
    requireRole(ctx, 'admin')
    return this.visibleProduct(ctx, productId)
  }

  private async ownVariant(ctx: Ctx, variantId: string) {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    if (!isId(variantId)) throw variantNotFound()
    const variant = await this.deps.variants.findOne({ _id: variantId, storeId: store.id }).lean()
    if (!variant) throw variantNotFound()
    const product = await this.deps.products.findById(variant.productId).lean()
    if (!product) throw variantNotFound()
    return { variant, product, store }
  }

  private async variantsOf(productId: Types.ObjectId): Promise<VariantDoc[]> {
    return this.deps.variants.find({ productId }).sort({ _id: 1 }).lean()
  }

  // ---- seller: products ---------------------------------------------------------------------

  /** Creates a draft in the seller's store; stores not yet approved may prepare drafts. */
  async create(ctx: Ctx, input: CreateProductBody): Promise<ProductDTO> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    if (store.status === 'closed')
      throw new InvalidStateError('Your store is closed', 'store_closed')
    const content: ProductContent = {
      title: input.title,
      description: input.description,
      category: input.category,
      ...(input.brand ? { brand: input.brand } : {}),
      tags: input.tags,
      options: input.options.map((o) => ({ name: o.name, values: o.values })),
      images: [],
    }
    const created = await this.deps.products.create({
      storeId: store.id,
      status: 'draft',
      ...content,
      searchText: searchTextOf(content),
      inStock: false,
      variantCount: 0,
      optionValues: [],
    })
    return toProductDTO(created.toObject())
  }

  /** The seller's products, newest first, by status and words of the title, brand and tags. */
  async listOwn(ctx: Ctx, query: ListOwnProductsQuery): Promise<Page<ProductDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    const filter: Record<string, unknown> = { storeId: store.id }
    if (query.status) filter.status = query.status
    const words = query.q ? wordsOf(query.q) : []
    if (words.length) filter.$and = words.map((w) => ({ searchText: new RegExp(escapeRegex(w)) }))
    return this.page(filter, query)
  }

  /** Products for administrators: the review queue is `status=pending_review` or `revision=pending`. */
  async list(ctx: Ctx, query: ListProductsQuery): Promise<Page<ProductDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = {}
    if (query.status) filter.status = query.status
    if (query.store) filter.storeId = query.store
    if (query.revision === 'pending') filter['pendingRevision.submittedAt'] = op({ $exists: true })
    return this.page(filter, query)
  }

  private async page(
    filter: Record<string, unknown>,
    query: { limit: number; cursor?: string | undefined },
  ): Promise<Page<ProductDTO>> {
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.products
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, toProductDTO, idCursorOf)
  }

  /** One product with its variants: any product for administrators, their own for sellers. */
  async get(ctx: Ctx, productId: string): Promise<ProductDetailDTO> {
    const product = await this.visibleProduct(ctx, productId)
    const variants = await this.variantsOf(product._id)
    return { ...toProductDTO(product), variants: variants.map(toVariantDTO) }
  }

  /**
   * Edits content. Drafts and rejected products change at once; an approved product keeps its
   * live content and collects the edit in `pendingRevision` for review.
   * @throws InvalidStateError while under review or once archived; ConflictError `options_in_use`
   */
  async update(ctx: Ctx, productId: string, input: UpdateProductBody): Promise<ProductDTO> {
    const { product } = await this.ownProduct(ctx, productId)
    const base = this.editableContent(product)
    const next: ProductContent = {
      title: input.title ?? base.title,
      description: input.description ?? base.description,
      category: input.category ?? base.category,
      tags: input.tags ?? base.tags,
      options: input.options
        ? input.options.map((o) => ({ name: o.name, values: o.values }))
        : base.options,
      images: base.images,
    }
    const brand = input.brand === null ? undefined : (input.brand ?? base.brand)
    if (brand) next.brand = brand
    if (input.options) await this.assertOptionsFitVariants(product._id, next.options)
    return toProductDTO(await this.writeContent(ctx, product, next))
  }

  /** The content an edit starts from: the pending revision of an approved product, else the live one. */
  private editableContent(product: ProductDoc): ProductContent {
    if (product.status === 'archived') {
      throw new InvalidStateError('Archived products cannot be changed', 'product_archived')
    }
    if (product.status === 'pending_review') {
      throw new InvalidStateError(
        'The product is under review; wait for the decision',
        'under_review',
      )
    }
    return contentOf(
      product.status === 'approved' && product.pendingRevision ? product.pendingRevision : product,
    )
  }

  /** Writes edited content: to the revision of an approved product, else live. Compare-and-set. */
  private async writeContent(
    ctx: Ctx,
    product: ProductDoc,
    next: ProductContent,
  ): Promise<ProductDoc> {
    const guard = { _id: product._id, status: product.status, updatedAt: product.updatedAt }
    let update: Record<string, unknown>
    if (product.status === 'approved') {
      // Editing back to exactly what is live withdraws the revision.
      update = sameContent(next, contentOf(product))
        ? { $unset: { pendingRevision: 1 } }
        : { $set: { pendingRevision: revisionOf(next, ctx.now) } }
    } else {
      update = liveContentUpdate(next)
    }
    const updated = await this.deps.products
      .findOneAndUpdate(guard, update, { returnDocument: 'after' })
      .lean()
    if (!updated) throw changedMeanwhile()
    return updated
  }

  /** Every existing variant must still be a valid combination of the new axes. */
  private async assertOptionsFitVariants(
    productId: Types.ObjectId,
    axes: OptionAxis[],
  ): Promise<void> {
    const variants = await this.variantsOf(productId)
    const misfits = variants.filter((v) => {
      try {
        optionPairs(axes, Object.fromEntries(v.options.map((o) => [o.name, o.value])))
        return false
      } catch {
        return true
      }
    })
    if (misfits.length) {
      throw new ConflictError(
        'Some variants use options these axes no longer offer',
        'options_in_use',
        {
          skus: misfits.map((v) => v.sku),
        },
      )
    }
  }

  /**
   * Sends a draft (or an edited rejected product) to review.
   * @throws InvalidStateError `invalid_transition`, `store_not_approved`, `no_variants`
   */
  async submit(ctx: Ctx, productId: string): Promise<ProductDTO> {
    const { product, store } = await this.ownProduct(ctx, productId)
    assertTransition(productTransitions, product.status, 'pending_review', 'Product')
    if (store.status !== 'approved') {
      throw new InvalidStateError(
        'Your store must be approved before its products can be submitted',
        'store_not_approved',
      )
    }
    if ((await this.deps.variants.countDocuments({ productId: product._id })) === 0) {
      throw new InvalidStateError('Add at least one variant before submitting', 'no_variants')
    }
    const updated = await this.setStatus(product, 'pending_review', {
      $set: { submittedAt: ctx.now },
      $unset: { statusReason: 1 },
    })
    return toProductDTO(updated)
  }

  /** Takes an approved product off sale for good; the seller or an administrator. */
  async archive(ctx: Ctx, productId: string, input: OptionalReasonBody = {}): Promise<ProductDTO> {
    const product = isAdmin(ctx)
      ? await this.anyProduct(ctx, productId)
      : (await this.ownProduct(ctx, productId)).product
    assertTransition(productTransitions, product.status, 'archived', 'Product')
    const updated = await this.setStatus(product, 'archived', {
      $set: { archivedAt: ctx.now, ...(input.reason ? { statusReason: input.reason } : {}) },
      $unset: { pendingRevision: 1 },
    })
    await this.deps.audit.record(
      ctx,
      'product.archived',
      { type: 'product', id: String(product._id) },
      input,
    )
    await this.deps.events.emit('product.archived', {
      productId: String(product._id),
      storeId: String(product.storeId),
    })
    // A pending revision dies with the archive; images only it used are no longer needed.
    if (product.pendingRevision) {
      await this.imagesDropped(
        updated,
        droppedImages(product.pendingRevision.images, product.images),
      )
    }
    return toProductDTO(updated)
  }

  private async setStatus(
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

  // ---- admin: decisions --------------------------------------------------------------------------

  /** Approves a product under review: it goes live. @throws InvalidStateError `invalid_transition` */
  async approve(ctx: Ctx, productId: string, input: OptionalReasonBody = {}): Promise<ProductDTO> {
    const product = await this.anyProduct(ctx, productId)
    assertTransition(productTransitions, product.status, 'approved', 'Product')
    const event = this.deps.events.outboxEntry('product.approved', {
      productId: String(product._id),
      storeId: String(product.storeId),
    })
    const updated = await this.setStatus(
      product,
      'approved',
      {
        $set: {
          approvedAt: ctx.now,
          approvedBy: describeActor(ctx.actor),
          publishedAt: product.publishedAt ?? ctx.now,
        },
        $unset: { statusReason: 1 },
      },
      event,
    )
    await this.decided(ctx, updated, 'product.approved', input.reason, (store) =>
      mailTemplates.productApproved({ storeName: store.name, title: updated.title }),
    )
    return toProductDTO(updated)
  }

  /** Refuses a product under review, with the reason the seller reads. */
  async reject(ctx: Ctx, productId: string, input: ReasonBody): Promise<ProductDTO> {
    const product = await this.anyProduct(ctx, productId)
    assertTransition(productTransitions, product.status, 'rejected', 'Product')
    const event = this.deps.events.outboxEntry('product.rejected', {
      productId: String(product._id),
      storeId: String(product.storeId),
      reason: input.reason,
    })
    const updated = await this.setStatus(
      product,
      'rejected',
      { $set: { statusReason: input.reason } },
      event,
    )
    await this.decided(ctx, updated, 'product.rejected', input.reason, (store) =>
      mailTemplates.productRejected({
        storeName: store.name,
        title: updated.title,
        reason: input.reason,
      }),
    )
    return toProductDTO(updated)
  }

  private pendingRevisionOf(product: ProductDoc) {
    if (product.status !== 'approved' || !product.pendingRevision) {
      throw new InvalidStateError(
        'No edit of this product is waiting for review',
        'no_pending_revision',
      )
    }
    return product.pendingRevision
  }

  /** Makes a pending revision the live content. @throws InvalidStateError `no_pending_revision` */
  async approveRevision(
    ctx: Ctx,
    productId: string,
    input: OptionalReasonBody = {},
  ): Promise<ProductDTO> {
    const product = await this.anyProduct(ctx, productId)
    const revision = this.pendingRevisionOf(product)
    const next = contentOf(revision)
    const live = liveContentUpdate(next)
    const updated = await this.deps.products
      .findOneAndUpdate(
        {
          _id: product._id,
          status: 'approved',
          'pendingRevision.submittedAt': revision.submittedAt,
        },
        { $set: live.$set, $unset: { ...live.$unset, pendingRevision: 1, revisionRejection: 1 } },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) throw changedMeanwhile()
    await this.decided(ctx, updated, 'product.revision_approved', input.reason, (store) =>
      mailTemplates.productRevisionApproved({ storeName: store.name, title: updated.title }),
    )
    const storeId = String(updated.storeId)
    await this.deps.events.emit('product.revision_approved', { productId, storeId })
    await this.deps.events.emit('product.updated', { productId, storeId })
    await this.imagesDropped(updated, droppedImages(product.images, updated.images))
    return toProductDTO(updated)
  }

  /** Refuses a pending revision: the live content stays, and the seller reads the reason. */
  async rejectRevision(ctx: Ctx, productId: string, input: ReasonBody): Promise<ProductDTO> {
    const product = await this.anyProduct(ctx, productId)
    const revision = this.pendingRevisionOf(product)
    const updated = await this.deps.products
      .findOneAndUpdate(
        {
          _id: product._id,
          status: 'approved',
          'pendingRevision.submittedAt': revision.submittedAt,
        },
        {
          $set: { revisionRejection: { reason: input.reason, at: ctx.now } },
          $unset: { pendingRevision: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) throw changedMeanwhile()
    await this.decided(ctx, updated, 'product.revision_rejected', input.reason, (store) =>
      mailTemplates.productRevisionRejected({
        storeName: store.name,
        title: updated.title,
        reason: input.reason,
      }),
    )
    await this.imagesDropped(updated, droppedImages(revision.images, product.images))
    return toProductDTO(updated)
  }

  /** Audits a decision and tells the seller by email. */
  private async decided(
    ctx: Ctx,
    product: ProductDoc,
    action: string,
    reason: string | undefined,
    mail: (store: StoreDTO) => RenderedMail,
  ): Promise<void> {
    await this.deps.audit.record(
      ctx,
      action,
      { type: 'product', id: String(product._id) },
      reason ? { reason } : {},
    )
    const store = await this.deps.stores.getStore(String(product.storeId))
    await this.deps.mail.send(await sellerAddress(this.deps.owners, store), mail(store))
  }

  /** Tells the images feature which stored images no version of the product uses any more. */
  private async imagesDropped(product: ProductDoc, images: ProductImage[]): Promise<void> {
    if (!images.length) return
    await this.deps.events.emit('product.images_dropped', {
      productId: String(product._id),
      storeId: String(product.storeId),
      images,
    })
  }

  // ---- seller: variants -----------------------------------------------------------------------

  /**
   * Adds a variant (SKU). It is sellable at once on an approved product: it fits the live option
   * axes, and price and stock need no review.
   * @throws ConflictError `variant_limit`, `sku_taken`, `options_taken`; ValidationError `invalid_options`
   */
  async addVariant(ctx: Ctx, productId: string, input: CreateVariantBody): Promise<VariantDTO> {
    const { product } = await this.ownProduct(ctx, productId)
    if (product.status === 'archived') {
      throw new InvalidStateError('Archived products cannot be changed', 'product_archived')
    }
    const pairs = optionPairs(product.options, input.options)
    const siblings = await this.variantsOf(product._id)
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
    await this.summaryChanged(product)
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
    const { variant, product } = await this.ownVariant(ctx, variantId)
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
      const siblings = (await this.variantsOf(product._id)).filter(
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
      await this.deps.events.emit('variant.price_changed', {
        variantId: String(updated._id),
        productId: String(updated.productId),
        storeId: String(updated.storeId),
        price: updated.price,
        previous: variant.price,
      })
    }
    if (input.price !== undefined || input.options) await this.summaryChanged(product)
    return toVariantDTO(updated)
  }

  /**
   * Deletes a variant. @throws ConflictError `variant_reserved` while checkouts hold its stock;
   * InvalidStateError `last_variant` for the only variant of a live product.
   */
  async removeVariant(ctx: Ctx, variantId: string): Promise<void> {
    const { variant, product } = await this.ownVariant(ctx, variantId)
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
    await this.summaryChanged(product)
  }

  /** Recomputes the variant-derived fields; the live catalog hears about it for live products. */
  private async summaryChanged(product: ProductDoc): Promise<void> {
    await refreshProductSummary(this.deps, product._id)
    if (product.status === 'approved') {
      await this.deps.events.emit('product.updated', {
        productId: String(product._id),
        storeId: String(product.storeId),
      })
    }
  }

  // ---- the images port ----------------------------------------------------------------------

  /** @throws NotFoundError, InvalidStateError (under review, archived), ConflictError `too_many_images` */
  async assertCanAddImage(ctx: Ctx, productId: string): Promise<void> {
    const { product } = await this.ownProduct(ctx, productId)
    this.assertRoomForImage(this.editableContent(product))
  }

  private assertRoomForImage(content: ProductContent): void {
    if (content.images.length >= MAX_IMAGES_PER_PRODUCT) {
      throw new ConflictError(
        `A product has at most ${MAX_IMAGES_PER_PRODUCT} images`,
        'too_many_images',
      )
    }
  }

  /** Adds an image: live on a draft or rejected product, to the pending revision of an approved one. */
  async attachImage(ctx: Ctx, productId: string, image: ProductImage): Promise<ProductImage[]> {
    const { product } = await this.ownProduct(ctx, productId)
    const content = this.editableContent(product)
    this.assertRoomForImage(content)
    const [stored] = contentOf({ ...content, images: [image] }).images
    const next = { ...content, images: [...content.images, stored as ProductImage] }
    return this.editableContent(await this.writeContent(ctx, product, next)).images
  }

  /**
   * Removes an image: at once from a draft or rejected product, into the pending revision of an
   * approved one. The file may go now unless the live version still shows the image; then it
   * goes with `product.images_dropped` when the revision is approved.
   * @throws NotFoundError, InvalidStateError (under review, archived)
   */
  async detachImage(ctx: Ctx, productId: string, imageId: string): Promise<DetachedImage> {
    const { product } = await this.ownProduct(ctx, productId)
    const content = this.editableContent(product)
    const image = content.images.find((i) => i.id === imageId)
    if (!image) throw new NotFoundError('Image')
    await this.writeContent(ctx, product, {
      ...content,
      images: content.images.filter((i) => i.id !== imageId),
    })
    const shownLive = product.status === 'approved' && product.images.some((i) => i.id === imageId)
    return { image, deleteNow: !shownLive }
  }

  /** Orders the images; `imageIds` must name each image once. @throws ValidationError */
  async reorderImages(ctx: Ctx, productId: string, imageIds: string[]): Promise<ProductImage[]> {
    const { product } = await this.ownProduct(ctx, productId)
    const content = this.editableContent(product)
    const byId = new Map(content.images.map((i) => [i.id, i]))
    if (
      imageIds.length !== byId.size ||
      new Set(imageIds).size !== imageIds.length ||
      !imageIds.every((id) => byId.has(id))
    ) {
      throw new ValidationError('Invalid input', {
        imageIds: 'must list each image of the product once',
      })
    }
    const images = imageIds.map((id) => byId.get(id) as ProductImage)
    return this.editableContent(await this.writeContent(ctx, product, { ...content, images }))
      .images
  }
}

const skuTaken = () => new ConflictError('This SKU is already used in your store', 'sku_taken')
