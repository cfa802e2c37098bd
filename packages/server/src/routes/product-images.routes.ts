import { MAX_IMAGE_BYTES, reorderImagesBody } from '@kloset/core'
import { imagesBody } from '../contract/responses.js'
import { readMultipartFile } from '../http/multipart.js'
import { json, noContent } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: product images'
const seller = ['seller'] as const

/** A seller's product images; the catalog answers 404 for a product the seller does not own. */
export const productImageRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/seller/products/:id/images',
    auth: seller,
    tag,
    summary: 'Add an image (JPEG, PNG or WebP, at most 5 MB and 40 megapixels; up to 8 a product)',
    upload: {
      field: 'image',
      maxBytes: MAX_IMAGE_BYTES,
      accept: ['image/jpeg', 'image/png', 'image/webp'],
    },
    response: imagesBody,
    responses: {
      201: "The product's images, the new one last",
      400: 'No file, more than one, an unknown field, or a corrupt image (invalid_image)',
      404: 'No such product of yours',
      409: 'The product already has 8 images (too_many_images), or cannot be edited now',
      413: 'Over 5 MB (payload_too_large) or 40 megapixels (image_too_large)',
      415: 'Not a JPEG, PNG or WebP by its bytes (unsupported_media_type)',
    },
    handler: async (req, { core, ctx, params }) => {
      const file = await readMultipartFile(req, 'image', MAX_IMAGE_BYTES)
      return json({ images: await core.images.upload(ctx, params.id!, file) }, 201)
    },
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/seller/products/:id/images/order',
    auth: seller,
    tag,
    summary: 'Set the order of the images; the first is the cover',
    body: reorderImagesBody,
    response: imagesBody,
    responses: {
      200: 'The images in their new order',
      400: 'Not each image of the product exactly once',
      404: 'No such product of yours',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        images: await core.images.reorder(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/seller/products/:id/images/:imageId',
    auth: seller,
    tag,
    summary:
      'Remove an image; on an approved product buyers keep seeing it until the revision is approved',
    responses: {
      204: 'Removed (into the pending revision on an approved product)',
      404: 'No such product of yours, or no such image',
      409: 'The product is under review (under_review) or archived (product_archived)',
    },
    handler: async (_req, { core, ctx, params }) => {
      await core.images.remove(ctx, params.id!, params.imageId!)
      return noContent()
    },
  }),
]
