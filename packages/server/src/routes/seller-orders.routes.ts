import {
  cancelOrderBody,
  listOrdersQuery,
  shipOrderBody,
  type TrackingCheckpointBody,
  trackingCheckpointBody,
} from '@kloset/core'
import { sellerOrderBody, sellerOrdersPage, trackingBody } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { type Handler, route } from '../http/route.js'

const tag = 'Seller: orders'

/** `POST .../orders/:id/tracking`, for the seller and for administrators (core tells them apart). */
export const postTrackingCheckpoint: Handler<TrackingCheckpointBody> = async (
  _req,
  { core, ctx, params, input },
) =>
  json(
    {
      tracking: await core.orders.addTrackingCheckpoint(ctx, params.id!, input.body),
    },
    201,
  )
const seller = ['seller'] as const

export const sellerOrderRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/seller/orders',
    auth: seller,
    tag,
    summary: 'Your store’s orders, newest first, by status',
    query: listOrdersQuery,
    response: sellerOrdersPage,
    responses: { 200: '{ items, nextCursor }', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.orders.listForSeller(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/orders/:id',
    auth: seller,
    tag,
    summary: 'One order of your store: its lines, the shipping address, your commission and net',
    response: sellerOrderBody,
    responses: { 200: '{ order }', 404: 'No such order in your store' },
    handler: async (_req, { core, ctx, params }) =>
      json({ order: await core.orders.getForSeller(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/orders/:id/accept',
    auth: seller,
    tag,
    summary: 'Acknowledge a paid order (a timeline note; it stays processing); the buyer is told',
    response: sellerOrderBody,
    responses: { 200: '{ order }', 404: 'No such order in your store', 409: 'Not processing' },
    handler: async (_req, { core, ctx, params }) =>
      json({ order: await core.orders.accept(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/orders/:id/ship',
    auth: seller,
    tag,
    summary: 'Mark shipped with the carrier and tracking number',
    body: shipOrderBody,
    response: sellerOrderBody,
    responses: {
      200: '{ order }',
      400: 'Carrier or tracking number missing',
      404: 'No such order in your store',
      409: 'Not processing, or on hold for a fraud review (order_on_hold)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        order: await core.orders.ship(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/orders/:id/deliver',
    auth: seller,
    tag,
    summary: 'Mark a shipped order delivered',
    response: sellerOrderBody,
    responses: { 200: '{ order }', 404: 'No such order in your store', 409: 'Not shipped' },
    handler: async (_req, { core, ctx, params }) =>
      json({ order: await core.orders.markDelivered(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/orders/:id/tracking',
    auth: seller,
    tag,
    summary:
      'Post a tracking checkpoint on a shipped order; a delivered checkpoint marks it delivered',
    body: trackingCheckpointBody,
    response: trackingBody,
    responses: {
      201: '{ tracking }',
      400: 'Invalid body, or a time in the future (checkpoint_in_future)',
      404: 'No such order in your store',
      409: 'Not shipped (order_not_shipped), too many checkpoints, or changed meanwhile',
    },
    handler: postTrackingCheckpoint,
  }),
  route({
    method: 'POST',
    path: '/api/v1/seller/orders/:id/cancel',
    auth: seller,
    tag,
    summary: 'Cancel a paid order you cannot fulfil; the buyer is refunded',
    body: cancelOrderBody,
    response: sellerOrderBody,
    responses: { 200: '{ order }', 404: 'No such order in your store', 409: 'Not processing' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        order: await core.orders.cancelForSeller(ctx, params.id!, input.body),
      }),
  }),
]
