import {
  type DetachedImage,
  MAX_IMAGES_PER_PRODUCT,
  type ProductImage,
  type ProductImageSlots,
} from '../catalog/product-images.port.js'
import type { Ctx } from '../shared/ctx.js'
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js'
import { newId } from '../shared/ids.js'

/**
 * An in-memory catalog for the images feature's unit tests, keeping the port's contract:
 * someone else's product is "not found", the ninth image is a conflict, and an image an
 * approved version shows is detached without letting its file go.
 */
export class InMemoryProductImageSlots implements ProductImageSlots {
  readonly products = new Map<
    string,
    { sellerId: string; images: ProductImage[]; live: Set<string> }
  >()
  /** Makes the next `attachImage` fail with this error (to test compensation). */
  failNextAttach: Error | undefined

  /** A product owned by the seller, with no images yet. */
  aProduct(sellerId: string): string {
    const id = newId()
    this.products.set(id, { sellerId, images: [], live: new Set() })
    return id
  }

  /** Approves the product as it is: its current images are what buyers see. */
  approve(productId: string): void {
    const product = this.products.get(productId)
    if (!product) throw new NotFoundError('Product')
    product.live = new Set(product.images.map((image) => image.id))
  }

  imagesOf(productId: string): ProductImage[] {
    return this.products.get(productId)?.images ?? []
  }

  private owned(ctx: Ctx, productId: string) {
    const product = this.products.get(productId)
    if (!product || ctx.actor.kind !== 'user' || ctx.actor.id !== product.sellerId) {
      throw new NotFoundError('Product')
    }
    return product
  }

  async assertCanAddImage(ctx: Ctx, productId: string): Promise<void> {
    const product = this.owned(ctx, productId)
    if (product.images.length >= MAX_IMAGES_PER_PRODUCT) {
      throw new ConflictError(
        `A product has at most ${MAX_IMAGES_PER_PRODUCT} images`,
        'too_many_images',
      )
    }
  }

  async attachImage(ctx: Ctx, productId: string, image: ProductImage): Promise<ProductImage[]> {
    await this.assertCanAddImage(ctx, productId)
    const failure = this.failNextAttach
    this.failNextAttach = undefined
    if (failure) throw failure
    const product = this.owned(ctx, productId)
    product.images = [...product.images, image]
    return product.images
  }

  async detachImage(ctx: Ctx, productId: string, imageId: string): Promise<DetachedImage> {
    const product = this.owned(ctx, productId)
    const image = product.images.find((candidate) => candidate.id === imageId)
    if (!image) throw new NotFoundError('Image')
    product.images = product.images.filter((candidate) => candidate.id !== imageId)
    // `live` is not touched: the approved version keeps showing the image until a review.
    return { image, deleteNow: !product.live.has(imageId) }
  }

  async reorderImages(ctx: Ctx, productId: string, imageIds: string[]): Promise<ProductImage[]> {
    const product = this.owned(ctx, productId)
    const byId = new Map(product.images.map((image) => [image.id, image]))
    if (imageIds.length !== byId.size || imageIds.some((id) => !byId.has(id))) {
      throw new ValidationError('Invalid input', {
        imageIds: "must list each of the product's images once",
      })
    }
    product.images = imageIds.map((id) => byId.get(id)!)
    return product.images
  }
}
