import { sellerPayoutsQuery, setPayoutAccountBody } from '@kloset/core'
import { banksBody, payoutAccountBody, payoutBody, payoutsPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Seller: payouts'
const seller = ['seller'] as const

/**
 * Where a seller's money goes and what was paid. Paths carry no store id (it is always the
 * caller's own); another store's payout id answers 404.
 */
export const sellerPayoutRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/seller/banks',
    auth: seller,
    tag,
    summary: 'Banks a payout account can be at, with the code to send (from Paystack, cached)',
    response: banksBody,
    responses: { 200: '{ banks: [{ code, name, slug }] }', 503: 'Paystack is unavailable' },
    handler: async (_req, { core, ctx }) => json({ banks: await core.payoutAccounts.banks(ctx) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/payout-account',
    auth: seller,
    tag,
    summary: 'Your payout account: bank, account name and the last four digits only',
    response: payoutAccountBody,
    responses: { 200: 'The payout account', 404: 'No store, or no payout account yet' },
    handler: async (_req, { core, ctx }) =>
      json({ payoutAccount: await core.payoutAccounts.getOwn(ctx) }),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/seller/payout-account',
    auth: seller,
    tag,
    summary:
      'Set or change your payout account (password required); a change holds the next payout for 48 hours',
    body: setPayoutAccountBody,
    response: payoutAccountBody,
    responses: {
      200: 'The payout account',
      400: 'Invalid or unknown fields, or an account the bank cannot resolve',
      403: 'Wrong password',
      404: 'You have no store',
      429: 'Too many password attempts',
      503: 'Paystack is unavailable',
    },
    handler: async (_req, { core, ctx, input }) =>
      json({
        payoutAccount: await core.payoutAccounts.setOwn(ctx, input.body),
      }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/payouts',
    auth: seller,
    tag,
    summary: 'Your payouts, newest first',
    query: sellerPayoutsQuery,
    response: payoutsPage,
    responses: { 200: '{ items, nextCursor }', 404: 'You have no store' },
    handler: async (_req, { core, ctx, input }) =>
      json(await core.payouts.listOwn(ctx, input.query)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/seller/payouts/:id',
    auth: seller,
    tag,
    summary: 'One of your payouts, with the orders it covers and its attempts',
    response: payoutBody,
    responses: { 200: 'The payout', 404: 'No such payout of yours' },
    handler: async (_req, { core, ctx, params }) =>
      json({ payout: await core.payouts.get(ctx, params.id!) }),
  }),
]
