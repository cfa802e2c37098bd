import { storeLedgerQuery } from '@kloset/core'
import { balanceBody, storeLedgerPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: balance'
const seller = ['seller'] as const

/** A seller's money: balances, when it is paid next, and the statement behind the balances. */
export const sellerBalanceRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/seller/balance',
    auth: seller,
    tag,
    summary: 'Pending, available, in transit and paid (kobo), and when the next payout can be sent',
    response: balanceBody,
    responses: { 200: '{ balance }', 404: 'You have no store' },
    handler: async (_req, { core, ctx }) => json({ balance: await core.payouts.ownBalance(ctx) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/ledger',
    auth: seller,
    tag,
    summary: 'Your statement, newest first: how each journal changed your balances',
    query: storeLedgerQuery,
    response: storeLedgerPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid cursor', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.ledger.ownEntries(ctx, input.query)),
  }),
]
