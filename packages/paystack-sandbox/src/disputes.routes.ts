import { z } from 'zod'
import {
  addEvidence,
  disputeById,
  disputeData,
  merchantResolve,
  raiseChargeback,
  remindDispute,
  settle,
} from './disputes.service.js'
import { ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { newestFirst, paginate, withinDates } from './list.paging.js'
import { amountField } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { transactionByIdOrReference, transactionByReference } from './transactions.service.js'

const evidenceBody = z.object({
  customer_email: z.string().min(1),
  customer_name: z.string().min(1),
  customer_phone: z.string().min(1),
  service_details: z.string().min(1),
  delivery_address: z.string().optional(),
  delivery_date: z.string().optional(),
})
const resolveBody = z.object({
  resolution: z.enum(['merchant-accepted', 'declined']),
  message: z.string().min(1),
  refund_amount: z.coerce.number().int().min(0),
  uploaded_filename: z.string().min(1),
  evidence: z.coerce.number().int().optional(),
})
const chargebackBody = z.object({
  amount: amountField.optional(),
  category: z.enum(['chargeback', 'fraud']).optional(),
})
const bankRulingBody = z.object({ resolution: z.enum(['merchant-accepted', 'declined']) })

// size: a route table, one short handler a row; splitting it would scatter one URL space.
/** `/dispute/*` (Paystack's dispute API) and the control endpoints that raise chargebacks. */
export function disputeRoutes(ctx: SandboxContext): Route[] {
  const { store } = ctx
  return [
    route('GET', '/dispute', 'secret', ({ query }) => {
      let items = newestFirst(store.state.disputes)
      const status = query.get('status')
      if (status) items = items.filter((d) => d.status === status)
      const transactionKey = query.get('transaction')
      if (transactionKey) {
        const transaction = transactionByIdOrReference(ctx, transactionKey)
        items = items.filter((d) => d.transactionId === transaction?.id)
      }
      const page = paginate(
        withinDates(items, query, (d) => d.createdAt),
        query,
      )
      return ok(
        'Disputes retrieved',
        page.items.map((d) => disputeData(ctx, d)),
        { meta: page.meta },
      )
    }),
    route('GET', '/dispute/transaction/:id', 'secret', ({ params }) => {
      const transaction = transactionByIdOrReference(ctx, params.id ?? '')
      const dispute = store.state.disputes.find((d) => d.transactionId === transaction?.id)
      return ok('Dispute retrieved', dispute ? disputeData(ctx, dispute) : null)
    }),
    route('GET', '/dispute/:id', 'secret', ({ params }) =>
      ok('Dispute retrieved', disputeData(ctx, disputeById(ctx, params.id ?? ''))),
    ),
    route('POST', '/dispute/:id/evidence', 'secret', ({ params, body }) => {
      const input = parseInput(evidenceBody, body)
      const dispute = addEvidence(ctx, disputeById(ctx, params.id ?? ''), {
        customer_email: input.customer_email,
        customer_name: input.customer_name,
        customer_phone: input.customer_phone,
        service_details: input.service_details,
        delivery_address: input.delivery_address ?? null,
        delivery_date: input.delivery_date ?? null,
      })
      return ok('Evidence created', { ...dispute.evidence, dispute: dispute.id })
    }),
    route('PUT', '/dispute/:id/resolve', 'secret', ({ params, body }) => {
      const input = parseInput(resolveBody, body)
      const dispute = merchantResolve(ctx, disputeById(ctx, params.id ?? ''), input)
      return ok('Dispute successfully resolved', disputeData(ctx, dispute))
    }),
    route(
      'POST',
      '/__sandbox/transactions/:reference/chargeback',
      'control',
      async ({ params, body }) => {
        const transaction = transactionByReference(ctx, params.reference ?? '')
        const input = parseInput(chargebackBody, body ?? {})
        const dispute = raiseChargeback(ctx, transaction, input)
        await ctx.events.idle()
        return ok('Chargeback raised', disputeData(ctx, dispute))
      },
    ),
    route('POST', '/__sandbox/disputes/:id/remind', 'control', async ({ params }) => {
      const dispute = remindDispute(ctx, disputeById(ctx, params.id ?? ''))
      await ctx.events.idle()
      return ok('Reminder sent', disputeData(ctx, dispute))
    }),
    route('POST', '/__sandbox/disputes/:id/bank-ruling', 'control', async ({ params, body }) => {
      const dispute = disputeById(ctx, params.id ?? '')
      const { resolution } = parseInput(bankRulingBody, body)
      settle(ctx, dispute, resolution, dispute.refundAmount, 'bank')
      await ctx.events.idle()
      return ok('Dispute resolved by the bank', disputeData(ctx, dispute))
    }),
  ]
}
