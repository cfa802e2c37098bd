import { ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { newestFirst, paginate, withinDates } from './list.paging.js'
import { transactionData } from './paystack.presenters.js'
import { chargeAuthorizationBody, initializeTransactionBody } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import {
  chargeAuthorization,
  findCustomer,
  initializeTransaction,
  transactionById,
  transactionByReference,
} from './transactions.service.js'

/** `/transaction/*`. */
export function transactionRoutes(ctx: SandboxContext): Route[] {
  return [
    route('POST', '/transaction/initialize', 'secret', ({ body }) => {
      const transaction = initializeTransaction(ctx, parseInput(initializeTransactionBody, body))
      return ok('Authorization URL created', {
        authorization_url: `${ctx.baseUrl()}/checkout/${transaction.accessCode}`,
        access_code: transaction.accessCode,
        reference: transaction.reference,
      })
    }),
    route('GET', '/transaction/verify/:reference', 'secret', ({ params }) =>
      ok(
        'Verification successful',
        transactionData(ctx, transactionByReference(ctx, params.reference ?? '')),
      ),
    ),
    route('POST', '/transaction/charge_authorization', 'secret', ({ body }) =>
      ok(
        'Charge attempted',
        transactionData(ctx, chargeAuthorization(ctx, parseInput(chargeAuthorizationBody, body))),
      ),
    ),
    route('GET', '/transaction', 'secret', ({ query }) => {
      let items = newestFirst(ctx.store.state.transactions)
      const status = query.get('status')
      if (status) items = items.filter((t) => t.status === status)
      const customerKey = query.get('customer')
      if (customerKey) {
        const customer = findCustomer(ctx, customerKey)
        items = items.filter((t) => t.customerId === customer?.id)
      }
      const currency = query.get('currency')
      if (currency) items = items.filter((t) => t.currency === currency)
      const page = paginate(
        withinDates(items, query, (t) => t.createdAt),
        query,
      )
      return ok(
        'Transactions retrieved',
        page.items.map((t) => transactionData(ctx, t)),
        { meta: page.meta },
      )
    }),
    route('GET', '/transaction/:id', 'secret', ({ params }) =>
      ok('Transaction retrieved', transactionData(ctx, transactionById(ctx, params.id ?? ''))),
    ),
  ]
}
