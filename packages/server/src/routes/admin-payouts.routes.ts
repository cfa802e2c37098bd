import { listPayoutsQuery } from '@kloset/core'
import { payoutBody, payoutsPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: payouts'
const admin = ['admin'] as const

/** Read-only payouts for the dashboard; running, retrying and finalizing stay in the CLI. */
export const adminPayoutRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/payouts',
    auth: admin,
    tag,
    summary: 'Payouts of every store, newest first, by period, status or store',
    query: listPayoutsQuery,
    response: payoutsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.payouts.list(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/admin/payouts/:id',
    auth: admin,
    tag,
    summary: 'One payout by id or transfer reference, with the orders it covers and its attempts',
    response: payoutBody,
    responses: { 200: 'The payout', 404: 'No such payout' },
    handler: async (_req, { core, ctx, params }) =>
      json({ payout: await core.payouts.get(ctx, params.id!) }),
  }),
]
