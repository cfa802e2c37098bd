import type { Connection } from 'mongoose'
import { wireAbuse } from './abuse/abuse.wiring.js'
import type { AutoBlocker } from './abuse/auto-block.js'
import type { IpBlockService } from './abuse/ip-block.service.js'
import type { RouteLimits } from './abuse/route-limits.js'
import type { AccountsService } from './accounts/accounts.service.js'
import { wireAccounts } from './accounts/accounts.wiring.js'
import type { UsersService } from './accounts/users.service.js'
import type { KeyValueStore } from './adapters/kv.js'
import type { Mailer } from './adapters/mailer.js'
import type { AuditService } from './audit/audit.service.js'
import { wireCatalog } from './catalog/catalog.wiring.js'
import type { InventoryService } from './catalog/inventory.service.js'
import type { ProductsService } from './catalog/products.service.js'
import type { PublicCatalogService } from './catalog/public-catalog.service.js'
import type { StockRecount } from './catalog/stock-recount.js'
import type { ChatService } from './chat/chat.service.js'
import { wireChat } from './chat/chat.wiring.js'
import type { Presence } from './chat/chat-notifier.js'
import type { Database } from './db/connection.js'
import type { DisputesService } from './disputes/disputes.service.js'
import { wireDisputes } from './disputes/disputes.wiring.js'
import type { EventRelay } from './events/event-bus.js'
import type { FraudService } from './fraud/fraud.service.js'
import { wireFraud } from './fraud/fraud.wiring.js'
import type { HealthService } from './health/health.service.js'
import type { ImagesService } from './images/images.service.js'
import type { InsightService } from './insight/insight.service.js'
import { JobsService } from './jobs/jobs.service.js'
import { jobsTable } from './jobs/jobs.table.js'
import { LedgerService } from './ledger/ledger.service.js'
import type { MailOutboxService } from './mail/mail-outbox.service.js'
import type { MailboxService } from './mail/mailbox.service.js'
import { registerNotificationSubscribers } from './notifications/notification-subscribers.js'
import type { NotificationsService } from './notifications/notifications.service.js'
import type { CartService } from './orders/cart.service.js'
import type { CheckoutService } from './orders/checkout.service.js'
import { lateFraudPort } from './orders/fraud.port.js'
import type { IdempotencyService } from './orders/idempotency.service.js'
import type { OrdersService } from './orders/orders.service.js'
import { wireOrders } from './orders/orders.wiring.js'
import type { RefundsService } from './orders/refunds.service.js'
import type { PaymentEventsService } from './payments/payment-events.service.js'
import { wirePayments } from './payments/payments.wiring.js'
import type { PaystackClient } from './payments/paystack/paystack.client.js'
import type { PayoutAccountsService } from './payouts/payout-accounts.service.js'
import type { PayoutsService } from './payouts/payouts.service.js'
import { wirePayouts } from './payouts/payouts.wiring.js'
import type { PlanPolicy } from './plans/plan.types.js'
import { type PlansService, policyOf } from './plans/plans.service.js'
import { wirePlans } from './plans/plans.wiring.js'
import type { SubscriptionsService } from './plans/subscriptions.service.js'
import { RealtimeService } from './realtime/realtime.service.js'
import type { RecommendationsService } from './recommendations/recommendations.service.js'
import type { ReconcileService } from './reconcile/reconcile.service.js'
import { wireReconcile } from './reconcile/reconcile.wiring.js'
import { SeedService } from './seed/seed.service.js'
import type { Clock } from './shared/clock.js'
import type { Config } from './shared/config.js'
import { systemCtx } from './shared/ctx.js'
import type { EventBus } from './shared/events.js'
import type { Logger } from './shared/logger.js'
import type { StoresService } from './stores/store.service.js'
import { wireStores } from './stores/stores.wiring.js'
import { wireOperations } from './wiring/operations.js'
import {
  type CoreOverrides,
  createPlatform,
  mailCaptureDir,
  type Platform,
} from './wiring/platform.js'
import type { WishlistsService } from './wishlists/wishlists.service.js'
import { wireShelves } from './wishlists/wishlists.wiring.js'

export { type CoreOverrides, mailCaptureDir }

