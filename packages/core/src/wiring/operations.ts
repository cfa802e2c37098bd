import type { ProductsService } from '../catalog/products.service.js'
import type { DisputesService } from '../disputes/disputes.service.js'
import type { FraudService } from '../fraud/fraud.service.js'
import { HealthService } from '../health/health.service.js'
import { InsightService } from '../insight/insight.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import { MailOutboxService } from '../mail/mail-outbox.service.js'
import { MailboxService } from '../mail/mailbox.service.js'
import type { OrdersService } from '../orders/orders.service.js'
import type { StoresService } from '../stores/store.service.js'
import type { Wired } from './feature.js'
import { mailCaptureDir, type Platform } from './platform.js'

/**
 * What administrators operate with and nothing else depends on: captured mail, health, the
 * mail outbox, the dashboard (built only from the features' own reads).
 */
export function wireOperations(
  p: Platform,
  deps: {
    ledger: LedgerService
    orders: OrdersService
    stores: StoresService
    products: ProductsService
    disputes: DisputesService
    fraud: FraudService
  },
): Wired<{
  mailbox: MailboxService
  health: HealthService
  mailOutbox: MailOutboxService
  insight: InsightService
}> {
  const { config, connection, kv, database } = p
  return {
    services: {
      mailbox: new MailboxService({ directory: mailCaptureDir(config) }),
      health: new HealthService({ connection, kv, engine: database.engine }),
      mailOutbox: new MailOutboxService({ outbox: p.models.mailOutbox, audit: p.audit }),
      insight: new InsightService({
        ledger: deps.ledger,
        orders: deps.orders,
        stores: deps.stores,
        products: deps.products,
        disputes: deps.disputes,
        fraud: deps.fraud,
        payoutMinimumKobo: config.payouts.minimumKobo,
      }),
    },
  }
}
