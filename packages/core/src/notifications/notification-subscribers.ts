import type { Clock } from '../shared/clock.js'
import type { Delivered, EventBus, OrderEventPayload } from '../shared/events.js'
import { formatMoney } from '../shared/money.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { NewNotification, NotificationsService } from './notifications.service.js'

/** What the subscribers look up: a store's owner and name, an order's buyer. */
export interface NotificationLookups {
  stores: Pick<StoreLookup, 'getStore'>
  /** The buyer of an order (refund events carry only the order id). */
  buyerOf(orderId: string): Promise<string>
  /** The ids of the active administrators (reconcile items and automatic chargeback answers). */
  adminIds(): Promise<string[]>
}

type OrderStatusEvent =
  | 'order.processing'
  | 'order.shipped'
  | 'order.delivered'
  | 'order.completed'
  | 'order.cancelled'
  | 'order.disputed'
  | 'order.resolved'

/** What the buyer reads per order status. */
const ORDER_HEADLINES: Record<OrderStatusEvent, string> = {
  'order.processing': 'Payment received: {store} is preparing your order',
  'order.shipped': 'Your order from {store} has shipped',
  'order.delivered': 'Your order from {store} was delivered',
  'order.completed': 'Your order from {store} is complete',
  'order.cancelled': 'Your order from {store} was cancelled',
  'order.disputed': 'Your dispute on the order from {store} is open',
  'order.resolved': 'Your dispute on the order from {store} was resolved',
}

// size: one list of every event that reaches an inbox (orders, refunds, payouts, decisions,
// security), each a few lines; read together it is the inbox's whole source.
/**
 * Registers the subscribers that fill inboxes from domain events. Each runs once per event for
 * the whole marketplace and is retried; `deliver` is idempotent by (event id, user id).
 */
