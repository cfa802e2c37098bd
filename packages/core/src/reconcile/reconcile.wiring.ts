import type { LedgerService } from '../ledger/ledger.service.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { RefundsService } from '../orders/refunds.service.js'
import type { PayoutsService } from '../payouts/payouts.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { ReconcileService } from './reconcile.service.js'
import { ReconcileItems } from './reconcile-items.js'

/** Paystack against order groups, payouts and the ledger, one day at a time, and its items. */
export function wireReconcile(
  p: Platform,
  deps: {
    orders: OrdersService
    refunds: RefundsService
    ledger: LedgerService
    payouts: PayoutsService
  },
): Wired<{ reconcile: ReconcileService }> {
  const reconcile = new ReconcileService({
    paystack: p.paystack,
    orders: deps.orders,
    ledger: deps.ledger,
    payouts: deps.payouts,
    refunds: deps.refunds,
    items: new ReconcileItems({ items: p.models.reconcileItems, events: p.events, audit: p.audit }),
  })
  return { services: { reconcile } }
}
