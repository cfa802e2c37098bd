import { listReconcileItemsQuery, resolveReconcileItemBody } from '@kloset/core'
import { reconcileItemBody, reconcileItemsPage } from '../contract/reconcile.schemas.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: reconcile'
const admin = ['admin'] as const

/** The reconcile items a run found (docs/operations.md); the CLI's `kloset reconcile list|show|resolve`. */
export const adminReconcileRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/reconcile/items',
    auth: admin,
    tag,
    summary: 'Reconcile items (mismatches with Paystack and the ledger), newest first, by status',
    query: listReconcileItemsQuery,
    response: reconcileItemsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.reconcile.listItems(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/reconcile/items/:id',
    auth: admin,
    tag,
    summary: 'One reconcile item',
    response: reconcileItemBody,
    responses: { 200: '{ item }', 403: 'Not an administrator', 404: 'No such item' },
    handler: async (_req, { core, ctx, params }) =>
      json({ item: await core.reconcile.getItem(ctx, params.id!) }),
  }),
  route({
    method: 'POST',
    path: '/api/v1/admin/reconcile/items/:id/resolve',
    auth: admin,
    tag,
    summary: 'Resolve an open item with what was done about it (audit-logged)',
    body: resolveReconcileItemBody,
    response: reconcileItemBody,
    responses: {
      200: '{ item }',
      400: 'No reason',
      403: 'Not an administrator',
      404: 'No such item',
      409: 'The item is not open (resolved or auto-cleared)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json({ item: await core.reconcile.resolveItem(ctx, params.id!, input.body) }),
  }),
]