/** The composition root: every service, wired once. */
export interface Core {
  config: Config
  logger: Logger
  clock: Clock
  events: EventBus
  /**
   * Publishes recorded events: tails the event log for other processes' events, claims events
   * whose subscribers have not run, sweeps aggregates' outboxes. The server and `kloset
   * scheduler` start it; a one-shot CLI command does not need to.
   */
  relay: EventRelay
  connection: Connection
  engine: Database['engine']
  kv: KeyValueStore
  mailer: Mailer
  accounts: AccountsService
  users: UsersService
  stores: StoresService
  products: ProductsService
  inventory: InventoryService
  /** Recounts stock left short by a crashed restock (docs/operations.md, "Interrupted restocks"). */
  stockRecount: StockRecount
  images: ImagesService
  audit: AuditService
  mailbox: MailboxService
  jobs: JobsService
  health: HealthService
  /** Paystack's API (or the sandbox's, per configuration). */
  paystack: PaystackClient
  /** Verified payment provider events, stored once. */
  payments: PaymentEventsService
  /** The commission ledger: double-entry journals of sales, refunds and payouts. */
  ledger: LedgerService
  /** Sellers' payout accounts (sealed account numbers, Paystack recipients). */
  payoutAccounts: PayoutAccountsService
  /** Weekly seller payouts through Paystack transfers, settled by transfer webhooks. */
  payouts: PayoutsService
  /** The public catalog buyers browse (cached, invalidated by catalog and store events). */
  catalog: PublicCatalogService
  /** Demo data for an empty marketplace. */
  seed: SeedService
  /** The buyer's server-side cart. */
  cart: CartService
  /** Checkout (order group + Paystack payment) and payment confirmation. */
  checkout: CheckoutService
  /** Store orders: views per audience and every lifecycle move. */
  orders: OrdersService
  /** Order refunds through Paystack. */
  refunds: RefundsService
  /** Idempotency keys for money-moving requests. */
  idempotency: IdempotencyService
  /** WebSocket tickets and who may subscribe to which channel. */
  realtime: RealtimeService
  /** Each user's inbox (made from domain events), read state and preferences. */
  notifications: NotificationsService
  /** Trust and safety: fraud signals, rules, decisions, the review queue, the risk model. */
  fraud: FraudService
  /** Buyers' wishlists and their back-in-stock and price-drop alerts. */
  wishlists: WishlistsService
  /** "Customers also bought", "for you", and the job that computes them and `popular`. */
  recommendations: RecommendationsService
  /** Buyer-seller chat with moderation (docs/chat.md). */
  chat: ChatService
  /** Who has a WebSocket open (the gateway keeps it; chat's offline emails read it). */
  presence: Presence
  /** Seller plans (tiers as policy) and the administrators' plan catalog. */
  plans: PlansService
  /** Sellers' Paystack subscriptions to plans, driven by subscription and invoice webhooks. */
  subscriptions: SubscriptionsService
  /** Address and range blocks applied at the door of HTTP and WebSocket (docs/security.md). */
  ipBlocks: IpBlockService
  /** Blocks an address for a while after repeated 429s, failed sign-ins or bad input (AUTO_BLOCK_*). */
  autoBlocks: AutoBlocker
  /** Per-route-class request limits per client (RATE_LIMIT_*; docs/security.md). */
  routeLimits: RouteLimits
  /** The mail outbox for administrators: failed mail and its retry. */
  mailOutbox: MailOutboxService
  /** Administrators' dashboard and revenue reports, from the ledger. */
  insight: InsightService
  /** Paystack against order groups against the ledger, one day at a time. */
  reconcile: ReconcileService
  /** Dispute cases between buyers and sellers, and Paystack chargebacks (disputes). */
  disputes: DisputesService
  /** Waits for event handlers, then closes the database, Redis and mail connections. */
  close(): Promise<void>
}

/**
 * The composition root. The platform (connections, models initialised in one pass, the event
 * bus, the one lock instance, audit, mail, notifications, Paystack) comes first; then each
 * feature's factory (`<feature>/<feature>.wiring.ts`) in dependency order; then every
 * feature's subscribers, and every job of the one jobs table (`jobs/jobs.table.ts`).
 * A feature built later is reached from an earlier one only through a closure (the fraud
 * port, the free plan's policy, the sign-in signal), called once createCore has returned.
 */
export async function createCore(config: Config, overrides: CoreOverrides = {}): Promise<Core> {
  const p = await createPlatform(config, overrides)
  const f = await wireFeatures(p)
  subscribeFeatures(p, f)
  const jobs = registerJobs(p, f)
  const { ledger } = f
  const { stores } = f.stores.services
  const { accounts } = f.accounts.services
  const { catalog, products, inventory, stockRecount, images } = f.catalog.services
  const { cart, checkout, orders, refunds, idempotency } = f.orders.services
  const conversations = f.chat.services.chat
  return {
    ...platformPartOf(p),
    ...f.accounts.services,
    stores,
    products,
    inventory,
    stockRecount,
    images,
    catalog,
    jobs,
    ...f.payments.services,
    ledger,
    ...f.payouts.services,
    cart,
    checkout,
    orders,
    refunds,
    idempotency,
    seed: new SeedService({ ...f.accounts.services, stores, products, images, clock: p.clock }),
    realtime: new RealtimeService({
      kv: p.kv,
      clock: p.clock,
      accounts,
      orders,
      stores,
      conversations,
    }),
    ...f.fraud.services,
    ...f.shelves.services,
    ...f.chat.services,
    ...f.plans.services,
    ...f.reconcile.services,
    ...f.disputes.services,
    ...wireAbuse(p).services,
    ...wireOperations(p, {
      ...f.disputes.services,
      ...f.fraud.services,
      ledger,
      orders,
      stores,
      products,
    }).services,
  }
}

