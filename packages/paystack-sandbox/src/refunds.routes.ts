import { ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { newestFirst, paginate, withinDates } from './list.paging.js'
import { refundCreatedData, refundData } from './paystack.presenters.js'
import { createRefund, refundById, retryRefund } from './refunds.service.js'
import { createRefundBody, retryRefundBody } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { transactionByIdOrReference } from './transactions.service.js'

/** `/refund/*`. */
export function refundRoutes(ctx: SandboxContext): Route[] {
  return [
    route('POST', '/refund', 'secret', ({ body }) =>
      ok(
        'Refund has been queued for processing',
        refundCreatedData(ctx, createRefund(ctx, parseInput(createRefundBody, body))),
      ),
    ),
    route('POST', '/refund/retry_with_customer_details/:id', 'secret', ({ params, body }) => {
      parseInput(retryRefundBody, body)
      return ok('Refund retried', refundData(retryRefund(ctx, refundById(ctx, params.id ?? ''))))
    }),
    route('GET', '/refund', 'secret', ({ query }) => {
      let items = newestFirst(ctx.store.state.refunds)
      const transactionKey = query.get('transaction')
      if (transactionKey) {
        const transaction = transactionByIdOrReference(ctx, transactionKey)
        items = items.filter((refund) => refund.transactionId === transaction?.id)
      }
      const currency = query.get('currency')
      if (currency) items = items.filter((refund) => refund.currency === currency)
      const status = query.get('status')
      if (status) items = items.filter((refund) => refund.status === status)
      const page = paginate(
        withinDates(items, query, (refund) => refund.createdAt),
        query,
      )
      return ok('Refunds retrieved', page.items.map(refundData), { meta: page.meta })
    }),
    route('GET', '/refund/:id', 'secret', ({ params }) =>
      ok('Refund retrieved', refundData(refundById(ctx, params.id ?? ''))),
    ),
  ]
}
