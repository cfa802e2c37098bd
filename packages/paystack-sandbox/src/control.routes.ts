import { z } from 'zod'
import { json, ok, type Route, route } from './http.router.js'
import { parseInput } from './input.validation.js'
import { invalid, notFound } from './paystack.errors.js'
import {
  invoiceData,
  refundData,
  subscriptionData,
  transactionData,
  transferDetailData,
} from './paystack.presenters.js'
import type { DeliveryRecord, JsonValue } from './paystack.types.js'
import { refundById, settleRefund } from './refunds.service.js'
import { amountField, currencyField } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { renewWithOutcome, stopRenewing, subscriptionByKey } from './subscriptions.service.js'
import { findTestCard } from './test-cards.data.js'
import { attemptCheckout, transactionByReference } from './transactions.service.js'
import { settleTransfer, transferByKey } from './transfers.service.js'

const webhookUrlBody = z.object({ url: z.union([z.url(), z.null()]) })
const topUpBody = z.object({ amount: amountField, currency: currencyField.optional() })
const succeedBody = z.object({
  card: z.string().optional(),
  /** The physical card, when a test means one card shared across customers. */
  signature: z.string().min(1).max(100).optional(),
})
const failBody = z.object({ reason: z.enum(['decline', 'insufficient_funds']).optional() })
const outcomeBody = z.object({ outcome: z.enum(['success', 'decline', 'insufficient_funds']) })
const renewBody = z.object({ outcome: outcomeBody.shape.outcome.optional() })
const eventBody = z.object({ event: z.string().min(1), data: z.json() })

/** A delivery as the control API lists it (the body parsed back, for reading). */
export function deliveryView(delivery: DeliveryRecord): JsonValue {
  return {
    id: delivery.id,
    event: delivery.event,
    url: delivery.url,
    status: delivery.status,
    signature: delivery.signature,
    replay_of: delivery.replayOf,
    created_at: delivery.createdAt,
    attempts: delivery.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      url: attempt.url,
      status_code: attempt.statusCode,
      error: attempt.error,
      at: attempt.at,
      duration_ms: attempt.durationMs,
    })),
    body: delivery.body,
  }
}

/** Settles all pending refunds and transfers now, then waits for their webhooks' first tries. */
export async function flushSandbox(ctx: SandboxContext): Promise<number> {
  const settled = ctx.jobs.flush()
  ctx.store.changed()
  await ctx.events.idle()
  return settled
}

