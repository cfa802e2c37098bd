import {
  adminOrdersQuery,
  refundOrderBody,
  resolveDisputeBody,
  trackingCheckpointBody,
} from '@kloset/core'
import {
  adminOrderBody,
  adminOrdersPage,
  orderExplanation,
  refundResult,
  trackingBody,
} from '../contract/responses.js'
import { idempotentJson, json } from '../http/respond.js'
import { route } from '../http/route.js'
import { postTrackingCheckpoint } from './seller-orders.routes.js'

const tag = 'Admin: orders'
const admin = ['admin'] as const

export const adminOrderRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/orders',
    auth: admin,
    tag,
    summary: 'Every order by status and store, newest first',
    query: adminOrdersQuery,
    response: adminOrdersPage,
    responses: { 200: '{ items, nextCursor }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.orders.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/orders/:id',
    auth: admin,
    tag,
    summary: 'One order with its payment side, next moves, timers and refunds',
    response: orderExplanation,
    responses: { 200: 'The explanation of the order', 404: 'No such order' },
    handler: async (_req, { core, ctx, params }) =>
      json(await core.orders.explain(ctx, params.id!)),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/orders/:id/refund',
    auth: admin,
    tag,
    summary: 'Refund all (no amount) or part of a paid order through Paystack',
    body: refundOrderBody,
    idempotent: true,
    response: refundResult,
    responses: {
      201: '{ refund, order } (a replay has Idempotent-Replayed: true)',
      400: 'Invalid body or Idempotency-Key',
      404: 'No such order',
      409: 'Not paid, or more than is left to refund',
      422: 'Idempotency-Key reused with another body',
    },
    handler: async (req, { core, ctx, params, input }) => {
      const result = await core.refunds.refund(
        ctx,
        params.id!,
        input.body,
        req.headers.get('idempotency-key'),
      )
      return idempotentJson(result)
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/orders/:id/resolve',
    auth: admin,
    tag,
    summary:
      'Settle the order’s open dispute case in full: refund the buyer, or release the payment to the seller (POST /api/v1/admin/disputes/:id/resolve also refunds part)',
    body: resolveDisputeBody,
    response: adminOrderBody,
    responses: { 200: '{ order }', 400: 'Invalid body', 404: 'No such order', 409: 'Not disputed' },
    handler: async (_req, { core, ctx, params, input }) => {
      const body = input.body
      const open = await core.disputes.openCaseOf(ctx, params.id!)
      // Orders disputed before dispute cases existed have no case: the order settles alone.
      if (!open) return json({ order: await core.orders.resolve(ctx, params.id!, body) })
      await core.disputes.resolve(ctx, open.id, {
        decision: body.resolution,
        ...(body.resolution === 'refund' ? { refund: 'full' as const } : {}),
        reason: body.reason,
      })
      return json({ order: await core.orders.get(ctx, params.id!) })
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/orders/:id/tracking',
    auth: admin,
    tag,
    summary:
      'Post a tracking checkpoint on a shipped order for its seller (not `delivered`: the transition table leaves that to the seller, the buyer or the timer)',
    body: trackingCheckpointBody,
    response: trackingBody,
    responses: {
      201: '{ tracking }',
      400: 'Invalid body, or a time in the future (checkpoint_in_future)',
      403: 'A delivered checkpoint (transition_not_allowed)',
      404: 'No such order',
      409: 'Not shipped (order_not_shipped), too many checkpoints, or changed meanwhile',
    },
    handler: postTrackingCheckpoint,
  }),
]