/**
 * The features' factories in dependency order. A feature built later is reached from an
 * earlier one only through a closure: the sign-in signal and the orders' fraud port (fraud),
 * the stores' free plan policy (plans).
 */
async function wireFeatures(p: Platform) {
  const accounts = wireAccounts(p, {
    signIns: { signedIn: (userId, ip) => fraud.services.fraud.signedIn(userId, ip) },
  })
  const { users } = accounts.services
  const storesWired = wireStores(p, {
    users,
    freePlanPolicy: async (): Promise<PlanPolicy> => policyOf(await plans.services.plans.free()),
  })
  const { stores } = storesWired.services
  const catalog = wireCatalog(p, { stores, users })
  const payments = wirePayments(p)
  const ledger = new LedgerService({ journals: p.models.journals, clock: p.clock, stores })
  const orders = wireOrders(p, {
    catalog: catalog.services.catalog,
    inventory: catalog.services.inventory,
    ledger,
    stores,
    users,
    fraud: lateFraudPort(() => fraud.services.fraud),
  })
  const o = orders.services
  const disputes = wireDisputes(p, { ...o, ledger, stores, users })
  const payouts = wirePayouts(p, { ...accounts.services, ...disputes.services, stores, ledger })
  const fraud = wireFraud(p, {
    ...o,
    users,
    stores,
    payoutAccounts: payouts.services.payoutAccounts,
    catalog: catalog.services.catalog,
    payments: payments.services.payments,
  })
  const shelves = wireShelves(p, catalog.services)
  await shelves.services.purchaseLog.markCompleteIfNoOrders(p.clock.now())
  const plans = wirePlans(p, {
    ...payments.services,
    products: catalog.services.products,
    stores,
    users,
    ledger,
  })
  const chat = wireChat(p, { stores, orders: o.orders, catalog: catalog.services.catalog, users })
  const reconcile = wireReconcile(p, { ...o, ...payouts.services, ledger })
  return {
    accounts,
    stores: storesWired,
    catalog,
    payments,
    ledger,
    orders,
    disputes,
    payouts,
    fraud,
    shelves,
    plans,
    chat,
    reconcile,
  }
}

type Features = Awaited<ReturnType<typeof wireFeatures>>

/**
 * Subscribers (once per event for the whole marketplace, retried by the relay; their names are
 * recorded in the event log, so they stay stable), listeners and outbox sources; then the
 * notifications' subscribers (one inbox item per event and user).
 */
function subscribeFeatures(p: Platform, f: Features): void {
  const { events, clock } = p
  for (const feature of [
    f.accounts,
    f.fraud,
    f.shelves,
    f.catalog,
    f.orders,
    f.payouts,
    f.plans,
    f.chat,
    f.disputes,
  ])
    feature.subscribe?.(events)
  const { users } = f.accounts.services
  registerNotificationSubscribers(
    events,
    p.notifications,
    {
      stores: f.stores.services.stores,
      buyerOf: async (orderId) =>
        (await f.orders.services.orders.get(systemCtx('notifications', clock.now()), orderId))
          .buyerId,
      adminIds: () => users.activeAdminIds(),
    },
    clock,
  )
}

/** Every row of the jobs table, registered with the one JobsService. */
function registerJobs(p: Platform, f: Features): JobsService {
  const jobs = new JobsService({ locks: p.locks, clock: p.clock, logger: p.logger })
  const jobServices = {
    ...f.orders.services,
    ...f.shelves.services,
    ...f.plans.services,
    ...f.payouts.services,
    ...f.disputes.services,
    events: p.events,
    mail: p.mail,
    accounts: f.accounts.services.accounts,
    inventory: f.catalog.services.inventory,
    reconcile: f.reconcile.services.reconcile,
    fraud: f.fraud.services.fraud,
  }
  for (const job of jobsTable(jobServices, p.config, p.logger)) jobs.register(job)
  return jobs
}

/** The platform's own part of the core, and `close`. */
function platformPartOf(p: Platform) {
  const { events, mail, mailer, kv, database } = p
  return {
    config: p.config,
    logger: p.logger,
    clock: p.clock,
    events,
    relay: events,
    connection: p.connection,
    engine: database.engine,
    kv,
    mailer,
    audit: p.audit,
    paystack: p.paystack,
    notifications: p.notifications,
    async close() {
      await events.stop()
      await mail.drain()
      mailer.close()
      await kv.close()
      if (!p.overrides.database) await database.close()
    },
  }
}
