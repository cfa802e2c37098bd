import type { UsersService } from '../accounts/users.service.js'
import { outboxSourceOf } from '../events/outbox.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { RefundsService } from '../orders/refunds.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { registerDisputeSubscribers } from './dispute.subscribers.js'
import { DisputesService } from './disputes.service.js'

/** Dispute cases, Paystack chargebacks, and the freeze they put on a seller's payout. */
export function wireDisputes(
  p: Platform,
  deps: {
    orders: OrdersService
    refunds: RefundsService
    ledger: LedgerService
    stores: StoresService
    users: UsersService
  },
): Wired<{ disputes: DisputesService }> {
  const { orders, refunds, ledger, stores, users } = deps
  const disputes = new DisputesService({
    disputes: p.models.disputes,
    orders,
    ledger,
    stores,
    images: p.imageStore,
    audit: p.audit,
    events: p.events,
    clock: p.clock,
    logger: p.logger,
    chargebacks: { paystack: p.paystack, refunds, people: users },
  })
  return {
    services: { disputes },
    subscribe(bus) {
      registerDisputeSubscribers(bus, {
        notifications: p.notifications,
        mail: p.mail,
        people: users,
        stores,
        clock: p.clock,
      })
      bus.subscribe('paystack.event_received', 'disputes.chargebacks', (event) =>
        disputes.onPaystackEvent(event),
      )
      bus.addOutboxSource(outboxSourceOf(p.models.disputes))
    },
  }
}
