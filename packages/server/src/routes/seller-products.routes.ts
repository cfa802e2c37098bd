import {
  createProductBody,
  createVariantBody,
  listOwnProductsQuery,
  optionalReasonBody,
  updateProductBody,
  updateVariantBody,
} from '@kloset/core'
import { productBody, productDetailBody, productsPage, variantBody } from '../contract/responses.js'
import { json, noContent } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: products'
const seller = ['seller'] as const

/** A seller's own products and variants; other sellers' products answer 404. */
export const sellerProductRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/seller/products',
    auth: seller,
    tag,
    summary: 'Create a draft product in your store',
    body: createProductBody,
    response: productBody,
    responses: { 201: 'The draft', 400: 'Invalid or unknown fields', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json({ product: await core.products.create(ctx, input.body) }, 201),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/products',
    auth: seller,
    tag,
    summary: 'Your products, newest first, by status and search words',
    query: listOwnProductsQuery,
    response: productsPage,
    responses: { 200: '{ items, nextCursor }' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.products.listOwn(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/products/:id',
    auth: seller,
    tag,
    summary: 'One of your products with its variants and any pending revision',
    response: productDetailBody,
    responses: { 200: 'The product', 404: 'No such product of yours' },
    handler: async (_req, { core, ctx, params }) =>
      json({ product: await core.products.get(ctx, params.id!) }),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/seller/products/:id',
    auth: seller,
    tag,
    summary: 'Edit content; on an approved product the edit waits for review as a revision',
    body: updateProductBody,
    response: productBody,
    responses: {
      200: 'The product',
      400: 'Invalid or unknown fields (status, store, prices and stock have their own operations)',
      404: 'No such product of yours',
      409: 'Under review, archived, or options in use by variants',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.update(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/products/:id/submit',
    auth: seller,
    tag,
    summary: 'Send a draft or an edited rejected product for review',
    response: productBody,
    responses: {
      200: 'The product, pending review',
      404: 'No such product of yours',
      409: 'Not a draft or rejected (invalid_transition), store not approved, or no variants',
    },
    handler: async (_req, { core, ctx, params }) =>
      json({ product: await core.products.submit(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/products/:id/archive',
    auth: seller,
    tag,
    summary: 'Take an approved product off sale for good',
    body: optionalReasonBody,
    response: productBody,
    responses: {
      200: 'The archived product',
      404: 'No such product of yours',
      409: 'Not approved',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.archive(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/products/:id/variants',
    auth: seller,
    tag,
    summary: 'Add a variant (SKU) with its price in kobo and opening stock',
    body: createVariantBody,
    response: variantBody,
    responses: {
      201: 'The variant',
      400: 'Invalid fields or options not offered by the product (invalid_options)',
      404: 'No such product of yours',
      409: 'SKU used in your store (sku_taken), same options, or 100 variants already',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json(
        {
          variant: await core.products.addVariant(ctx, params.id!, input.body),
        },
        201,
      ),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/seller/variants/:id',
    auth: seller,
    tag,
    summary: 'Edit a variant; price changes take effect at once (stock has its own operation)',
    body: updateVariantBody,
    response: variantBody,
    responses: {
      200: 'The variant',
      400: 'Invalid or unknown fields',
      404: 'No such variant of yours',
      409: 'SKU taken',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        variant: await core.products.updateVariant(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/seller/variants/:id',
    auth: seller,
    tag,
    summary: 'Delete a variant',
    responses: {
      204: 'Deleted',
      404: 'No such variant of yours',
      409: 'Stock held by checkouts, or the last variant of a live product',
    },
    handler: async (_req, { core, ctx, params }) => {
      await core.products.removeVariant(ctx, params.id!)
      return noContent()
    },
  }),
]
