import { stockChangeBody, stockMovementsQuery } from '@kloset/core'
import { stockChangeResult, stockMovementsPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: stock'
const seller = ['seller'] as const

/** Stock of a seller's own variants: changed only through these, never below zero. */
export const sellerStockRoutes = [
  route({
    method: 'PATCH',
    path: '/api/v1/seller/variants/:id/stock',
    auth: seller,
    tag,
    summary: 'Set a counted quantity (`set`) or apply a correction (`delta`), with a reason',
    body: stockChangeBody,
    response: stockChangeResult,
    responses: {
      200: '{ variant, previous }',
      400: 'Not exactly one of set and delta, or no reason',
      404: 'No such variant of yours',
      409: 'The change would take stock below zero (insufficient_stock)',
    },
    handler: async (_req, { core, ctx, params, input }) =>
      json(await core.inventory.change(ctx, params.id!, input.body)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/variants/:id/stock-movements',
    auth: seller,
    tag,
    summary: "The variant's stock movements, newest first",
    query: stockMovementsQuery,
    response: stockMovementsPage,
    responses: { 200: '{ items, nextCursor }', 404: 'No such variant of yours' },
    handler: async (_req, { core, ctx, params, input }) =>
      json(await core.inventory.movements(ctx, params.id!, input.query)),
  }),
]
