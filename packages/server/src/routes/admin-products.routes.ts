import { listProductsQuery, optionalReasonBody, reasonBody } from '@kloset/core'
import { productBody, productDetailBody, productsPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: products'
const admin = ['admin'] as const

/** Product review: new products and revisions of approved ones. Decisions are audited and mailed. */
export const adminProductRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/products',
    auth: admin,
    tag,
    summary: 'Products by status, store, or with a revision waiting (revision=pending)',
    query: listProductsQuery,
    response: productsPage,
    responses: { 200: '{ items, nextCursor }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.products.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/products/:id',
    auth: admin,
    tag,
    summary: 'One product with its variants and any pending revision',
    response: productDetailBody,
    responses: { 200: 'The product', 404: 'No such product' },
    handler: async (_req, { core, ctx, params }) =>
      json({ product: await core.products.get(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/products/:id/approve',
    auth: admin,
    tag,
    summary: 'Approve a product under review: it goes live',
    body: optionalReasonBody,
    response: productBody,
    responses: { 200: 'The approved product', 404: 'No such product', 409: 'Not pending review' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.approve(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/products/:id/reject',
    auth: admin,
    tag,
    summary: 'Reject a product under review, with the reason the seller reads',
    body: reasonBody,
    response: productBody,
    responses: {
      200: 'The rejected product',
      400: 'No reason',
      404: 'No such product',
      409: 'Not pending review',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.reject(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/products/:id/revision/approve',
    auth: admin,
    tag,
    summary: 'Make the pending revision of an approved product live',
    body: optionalReasonBody,
    response: productBody,
    responses: {
      200: 'The product',
      404: 'No such product',
      409: 'No revision pending (no_pending_revision)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.approveRevision(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/products/:id/revision/reject',
    auth: admin,
    tag,
    summary: 'Refuse the pending revision; the approved version stays live',
    body: reasonBody,
    response: productBody,
    responses: {
      200: 'The product',
      400: 'No reason',
      404: 'No such product',
      409: 'No revision pending (no_pending_revision)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        product: await core.products.rejectRevision(ctx, params.id!, input.body),
      }),
  }),
]
