import type { ProductImage, ProductImageSlots } from '../catalog/product-images.port.js'
import type { Ctx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { validateInput } from '../shared/validate.js'
import { sanitizeImage } from './image.sanitizer.js'
import { type ReorderImagesBody, reorderImagesBody } from './image.schemas.js'
import type { ImageStore, ImageStoreKind } from './image-store.port.js'

/** An uploaded file as the edge hands it over. The name is never trusted or stored. */
export interface UploadedFile {
  bytes: Uint8Array
  filename?: string
}

export interface ImagesDeps {
  /** The catalog: ownership, state and the 8-image limit live there. */
  products: ProductImageSlots
  /** Where new images go. */
  store: ImageStore
  /** Every store an existing image may live in, so deletion reaches the right one. */
  stores: Partial<Record<ImageStoreKind, ImageStore>>
  logger: Logger
}

/**
 * Product images: checks and re-encodes uploads, keeps them in the image store and attaches
 * them to the product through the catalog, never leaving a stored file without a product.
 */
export class ImagesService {
  constructor(private deps: ImagesDeps) {}

  /**
   * Adds an image to a product the seller owns.
   * @throws NotFoundError for someone else's product (before anything is stored),
   *   ConflictError at 8 images, TooLargeError, UnsupportedMediaError, ValidationError
   *   (`invalid_image`), UpstreamError when the image store fails.
   */
  async upload(ctx: Ctx, productId: string, file: UploadedFile): Promise<ProductImage[]> {
    const { products, store, logger } = this.deps
    await products.assertCanAddImage(ctx, productId)
    const image = await sanitizeImage(file.bytes)
    const stored = await store.put(image)
    const productImage: ProductImage = {
      id: newId(),
      url: stored.url,
      storageKey: stored.storageKey,
      store: store.kind,
      width: image.width,
      height: image.height,
      format: image.format,
      bytes: image.bytes.length,
    }
    try {
      return await products.attachImage(ctx, productId, productImage)
    } catch (error) {
      // No transaction spans the store and the database: undo the first step by hand.
      await store
        .delete(stored.storageKey)
        .catch((cleanup: unknown) =>
          logger.error({ err: cleanup, storageKey: stored.storageKey }, 'orphaned product image'),
        )
      throw error
    }
  }

  /**
   * Removes an image from a product, then its file from the store that holds it. On an approved
   * product an image buyers still see is removed in the pending revision, and its file stays
   * until that revision is approved (`product.images_dropped`, handled by `discard`).
   * @throws NotFoundError for someone else's product or an unknown image; InvalidStateError
   *   while the product is under review or archived.
   */
  async remove(ctx: Ctx, productId: string, imageId: string): Promise<void> {
    const { image, deleteNow } = await this.deps.products.detachImage(ctx, productId, imageId)
    if (deleteNow) await this.discard([image])
  }

  /**
   * Deletes stored images no product uses any more (the catalog's `product.images_dropped`).
   * Failures are logged, not thrown: the product no longer shows them, which is what counted,
   * and the log tells an operator which files are left.
   */
  async discard(images: Array<Pick<ProductImage, 'store' | 'storageKey'>>): Promise<void> {
    for (const image of images) {
      try {
        const store = this.deps.stores[image.store]
        if (!store) throw new Error(`image store '${image.store}' is not configured`)
        await store.delete(image.storageKey)
      } catch (error) {
        this.deps.logger.error(
          { err: error, store: image.store, storageKey: image.storageKey },
          'could not delete a product image that is no longer used',
        )
      }
    }
  }

  /**
   * Sets the order of a product's images (the first is the cover).
   * @throws ValidationError for a malformed list; the catalog refuses a list that is not a
   *   permutation of the product's images.
   */
  async reorder(ctx: Ctx, productId: string, input: ReorderImagesBody): Promise<ProductImage[]> {
    const { imageIds } = validateInput(reorderImagesBody, input)
    return this.deps.products.reorderImages(ctx, productId, imageIds)
  }
}
