import type { ProductImage } from '../catalog/product-images.port.js'

export type ImageFormat = ProductImage['format']
export type ImageStoreKind = ProductImage['store']

/** An image that passed the checks and was re-encoded: safe bytes, known format and size. */
export interface SanitizedImage {
  bytes: Buffer
  format: ImageFormat
  width: number
  height: number
}

/** Where a stored image lives: `storageKey` deletes it, `url` serves it. */
export interface StoredImage {
  storageKey: string
  url: string
}

/**
 * Where product images are kept. Names are chosen by the store (random), never by the client.
 * Two adapters: files on disk (the default) and Cloudinary.
 */
export interface ImageStore {
  readonly kind: ImageStoreKind
  /** Stores the bytes under a new random name. @throws UpstreamError when the store refuses. */
  put(image: SanitizedImage): Promise<StoredImage>
  /** Deletes a stored image; deleting one that is already gone is not an error. */
  delete(storageKey: string): Promise<void>
}

/** The file extension each accepted format is stored under. */
export const extensionOf: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' }