export function registerNotificationSubscribers(
  events: EventBus,
  notifications: NotificationsService,
  lookups: NotificationLookups,
  clock: Clock,
): void {
  const deliver = async (event: { eventId: string }, item: Omit<NewNotification, 'eventId'>) => {
    await notifications.deliver(clock.now(), { ...item, eventId: event.eventId })
  }
  const store = (storeId: string) => lookups.stores.getStore(storeId)

  const onOrder = async (event: Delivered<OrderStatusEvent>) => {
    const p = event as OrderEventPayload & { event: OrderStatusEvent; eventId: string }
    const shop = await store(p.storeId)
    const dispute = p.event === 'order.disputed' || p.event === 'order.resolved'
    const type = dispute ? 'dispute' : 'order_update'
    const link = { orderId: p.orderId, storeId: p.storeId }
    const status = p.event.slice('order.'.length)
    await deliver(event, {
      userId: p.buyerId,
      type,
      title: ORDER_HEADLINES[p.event].replace('{store}', shop.name),
      body: `Order ${p.orderId} is now ${status}.`,
      link,
    })
    // Sellers hear of new paid orders (to ship) and of disputes on their orders.
    if (p.event === 'order.processing' || dispute)
      await deliver(event, {
        userId: shop.ownerId,
        type,
        title:
          p.event === 'order.processing'
            ? `New paid order for ${shop.name}`
            : `Order ${p.orderId} of ${shop.name} is ${status}`,
        body:
          p.event === 'order.processing'
            ? `Order ${p.orderId} is paid and waiting to be shipped.`
            : `Order ${p.orderId} is now ${status}.`,
        link,
      })
  }
  for (const name of Object.keys(ORDER_HEADLINES) as OrderStatusEvent[])
    events.subscribe(name, 'notifications.order', onOrder)

  // Failures are `critical`: delivered even when the user muted the type.
  const onRefund =
    (failed: boolean) => async (event: Delivered<'refund.processed' | 'refund.failed'>) =>
      deliver(event, {
        userId: await lookups.buyerOf(event.orderId),
        type: 'refund',
        critical: failed,
        title: `Your refund of ${formatMoney(event.amount)} ${failed ? 'failed' : 'was processed'}`,
        body: failed
          ? `The refund for order ${event.orderId} could not be sent; our team will follow up.`
          : `The refund for order ${event.orderId} is on its way back to you.`,
        link: { orderId: event.orderId, refundId: event.refundId },
      })
  events.subscribe('refund.processed', 'notifications.refund', onRefund(false))
  events.subscribe('refund.failed', 'notifications.refund', onRefund(true))

  const onPayout = async (event: Delivered<'payout.paid'> | Delivered<'payout.failed'>) => {
    const shop = await store(event.storeId)
    const failed = event.event === 'payout.failed'
    await deliver(event, {
      userId: shop.ownerId,
      type: 'payout',
      critical: failed,
      title: `Payout of ${formatMoney(event.amount)} ${failed ? 'failed' : 'paid'}`,
      body: failed
        ? `${shop.name}'s payout ${event.reference} failed (${event.reason}); the amount is back in your available balance.`
        : `${shop.name}'s payout ${event.reference} reached your account.`,
      link: { storeId: event.storeId, payoutId: event.payoutId },
    })
  }
  events.subscribe('payout.paid', 'notifications.payout', onPayout)
  events.subscribe('payout.failed', 'notifications.payout', onPayout)

  const storeDecisions = {
    'store.approved': 'is approved: you can start selling',
    'store.rejected': 'was not approved',
    'store.suspended': 'is suspended',
  } as const
  for (const [name, outcome] of Object.entries(storeDecisions) as [
    keyof typeof storeDecisions,
    string,
  ][])
    events.subscribe(name, 'notifications.store-decision', async (event) => {
      const shop = await store(event.storeId)
      await deliver(event, {
        userId: shop.ownerId,
        type: 'store_decision',
        title: `Your store ${shop.name} ${outcome}`,
        // The item stands on its own: the user may have muted this type by email.
        body: event.reason ? `Reason: ${event.reason}` : 'No reason was given.',
        link: { storeId: event.storeId },
      })
    })

  events.subscribe('product.approved', 'notifications.product-decision', async (event) => {
    const shop = await store(event.storeId)
    await deliver(event, {
      userId: shop.ownerId,
      type: 'product_decision',
      title: 'A product of yours was approved',
      body: `Product ${event.productId} is live in ${shop.name}.`,
      link: { storeId: event.storeId, productId: event.productId },
    })
  })
  events.subscribe('product.rejected', 'notifications.product-decision', async (event) => {
    const shop = await store(event.storeId)
    await deliver(event, {
      userId: shop.ownerId,
      type: 'product_decision',
      title: 'A product of yours was not approved',
      body: `Product ${event.productId} of ${shop.name} was rejected: ${event.reason}`,
      link: { storeId: event.storeId, productId: event.productId },
    })
  })

  events.subscribe('user.password_reset', 'notifications.security', (event) =>
    deliver(event, {
      userId: event.userId,
      type: 'security',
      title: 'Your password was reset',
      body: 'If this was not you, contact support at once.',
    }),
  )
  events.subscribe('user.suspended', 'notifications.security', (event) =>
    deliver(event, {
      userId: event.userId,
      type: 'security',
      title: 'Your account was suspended',
      body: `Reason: ${event.reason}`,
    }),
  )

  events.subscribe('reconcile.item_opened', 'notifications.reconcile', async (event) => {
    for (const userId of await lookups.adminIds())
      await deliver(event, {
        userId,
        type: 'reconcile',
        title: `Reconciliation: ${event.kind.replaceAll('_', ' ')}`,
        body: `${event.subject}: ${event.message}. Resolve it with kloset reconcile resolve ${event.itemId} --reason "...".`,
      })
  })

  // A chargeback the `answer-chargebacks` job answered because no administrator decided in time.
  events.subscribe('dispute.updated', 'notifications.chargeback-answers', async (event) => {
    if (event.step !== 'chargeback_auto_answered') return
    for (const userId of await lookups.adminIds())
      await deliver(event, {
        userId,
        type: 'dispute',
        title: `Chargeback on order ${event.orderId} answered automatically`,
        body: event.detail,
        link: { orderId: event.orderId, storeId: event.storeId },
      })
  })
}