// size: a route table, one short handler a row; splitting it would scatter one URL space.
/** `/__sandbox/*`: steering for tests and demos. Not part of Paystack's API. */
export function controlRoutes(ctx: SandboxContext): Route[] {
  const { store } = ctx
  return [
    route('GET', '/__sandbox/health', 'public', () => json(200, { status: true })),
    route('GET', '/__sandbox/state', 'control', () =>
      ok('State retrieved', structuredClone(store.state) as unknown as JsonValue),
    ),
    route('POST', '/__sandbox/reset', 'control', () => {
      ctx.jobs.stop()
      ctx.events.cancelRetries()
      store.reset()
      return ok('Sandbox reset', null)
    }),
    route('POST', '/__sandbox/flush', 'control', async () =>
      ok('Pending work settled', { settled: await flushSandbox(ctx) }),
    ),
    route('POST', '/__sandbox/webhook-url', 'control', ({ body }) => {
      store.state.webhookUrl = parseInput(webhookUrlBody, body).url
      return ok('Webhook URL set', { url: store.state.webhookUrl })
    }),
    route('GET', '/__sandbox/deliveries', 'control', ({ query }) => {
      const event = query.get('event')
      const status = query.get('status')
      const items = store.state.deliveries.filter(
        (d) => (!event || d.event === event) && (!status || d.status === status),
      )
      return ok('Deliveries retrieved', items.map(deliveryView))
    }),
    route('GET', '/__sandbox/deliveries/:id', 'control', ({ params }) => {
      const delivery = store.state.deliveries.find((d) => d.id === params.id)
      if (!delivery) throw notFound('Delivery not found')
      return ok('Delivery retrieved', deliveryView(delivery))
    }),
    route('POST', '/__sandbox/deliveries/:id/replay', 'control', async ({ params }) => {
      const original = store.state.deliveries.find((d) => d.id === params.id)
      if (!original) throw notFound('Delivery not found')
      if (!store.state.webhookUrl) throw invalid('Set a webhook URL before replaying')
      const replay = ctx.events.replay(original)
      await ctx.events.idle()
      return ok('Delivery replayed', deliveryView(replay))
    }),
    route('POST', '/__sandbox/events', 'control', async ({ body }) => {
      const input = parseInput(eventBody, body)
      const delivery = ctx.events.emit(input.event, input.data as JsonValue)
      await ctx.events.idle()
      return ok('Event sent', deliveryView(delivery))
    }),
    route('POST', '/__sandbox/balance/top-up', 'control', ({ body }) => {
      const input = parseInput(topUpBody, body)
      const currency = input.currency ?? 'NGN'
      store.state.balances[currency] += input.amount
      return ok('Balance topped up', { currency, balance: store.state.balances[currency] })
    }),
    route('POST', '/__sandbox/transactions/:reference/succeed', 'control', ({ params, body }) => {
      const transaction = transactionByReference(ctx, params.reference ?? '')
      const { card: cardNumber, signature } = parseInput(succeedBody, body)
      const card = cardNumber ? findTestCard(cardNumber) : undefined
      if (cardNumber && !card) throw invalid('Unknown test card')
      if (card && card.outcome !== 'success') throw invalid('That test card never succeeds')
      attemptCheckout(ctx, transaction, 'success', card, signature)
      return ok('Transaction succeeded', transactionData(ctx, transaction))
    }),
    route('POST', '/__sandbox/transactions/:reference/fail', 'control', ({ params, body }) => {
      const transaction = transactionByReference(ctx, params.reference ?? '')
      attemptCheckout(ctx, transaction, parseInput(failBody, body).reason ?? 'decline')
      return ok('Transaction failed', transactionData(ctx, transaction))
    }),
    route('POST', '/__sandbox/transactions/:reference/abandon', 'control', ({ params }) => {
      const transaction = transactionByReference(ctx, params.reference ?? '')
      attemptCheckout(ctx, transaction, 'abandon')
      return ok('Transaction abandoned', transactionData(ctx, transaction))
    }),
    ...(['succeed', 'fail', 'reverse'] as const).map((verb) =>
      route('POST', `/__sandbox/transfers/:code/${verb}`, 'control', ({ params }) => {
        const target = ({ succeed: 'success', fail: 'failed', reverse: 'reversed' } as const)[verb]
        const transfer = settleTransfer(ctx, transferByKey(ctx, params.code ?? ''), target)
        return ok(`Transfer ${target}`, transferDetailData(ctx, transfer))
      }),
    ),
    ...(['process', 'fail'] as const).map((verb) =>
      route('POST', `/__sandbox/refunds/:id/${verb}`, 'control', ({ params }) => {
        const target = verb === 'process' ? 'processed' : 'failed'
        return ok(
          `Refund ${target}`,
          refundData(settleRefund(ctx, refundById(ctx, params.id ?? ''), target)),
        )
      }),
    ),
    route('POST', '/__sandbox/authorizations/:code/outcome', 'control', ({ params, body }) => {
      const authorization = store.state.authorizations.find((a) => a.code === params.code)
      if (!authorization) throw notFound('Authorization not found')
      authorization.nextOutcome = parseInput(outcomeBody, body).outcome
      return ok('Authorization outcome set', {
        authorization_code: authorization.code,
        outcome: authorization.nextOutcome,
      })
    }),
    route('POST', '/__sandbox/subscriptions/:code/renew', 'control', ({ params, body }) => {
      const { outcome } = parseInput(renewBody, body ?? {})
      const invoice = renewWithOutcome(ctx, subscriptionByKey(ctx, params.code ?? ''), outcome)
      return ok('Subscription renewed', invoiceData(ctx, invoice))
    }),
    route('POST', '/__sandbox/subscriptions/:code/not-renew', 'control', ({ params }) => {
      const subscription = stopRenewing(ctx, subscriptionByKey(ctx, params.code ?? ''))
      return ok('Subscription set to non-renewing', subscriptionData(ctx, subscription))
    }),
  ]
}
