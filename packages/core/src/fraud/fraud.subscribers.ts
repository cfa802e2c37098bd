import { systemCtx } from '../shared/ctx.js'
import type { Delivered, EventBus, EventName } from '../shared/events.js'
import type { FraudDeps } from './fraud.service.js'

/** What the signal subscribers read and write: the signals, and the paths to orders and stores. */
export type SignalSubscriberDeps = Pick<
  FraudDeps,
  | 'models'
  | 'signals'
  | 'money'
  | 'clock'
  | 'logger'
  | 'cardOf'
  | 'payoutAccountHashOf'
  | 'productPrices'
>

/**
 * Registers the subscribers that keep the signals' counters (once per event, marketplace-wide):
 * one row per event, each with its stable subscriber name and its step.
 */
export function subscribeSignals(events: EventBus, deps: SignalSubscriberDeps): void {
  const on = <E extends EventName>(
    event: E,
    subscriber: `fraud.${string}`,
    step: (deps: SignalSubscriberDeps, delivered: Delivered<E>) => Promise<void>,
  ) => events.subscribe(event, subscriber, guarded(deps, subscriber, step))
  on('order_group.payment_issue', 'fraud.failed-payment', countFailedPayment)
  on('order.processing', 'fraud.paid-order', notePaidOrder)
  on('refund.processed', 'fraud.refund', noteRefund)
  on('order.disputed', 'fraud.dispute', (d, event) =>
    d.signals.addHistory(event.buyerId, 'disputed', event.eventId),
  )
  on('payout_account.changed', 'fraud.payout-account', linkPayoutAccount)
  on('product.approved', 'fraud.category-prices', async (d, event) => {
    const { category, prices } = await d.productPrices(event.productId)
    await d.signals.notePrices(event.productId, category, prices)
  })
  on('chat.message_flagged', 'fraud.chat-flag', (d, event) =>
    d.signals.chatFlagged(event.buyerId, event.storeId, event.eventId),
  )
}

/** A signal lost is a signal weaker, never a failed order or payment: errors are logged only. */
function guarded<E extends EventName>(
  deps: SignalSubscriberDeps,
  subscriber: `fraud.${string}`,
  step: (deps: SignalSubscriberDeps, delivered: Delivered<E>) => Promise<void>,
) {
  const name = subscriber.slice('fraud.'.length)
  return async (event: Delivered<E>) => {
    try {
      await step(deps, event)
    } catch (error) {
      deps.logger.warn({ err: error }, `fraud signal ${name} not recorded`)
    }
  }
}

/** A failed payment counts against the buyer, the address and the card of the checkout. */
async function countFailedPayment(
  deps: SignalSubscriberDeps,
  event: Delivered<'order_group.payment_issue'>,
): Promise<void> {
  const { signals, clock } = deps
  const decision = await deps.models.decisions.findOne({ orderGroupId: event.orderGroupId }).lean()
  if (!decision) return
  const once = event.eventId
  await signals.count('failed', 'buyer', decision.buyerId, clock.now(), once)
  if (decision.ip) await signals.count('failed', 'ip', decision.ip, clock.now(), once)
  const card = await signals.cardOf(decision.buyerId)
  if (card) await signals.count('failed', 'card', card, clock.now(), once)
}

/** A paid order joins the buyer's history; the group's card is remembered and counted. */
async function notePaidOrder(
  deps: SignalSubscriberDeps,
  event: Delivered<'order.processing'>,
): Promise<void> {
  const { signals, clock } = deps
  await signals.addHistory(event.buyerId, 'paid', event.eventId)
  // One payment per group: the card is counted once, by its first order.
  if (!(await signals.firstOf(`group:${event.orderGroupId}`))) return
  const ctx = systemCtx('fraud.signals', clock.now())
  const order = await deps.money.order(ctx, event.orderId)
  const card = await deps.cardOf(order.paymentReference)
  if (!card) return
  await signals.rememberCard(event.buyerId, card)
  await signals.count('orders', 'card', card, clock.now(), event.eventId)
}

async function noteRefund(
  deps: SignalSubscriberDeps,
  event: Delivered<'refund.processed'>,
): Promise<void> {
  const order = await deps.money.order(systemCtx('fraud.signals', deps.clock.now()), event.orderId)
  await deps.signals.addHistory(order.buyerId, 'refunded', event.eventId)
}

async function linkPayoutAccount(
  deps: SignalSubscriberDeps,
  event: Delivered<'payout_account.changed'>,
): Promise<void> {
  const hash = await deps.payoutAccountHashOf(event.storeId)
  if (hash) await deps.signals.linkPayoutAccount(event.storeId, hash)
}
