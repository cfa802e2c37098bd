import { z } from 'zod'
import { MAX_IMAGES_PER_PRODUCT } from '../catalog/product-images.port.js'

const imageId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an image id')

/** The new order of a product's images: every image id once, first one is the cover. */
export const reorderImagesBody = z.strictObject({
  imageIds: z
    .array(imageId)
    .min(1)
    .max(MAX_IMAGES_PER_PRODUCT)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an image'),
})
export type ReorderImagesBody = z.infer<typeof reorderImagesBody>
