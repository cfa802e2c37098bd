import type { Connection } from 'mongoose'
import { AutoBlocker } from './abuse/auto-block.js'
import { IpBlockService } from './abuse/ip-block.service.js'
import { RouteLimits } from './abuse/route-limits.js'
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
import { HealthService } from './health/health.service.js'
import type { ImagesService } from './images/images.service.js'
import { InsightService } from './insight/insight.service.js'
import { JobsService } from './jobs/jobs.service.js'
import { jobsTable } from './jobs/jobs.table.js'
import { LedgerService } from './ledger/ledger.service.js'
import { MailOutboxService } from './mail/mail-outbox.service.js'
import { MailboxService } from './mail/mailbox.service.js'
import { registerNotificationSubscribers } from './notifications/notification-subscribers.js'
import type { NotificationsService } from './notifications/notifications.service.js'
import type { CartService } from './orders/cart.service.js'
import type { CheckoutService } from './orders/checkout.service.js'
import type { FraudPort } from './orders/fraud.port.js'
import type { IdempotencyService } from './orders/idempotency.service.js'
import type { OrdersService } from './orders/orders.service.js'
import { wireOrders } from './orders/orders.wiring.js'
import type { RefundsService } from './orders/refunds.service.js'
import { PaymentEventsService } from './payments/payment-events.service.js'
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
import { ReconcileService } from './reconcile/reconcile.service.js'
import { ReconcileItems } from './reconcile/reconcile-items.js'
import { SeedService } from './seed/seed.service.js'
import type { Clock } from './shared/clock.js'
import type { Config } from './shared/config.js'
import { systemCtx } from './shared/ctx.js'
import type { EventBus } from './shared/events.js'
import type { Logger } from './shared/logger.js'
import { StoresService } from './stores/store.service.js'
import { type CoreOverrides, createPlatform, mailCaptureDir } from './wiring/platform.js'
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
  const { events, clock, logger, kv, connection, database, mailer, mail, audit, paystack } = p

  const accounts = wireAccounts(p, {
    signIns: { signedIn: (userId, ip) => fraud.services.fraud.signedIn(userId, ip) },
  })
  const { users } = accounts.services
  const stores = new StoresService({
    stores: p.models.stores,
    people: users,
    audit,
    mail,
    events,
    publicUrl: p.publicUrl,
    freePlanPolicy: async (): Promise<PlanPolicy> => policyOf(await plans.services.plans.free()),
  })
  const catalog = wireCatalog(p, { stores, users })
  const { products, inventory, images } = catalog.services
  const payments = new PaymentEventsService({
    paymentEvents: p.models.paymentEvents,
    events,
    logger,
    paystack: {
      secretKey: config.paystack.secretKey,
      ...(config.paystack.webhookIps ? { webhookIps: config.paystack.webhookIps } : {}),
    },
  })
  const ledger = new LedgerService({ journals: p.models.journals, clock, stores })
  const fraudPort: FraudPort = {
    screen: (ctx, screening) => fraud.services.fraud.screen(ctx, screening),
    shippingHeld: (orderId) => fraud.services.fraud.shippingHeld(orderId),
    payoutHeld: (orderId) => fraud.services.fraud.payoutHeld(orderId),
  }
  const orders = wireOrders(p, {
    catalog: catalog.services.catalog,
    inventory,
    ledger,
    stores,
    users,
    fraud: fraudPort,
  })
  const o = orders.services
  const disputes = wireDisputes(p, { ...o, ledger, stores, users })
  const payouts = wirePayouts(p, {
    accounts: accounts.services.accounts,
    users,
    stores,
    ledger,
    disputes: disputes.services.disputes,
  })
  const fraud = wireFraud(p, {
    ...o,
    users,
    stores,
    payoutAccounts: payouts.services.payoutAccounts,
    catalog: catalog.services.catalog,
    payments,
  })
  const shelves = wireShelves(p, catalog.services)
  await shelves.services.purchaseLog.markCompleteIfNoOrders(clock.now())
  const plans = wirePlans(p, { stores, products, users, payments, ledger })
  const chat = wireChat(p, { stores, orders: o.orders, catalog: catalog.services.catalog, users })
  const reconcile = new ReconcileService({
    paystack,
    orders: o.orders,
    ledger,
    payouts: payouts.services.payouts,
    refunds: o.refunds,
    items: new ReconcileItems({ items: p.models.reconcileItems, events, audit }),
  })

  // Subscribers (once per event for the whole marketplace, retried by the relay; their names
  // are recorded in the event log, so they stay stable), listeners and outbox sources.
  for (const feature of [accounts, fraud, shelves, catalog, orders, payouts, plans, chat, disputes])
    feature.subscribe?.(events)
  registerNotificationSubscribers(
    events,
    p.notifications,
    {
      stores,
      buyerOf: async (orderId) =>
        (await o.orders.get(systemCtx('notifications', clock.now()), orderId)).buyerId,
      adminIds: () => users.activeAdminIds(),
    },
    clock,
  )

  const jobs = new JobsService({ locks: p.locks, clock, logger })
  const jobServices = {
    ...o,
    ...shelves.services,
    ...plans.services,
    ...payouts.services,
    ...disputes.services,
    events,
    mail,
    accounts: accounts.services.accounts,
    inventory,
    reconcile,
    fraud: fraud.services.fraud,
  }
  for (const job of jobsTable(jobServices, config, logger)) jobs.register(job)
  const ipBlocks = new IpBlockService({ ipBlocks: p.models.ipBlocks, audit, clock })

  return {
    config,
    logger,
    clock,
    events,
    relay: events,
    connection,
    engine: database.engine,
    kv,
    mailer,
    ...accounts.services,
    stores,
    products,
    inventory,
    stockRecount: catalog.services.stockRecount,
    images,
    audit,
    mailbox: new MailboxService({ directory: mailCaptureDir(config) }),
    jobs,
    health: new HealthService({ connection, kv, engine: database.engine }),
    paystack,
    payments,
    ledger,
    ...payouts.services,
    catalog: catalog.services.catalog,
    seed: new SeedService({ ...accounts.services, stores, products, images, clock }),
    cart: o.cart,
    checkout: o.checkout,
    orders: o.orders,
    refunds: o.refunds,
    idempotency: o.idempotency,
    realtime: new RealtimeService({
      kv,
      clock,
      accounts: accounts.services.accounts,
      orders: o.orders,
      stores,
      conversations: chat.services.chat,
    }),
    notifications: p.notifications,
    ...fraud.services,
    ...shelves.services,
    ...chat.services,
    ...plans.services,
    ipBlocks,
    autoBlocks: new AutoBlocker({ kv, ipBlocks, clock, logger }, config.autoBlocks),
    routeLimits: new RouteLimits(kv, config.rateLimits),
    mailOutbox: new MailOutboxService({ outbox: p.models.mailOutbox, audit }),
    reconcile,
    insight: new InsightService({
      ledger,
      orders: o.orders,
      stores,
      products,
      disputes: disputes.services.disputes,
      fraud: fraud.services.fraud,
      payoutMinimumKobo: config.payouts.minimumKobo,
    }),
    ...disputes.services,
    async close() {
      await events.stop()
      await mail.drain()
      mailer.close()
      await kv.close()
      if (!overrides.database) await database.close()
    },
  }
}
