import { listPaymentEventsQuery } from '@kloset/core'
import { paymentEventsPage } from '../contract/responses.js'
import { json } from '../http/respond.js'
import { route } from '../http/route.js'

const tag = 'Admin: payments'
const admin = ['admin'] as const

export const adminPaymentRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/admin/payment-events',
    auth: admin,
    tag,
    summary: 'Paystack events as received, newest first, by reference or event name',
    query: listPaymentEventsQuery,
    response: paymentEventsPage,
    responses: { 200: '{ items, nextCursor }', 400: 'Invalid filter', 403: 'Not an administrator' },
    handler: async (_req, { core, ctx, input }) => json(await core.payments.list(ctx, input.query)),
  }),
]
