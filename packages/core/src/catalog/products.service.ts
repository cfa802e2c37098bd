import type { OptionalReasonBody, ReasonBody } from '../accounts/account.schemas.js'
import type { People } from '../accounts/people.port.js'
import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { MailService } from '../mail/mail.service.js'
import { type Ctx, isAdmin, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import { assertTransition } from '../shared/transitions.js'
import type { StoreLookup } from '../stores/store.types.js'
import { toProductDTO, toVariantDTO } from './catalog.dto.js'
import { ProductContentEditor } from './product.content.js'
import { type ListingLimitOutcome, ListingLimits } from './product.listing-limit.js'
import type { ProductModel } from './product.model.js'
import { droppedImages, ProductRecords } from './product.records.js'
import { ProductReview } from './product.review.js'
import type {
  CreateProductBody,
  CreateVariantBody,
  ListOwnProductsQuery,
  ListProductsQuery,
  UpdateProductBody,
  UpdateVariantBody,
} from './product.schemas.js'
import { productTransitions } from './product.transitions.js'
import type { ProductContent, ProductDetailDTO, ProductDTO, VariantDTO } from './product.types.js'
import { ProductVariants } from './product.variants.js'
import type { DetachedImage, ProductImage, ProductImageSlots } from './product-images.port.js'
import { searchTextOf, wordsOf } from './product-summary.js'
import type { ReservationModel } from './reservation.model.js'
import type { StockMovementModel } from './stock-movement.model.js'
import type { VariantModel } from './variant.model.js'

export interface ProductsDeps {
  products: ProductModel
  variants: VariantModel
  movements: StockMovementModel
  reservations: ReservationModel
  stores: StoreLookup
  /** Store owners' accounts, for mail. */
  people: People
  audit: AuditService
  mail: MailService
  events: EventBus
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Products and their variants: sellers prepare and submit them, administrators review them and
 * later edits (revisions). Stock is InventoryService's. Implements the images port.
 *
 * This class is the facade; the work is in product.content.ts (content and images),
 * product.variants.ts, product.review.ts (administrators' decisions) and product.records.ts
 * (loading with authorization, the status compare-and-set, shared side effects).
 */
export class ProductsService implements ProductImageSlots {
  private records: ProductRecords
  private content: ProductContentEditor
  private variants: ProductVariants
  private review: ProductReview
  private listingLimits: ListingLimits

  constructor(private deps: ProductsDeps) {
    this.listingLimits = new ListingLimits(deps)
    this.records = new ProductRecords(deps)
    this.content = new ProductContentEditor(deps, this.records)
    this.variants = new ProductVariants(deps, this.records)
    this.review = new ProductReview(deps, this.records)
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

  /** Products waiting for review: new ones and revisions of live ones. Administrators. */
  async countAwaitingReview(ctx: Ctx): Promise<number> {
    requireRole(ctx, 'admin')
    return this.deps.products.countDocuments({
      $or: [{ status: 'pending_review' }, { 'pendingRevision.submittedAt': op({ $exists: true }) }],
    })
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
    const product = await this.records.visibleProduct(ctx, productId)
    const variants = await this.records.variantsOf(product._id)
    return { ...toProductDTO(product), variants: variants.map(toVariantDTO) }
  }

  /**
   * Edits content. Drafts and rejected products change at once; an approved product keeps its
   * live content and collects the edit in `pendingRevision` for review.
   * @throws InvalidStateError while under review or once archived; ConflictError `options_in_use`
   */
  update(ctx: Ctx, productId: string, input: UpdateProductBody): Promise<ProductDTO> {
    return this.content.update(ctx, productId, input)
  }

  /**
   * Sends a draft (or an edited rejected product) to review.
   * @throws InvalidStateError `invalid_transition`, `store_not_approved`, `no_variants`
   */
  async submit(ctx: Ctx, productId: string): Promise<ProductDTO> {
    const { product, store } = await this.records.ownProduct(ctx, productId)
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
    await this.listingLimits.assertRoomFor(store)
    const updated = await this.records.setStatus(product, 'pending_review', {
      $set: { submittedAt: ctx.now },
      $unset: { statusReason: 1 },
    })
    return toProductDTO(updated)
  }

  /**
   * Applies a plan's product limit to a store's live products (plans feature): the oldest stay
   * up to `limit` (null: all), newer ones are hidden, previously hidden ones within it shown.
   */
  async applyListingLimit(
    ctx: Ctx,
    storeId: string,
    limit: number | null,
  ): Promise<ListingLimitOutcome> {
    requireAdminOrSystem(ctx)
    return this.listingLimits.apply(ctx, storeId, limit)
  }

  /** Takes an approved product off sale for good; the seller or an administrator. */
  async archive(ctx: Ctx, productId: string, input: OptionalReasonBody = {}): Promise<ProductDTO> {
    const product = isAdmin(ctx)
      ? await this.records.anyProduct(ctx, productId)
      : (await this.records.ownProduct(ctx, productId)).product
    assertTransition(productTransitions, product.status, 'archived', 'Product')
    const updated = await this.records.setStatus(product, 'archived', {
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
      await this.records.imagesDropped(
        updated,
        droppedImages(product.pendingRevision.images, product.images),
      )
    }
    return toProductDTO(updated)
  }

  // ---- admin: decisions (product.review.ts) -----------------------------------------------

  /** Approves a product under review: it goes live. @throws InvalidStateError `invalid_transition` */
  approve(ctx: Ctx, productId: string, input: OptionalReasonBody = {}): Promise<ProductDTO> {
    return this.review.approve(ctx, productId, input)
  }

  /** Refuses a product under review, with the reason the seller reads. */
  reject(ctx: Ctx, productId: string, input: ReasonBody): Promise<ProductDTO> {
    return this.review.reject(ctx, productId, input)
  }

  /** Makes a pending revision the live content. @throws InvalidStateError `no_pending_revision` */
  approveRevision(
    ctx: Ctx,
    productId: string,
    input: OptionalReasonBody = {},
  ): Promise<ProductDTO> {
    return this.review.approveRevision(ctx, productId, input)
  }

  /** Refuses a pending revision: the live content stays, and the seller reads the reason. */
  rejectRevision(ctx: Ctx, productId: string, input: ReasonBody): Promise<ProductDTO> {
    return this.review.rejectRevision(ctx, productId, input)
  }

  // ---- seller: variants (product.variants.ts) ---------------------------------------------

  /**
   * Adds a variant (SKU). It is sellable at once on an approved product: it fits the live option
   * axes, and price and stock need no review.
   * @throws ConflictError `variant_limit`, `sku_taken`, `options_taken`; ValidationError `invalid_options`
   */
  addVariant(ctx: Ctx, productId: string, input: CreateVariantBody): Promise<VariantDTO> {
    return this.variants.addVariant(ctx, productId, input)
  }

  /**
   * Changes a variant; a price change takes effect at once. Stock is not changed here.
   * @throws ConflictError `sku_taken`, `options_taken`; ValidationError
   */
  updateVariant(ctx: Ctx, variantId: string, input: UpdateVariantBody): Promise<VariantDTO> {
    return this.variants.updateVariant(ctx, variantId, input)
  }

  /**
   * Deletes a variant. @throws ConflictError `variant_reserved` while checkouts hold its stock;
   * InvalidStateError `last_variant` for the only variant of a live product.
   */
  removeVariant(ctx: Ctx, variantId: string): Promise<void> {
    return this.variants.removeVariant(ctx, variantId)
  }

  // ---- the images port (product.content.ts) -----------------------------------------------

  /** @throws NotFoundError, InvalidStateError (under review, archived), ConflictError `too_many_images` */
  assertCanAddImage(ctx: Ctx, productId: string): Promise<void> {
    return this.content.assertCanAddImage(ctx, productId)
  }

  /** Adds an image: live on a draft or rejected product, to the pending revision of an approved one. */
  attachImage(ctx: Ctx, productId: string, image: ProductImage): Promise<ProductImage[]> {
    return this.content.attachImage(ctx, productId, image)
  }

  /**
   * Removes an image: at once from a draft or rejected product, into the pending revision of an
   * approved one. The file may go now unless the live version still shows the image; then it
   * goes with `product.images_dropped` when the revision is approved.
   * @throws NotFoundError, InvalidStateError (under review, archived)
   */
  detachImage(ctx: Ctx, productId: string, imageId: string): Promise<DetachedImage> {
    return this.content.detachImage(ctx, productId, imageId)
  }

  /** Orders the images; `imageIds` must name each image once. @throws ValidationError */
  reorderImages(ctx: Ctx, productId: string, imageIds: string[]): Promise<ProductImage[]> {
    return this.content.reorderImages(ctx, productId, imageIds)
  }
}

export { optionPairs } from './product.variants.js'
