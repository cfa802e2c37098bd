import type { UsersService } from '../accounts/users.service.js'
import type { ProductsService } from '../catalog/products.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaymentEventsService } from '../payments/payment-events.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { PlansService } from './plans.service.js'
import { SubscriptionMail } from './subscription-mail.js'
import { SubscriptionsService } from './subscriptions.service.js'

/** Seller plans (docs/plans.md): the plan catalog and Paystack subscriptions to it. */
export function wirePlans(
  p: Platform,
  deps: {
    stores: StoresService
    products: ProductsService
    users: UsersService
    payments: PaymentEventsService
    ledger: LedgerService
  },
): Wired<{ plans: PlansService; subscriptions: SubscriptionsService }> {
  const { models, paystack, audit, logger } = p
  const { stores, users } = deps
  const plans = new PlansService({ plans: models.plans, stores, paystack, audit })
  const subscriptions = new SubscriptionsService({
    subscriptions: models.subscriptions,
    invoices: models.invoices,
    plans,
    stores,
    products: deps.products,
    people: users,
    paystack,
    payments: deps.payments,
    ledger: deps.ledger,
    mail: new SubscriptionMail({
      stores,
      people: users,
      mail: p.mail,
      logger,
      publicUrl: p.publicUrl,
    }),
    audit,
    events: p.events,
    clock: p.clock,
    logger,
    publicUrl: p.publicUrl,
  })
  return {
    services: { plans, subscriptions },
    subscribe(bus) {
      bus.subscribe('paystack.event_received', 'plans.subscription-event', (event) =>
        subscriptions.onPaystackEvent(event),
      )
    },
  }
}
