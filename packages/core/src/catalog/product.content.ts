import type { Types } from 'mongoose'
import type { Ctx } from '../shared/ctx.js'
import {
  ConflictError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
} from '../shared/errors.js'
import { contentOf, toProductDTO } from './catalog.dto.js'
import type { ProductDoc } from './product.model.js'
import { changedMeanwhile, liveContentUpdate, type ProductRecords } from './product.records.js'
import type { UpdateProductBody } from './product.schemas.js'
import type { OptionAxis, ProductContent, ProductDTO } from './product.types.js'
import { optionPairs } from './product.variants.js'
import {
  type DetachedImage,
  MAX_IMAGES_PER_PRODUCT,
  type ProductImage,
} from './product-images.port.js'
import type { ProductsDeps } from './products.service.js'

function revisionOf(content: ProductContent, submittedAt: Date) {
  return { ...content, submittedAt }
}

const sameContent = (a: ProductContent, b: ProductContent) =>
  JSON.stringify(a) === JSON.stringify(b)

/**
 * A product's content (title, description, options, images): drafts and rejected products
 * change at once; an approved product collects edits in `pendingRevision` for review. The
 * images port (`ProductImageSlots`) writes through the same path.
 */
export class ProductContentEditor {
  constructor(
    private deps: ProductsDeps,
    private records: ProductRecords,
  ) {}

  /**
   * Edits content. Drafts and rejected products change at once; an approved product keeps its
   * live content and collects the edit in `pendingRevision` for review.
   * @throws InvalidStateError while under review or once archived; ConflictError `options_in_use`
   */
  async update(ctx: Ctx, productId: string, input: UpdateProductBody): Promise<ProductDTO> {
    const { product } = await this.records.ownProduct(ctx, productId)
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
  editableContent(product: ProductDoc): ProductContent {
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
    const variants = await this.records.variantsOf(productId)
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

  /** @throws NotFoundError, InvalidStateError (under review, archived), ConflictError `too_many_images` */
  async assertCanAddImage(ctx: Ctx, productId: string): Promise<void> {
    const { product } = await this.records.ownProduct(ctx, productId)
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
    const { product } = await this.records.ownProduct(ctx, productId)
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
    const { product } = await this.records.ownProduct(ctx, productId)
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
    const { product } = await this.records.ownProduct(ctx, productId)
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
