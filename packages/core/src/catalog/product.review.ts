import type { OptionalReasonBody, ReasonBody } from '../accounts/account.schemas.js'
import { mailTemplates, type RenderedMail } from '../mail/templates.js'
import { type Ctx, describeActor } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import { assertTransition } from '../shared/transitions.js'
import type { StoreDTO } from '../stores/store.types.js'
import { contentOf, toProductDTO } from './catalog.dto.js'
import type { ProductDoc } from './product.model.js'
import {
  changedMeanwhile,
  droppedImages,
  liveContentUpdate,
  type ProductRecords,
} from './product.records.js'
import { productTransitions } from './product.transitions.js'
import type { ProductDTO } from './product.types.js'
import type { ProductsDeps } from './products.service.js'
import { sellerAddress } from './seller-mail.js'

/**
 * The administrators' review: a product under review is approved (it goes live) or rejected
 * with a reason; an approved product's pending revision is made live or refused. Each decision
 * is audited and mailed to the seller.
 */
export class ProductReview {
  constructor(
    private deps: ProductsDeps,
    private records: ProductRecords,
  ) {}

  /** Approves a product under review: it goes live. @throws InvalidStateError `invalid_transition` */
  async approve(ctx: Ctx, productId: string, input: OptionalReasonBody = {}): Promise<ProductDTO> {
    const product = await this.records.anyProduct(ctx, productId)
    assertTransition(productTransitions, product.status, 'approved', 'Product')
    const event = this.deps.events.outboxEntry('product.approved', {
      productId: String(product._id),
      storeId: String(product.storeId),
    })
    const updated = await this.records.setStatus(
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
    const product = await this.records.anyProduct(ctx, productId)
    assertTransition(productTransitions, product.status, 'rejected', 'Product')
    const event = this.deps.events.outboxEntry('product.rejected', {
      productId: String(product._id),
      storeId: String(product.storeId),
      reason: input.reason,
    })
    const updated = await this.records.setStatus(
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
    const product = await this.records.anyProduct(ctx, productId)
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
    await this.records.imagesDropped(updated, droppedImages(product.images, updated.images))
    return toProductDTO(updated)
  }

  /** Refuses a pending revision: the live content stays, and the seller reads the reason. */
  async rejectRevision(ctx: Ctx, productId: string, input: ReasonBody): Promise<ProductDTO> {
    const product = await this.records.anyProduct(ctx, productId)
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
    await this.records.imagesDropped(updated, droppedImages(revision.images, product.images))
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
    await this.deps.mail.sendAs(
      'product_decision',
      await sellerAddress(this.deps.people, store),
      mail(store),
    )
  }
}
