import { listStoresQuery, storeDecisionBody, storeReasonBody } from '@kloset/core'
import { storeBody, storesPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: stores'
const admin = ['admin'] as const

export const adminStoreRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/stores',
    auth: admin,
    tag,
    summary: 'List stores by status, newest first',
    query: listStoresQuery,
    response: storesPage,
    responses: { 200: '{ items, nextCursor }', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.stores.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/stores/:id',
    auth: admin,
    tag,
    summary: 'One store by id or slug',
    response: storeBody,
    responses: { 200: 'The store', 404: 'No such store' },
    handler: async (_req, { core, ctx, params }) =>
      json({ store: await core.stores.get(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/stores/:id/approve',
    auth: admin,
    tag,
    summary: 'Approve a pending store',
    body: storeDecisionBody,
    response: storeBody,
    responses: { 200: 'The approved store', 404: 'No such store', 409: 'Not pending' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        store: await core.stores.approve(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/stores/:id/reject',
    auth: admin,
    tag,
    summary: 'Reject a pending store; the seller is told why and may edit and resubmit',
    body: storeReasonBody,
    response: storeBody,
    responses: {
      200: 'The rejected store',
      400: 'No reason',
      404: 'No such store',
      409: 'Not pending',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        store: await core.stores.reject(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/stores/:id/suspend',
    auth: admin,
    tag,
    summary: 'Suspend an approved store: its products leave the catalog',
    body: storeReasonBody,
    response: storeBody,
    responses: {
      200: 'The suspended store',
      400: 'No reason',
      404: 'No such store',
      409: 'Not approved',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        store: await core.stores.suspend(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/stores/:id/reinstate',
    auth: admin,
    tag,
    summary: 'Lift a suspension',
    body: storeDecisionBody,
    response: storeBody,
    responses: { 200: 'The approved store', 404: 'No such store', 409: 'Not suspended' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        store: await core.stores.reinstate(ctx, params.id!, input.body),
      }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/stores/:id/close',
    auth: admin,
    tag,
    summary: 'Close an approved or suspended store for good',
    body: storeDecisionBody,
    response: storeBody,
    responses: { 200: 'The closed store', 404: 'No such store', 409: 'Not approved or suspended' },
    handler: async (_req, { core, ctx, params, input }) =>
      json({
        store: await core.stores.close(ctx, params.id!, input.body),
      }),
  }),
]
