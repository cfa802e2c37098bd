import type { UsersService } from '../accounts/users.service.js'
import type { InventoryService } from '../catalog/inventory.service.js'
import type { PublicCatalogService } from '../catalog/public-catalog.service.js'
import { outboxSourceOf } from '../events/outbox.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import { systemCtx } from '../shared/ctx.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { CartService } from './cart.service.js'
import { CatalogServiceView } from './catalog-view.js'
import { CheckoutService, type OrderTimers } from './checkout.service.js'
import type { FraudPort } from './fraud.port.js'
import { IdempotencyService } from './idempotency.service.js'
import { OrderRecords } from './order.records.js'
import { OrderMail } from './order-mail.js'
import { OrdersService } from './orders.service.js'
import { RefundsService } from './refunds.service.js'

/**
 * The cart, checkout and payment confirmation, store orders, refunds and idempotency keys.
 * size: a feature factory reads as one list of its services and subscribers, in build order.
 */
export function wireOrders(
  p: Platform,
  deps: {
    catalog: PublicCatalogService
    inventory: InventoryService
    ledger: LedgerService
    stores: StoresService
    users: UsersService
    /** The fraud screen and holds (built after orders: called only once createCore returns). */
    fraud: FraudPort
  },
): Wired<{
  idempotency: IdempotencyService
  orderRecords: OrderRecords
  cart: CartService
  checkout: CheckoutService
  refunds: RefundsService
  orders: OrdersService
}> {
  const { config, models, events, clock, logger, paystack } = p
  const { inventory, ledger, stores, users, fraud } = deps
  // From configuration (ORDER_* variables); overrides still win.
  const timers: OrderTimers = {
    paymentWindowSeconds: config.orders.reservationMinutes * 60,
    autoDeliverAfterDays: config.orders.autoDeliverDays,
    returnWindowDays: config.orders.returnWindowDays,
    ...p.overrides.orderTimers,
  }
  const idempotency = new IdempotencyService({ keys: models.idempotencyKeys, logger })
  const records = new OrderRecords({ orders: models.orders, groups: models.orderGroups, events })
  const mail = new OrderMail({ mail: p.mail, people: users, stores })
  const cart = new CartService({
    carts: models.carts,
    catalog: new CatalogServiceView(deps.catalog),
    logger,
  })
  const checkout = new CheckoutService({
    records,
    cart,
    inventory,
    paystack,
    ledger,
    idempotency,
    mail,
    people: users,
    stores,
    events,
    clock,
    logger,
    publicUrl: p.publicUrl,
    timers,
    fraud: { screen: (ctx, screening) => fraud.screen(ctx, screening) },
  })
  const refunds = new RefundsService({
    records,
    refunds: models.refunds,
    paystack,
    ledger,
    inventory,
    idempotency,
    audit: p.audit,
    mail,
    events,
    clock,
    logger,
  })
  const orders = new OrdersService({
    records,
    checkout,
    refunds,
    ledger,
    stores,
    audit: p.audit,
    mail,
    logger,
    timers,
    events,
    holds: {
      shippingHeld: (orderId) => fraud.shippingHeld(orderId),
      payoutHeld: (orderId) => fraud.payoutHeld(orderId),
    },
  })
  return {
    services: { idempotency, orderRecords: records, cart, checkout, refunds, orders },
    subscribe(bus) {
      bus.subscribe('paystack.event_received', 'checkout.confirm-payment', (event) =>
        checkout.onPaystackEvent(event),
      )
      bus.subscribe('paystack.event_received', 'refunds.settle', (event) =>
        refunds.onPaystackEvent(event),
      )
      bus.subscribe('refund.processed', 'orders.release-after-dispute-refund', (event) =>
        orders.onRefundProcessed(systemCtx('orders.dispute-refund', clock.now()), event.orderId),
      )
      for (const model of [models.orders, models.refunds])
        bus.addOutboxSource(outboxSourceOf(model))
    },
  }
}
