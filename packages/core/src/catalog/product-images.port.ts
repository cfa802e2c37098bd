import type { Ctx } from '../shared/ctx.js'

export const MAX_IMAGES_PER_PRODUCT = 8

/** An image as a product keeps it. `storageKey` is what the image store needs to delete it. */
export interface ProductImage {
  id: string
  url: string
  storageKey: string
  /** Which image store holds it ('disk' or 'cloudinary'), so deletion goes to the right one. */
  store: 'disk' | 'cloudinary'
  width: number
  height: number
  format: 'jpeg' | 'png' | 'webp'
  bytes: number
}

/** An image taken off a product, and whether its file may go now. */
export interface DetachedImage {
  image: ProductImage
  /**
   * False while the live version of an approved product still shows the image: the removal
   * waits in the pending revision, and the catalog announces the image in
   * `product.images_dropped` once a revision without it is approved (never if it is rejected).
   */
  deleteNow: boolean
}

/**
 * What the images feature needs from the catalog (ProductsService implements it). Ownership and
 * state rules stay in the catalog: a seller other than the owner gets NotFoundError.
 */
export interface ProductImageSlots {
  /**
   * Checks the seller may add an image to the product now (owner, not archived, fewer than
   * MAX_IMAGES_PER_PRODUCT images). @throws NotFoundError, InvalidStateError, ConflictError
   */
  assertCanAddImage(ctx: Ctx, productId: string): Promise<void>
  /** Adds a stored image (to the pending revision when the product is approved). */
  attachImage(ctx: Ctx, productId: string, image: ProductImage): Promise<ProductImage[]>
  /**
   * Removes an image (from the pending revision when the product is approved); says whether the
   * caller may delete its file now. @throws NotFoundError, InvalidStateError
   */
  detachImage(ctx: Ctx, productId: string, imageId: string): Promise<DetachedImage>
  /** Sets the order of the product's images; `imageIds` must be a permutation of them. */
  reorderImages(ctx: Ctx, productId: string, imageIds: string[]): Promise<ProductImage[]>
}
