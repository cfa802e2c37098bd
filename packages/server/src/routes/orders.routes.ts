import { cancelOrderBody, listOrdersQuery, openDisputeBody } from '@kloset/core'
import { disputeOpenedBody } from '../contract/disputes.schemas.js'
import { orderBody, ordersPage, trackingBody } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Orders'
const shoppers = ['buyer', 'seller'] as const

export const orderRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/orders',
    auth: shoppers,
    tag,
    summary: 'The signed-in buyer’s orders (one per store per checkout), newest first',
    query: listOrdersQuery,
    response: ordersPage,
    responses: { 200: '{ items, nextCursor }' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.orders.listOwn(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/orders/:id',
    auth: shoppers,
    tag,
    summary: 'One of the buyer’s orders, with its timeline',
    response: orderBody,
    responses: { 200: '{ order }', 404: 'No such order of yours' },
    handler: async (_req, { core, ctx, params }) =>
      json({ order: await core.orders.getOwn(ctx, params.id!) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/orders/:id/tracking',
    auth: ['buyer', 'seller', 'admin'],
    tag,
    summary:
      'The shipment and its tracking checkpoints, oldest first: the buyer, the store’s seller, administrators',
    response: trackingBody,
    responses: { 200: '{ tracking }', 404: 'No such order you may see' },
    handler: async (_req, { core, ctx, params }) =>
      json({ tracking: await core.orders.tracking(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/orders/:id/cancel',
    auth: shoppers,
    tag,
    summary:
      'Cancel before shipping: unpaid, the whole checkout is cancelled; paid, the payment is refunded',
    body: cancelOrderBody,
    response: orderBody,
    responses: { 200: '{ order }', 404: 'No such order of yours', 409: 'Already shipped' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        order: await core.orders.cancel(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/orders/:id/confirm-delivery',
    auth: shoppers,
    tag,
    summary: 'The buyer confirms a shipped order arrived; the return window starts',
    response: orderBody,
    responses: { 200: '{ order }', 404: 'No such order of yours', 409: 'Not shipped' },
    handler: async (_req, { core, ctx, params }) =>
      json({ order: await core.orders.confirmDelivery(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/orders/:id/dispute',
    auth: shoppers,
    tag,
    summary:
      'Open a dispute case on an order delivered in the last 14 days, or shipped and overdue; the seller has 3 days to answer',
    body: openDisputeBody,
    response: disputeOpenedBody,
    responses: {
      201: '{ dispute, order }',
      400: 'No reason or description, or an unknown reason',
      404: 'No such order of yours',
      409: 'Not delivered or overdue (not_disputable), past 14 days (dispute_window_closed), or a case is open (dispute_open)',
    },
    handler: async (_req, { core, ctx, params, input }) => {
      const dispute = await core.disputes.open(ctx, params.id!, input.body)
      return json({ dispute, order: await core.orders.getOwn(ctx, params.id!) }, 201)
    },
  }),
]
