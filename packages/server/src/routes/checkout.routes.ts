import { checkoutBody } from '@kloset/core'
import { paymentStatusBody } from '../contract/payment-status.schemas.js'
import { checkoutResult, checkoutStatus } from '../contract/responses.js'
import { idempotentJson, json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Checkout'
const shoppers = ['buyer', 'seller'] as const

export const checkoutRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/checkout',
    auth: shoppers,
    tag,
    summary:
      'Turn the cart into one order per store and start one Paystack payment; send the buyer to authorizationUrl',
    body: checkoutBody,
    idempotent: true,
    response: checkoutResult,
    responses: {
      201: '{ orderGroup, orders, payment: { authorizationUrl, reference } } (a replay has Idempotent-Replayed: true)',
      400: 'Invalid body, or the Idempotency-Key header missing or malformed',
      403: 'A line is from your own store, or the fraud screen declined it (checkout_declined)',
      409: 'Empty cart, lines with issues, not enough stock, or the same key still in progress',
      422: 'Idempotency-Key reused with another body',
      503: 'Paystack unavailable (nothing was kept)',
    },
    handler: async (req, { core, ctx, input }) => {
      const result = await core.checkout.checkout(
        ctx,
        input.body,
        req.headers.get('idempotency-key'),
      )
      return idempotentJson(result)
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/checkout/:reference/status',
    auth: shoppers,
    tag,
    summary:
      'Where a checkout stands after the Paystack redirect; asks Paystack while unpaid (a late webhook)',
    response: checkoutStatus,
    responses: { 200: '{ orderGroup, orders }', 404: 'Not your checkout' },
    handler: async (_req, { core, ctx, params }) =>
      json(await core.checkout.status(ctx, params.reference!)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/checkout/:reference/payment-status',
    auth: 'public',
    tag,
    summary:
      'The status alone of a checkout, for the return page that holds only the reference (asks Paystack at most every 5 s while unpaid)',
    response: paymentStatusBody,
    responses: {
      200: '{ reference, status: creating | awaiting_payment | paid | cancelled }',
      404: 'No such reference',
    },
    handler: async (_req, { core, ctx, params }) =>
      json(await core.checkout.paymentStatus(ctx, params.reference!), 200, {
        'cache-control': 'no-store',
      }),
  }),
]
