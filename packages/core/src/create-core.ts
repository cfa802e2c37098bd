import { join } from 'node:path'
import type { Connection } from 'mongoose'
import { createIpBlockModel } from './abuse/ip-block.model.js'
import { IpBlockService } from './abuse/ip-block.service.js'
import { RouteLimits } from './abuse/route-limits.js'
import { AccessTokens } from './accounts/access-token.js'
import { AccountsService } from './accounts/accounts.service.js'
import { PasswordHasher } from './accounts/password-hasher.js'
import { forgetRecentUsersOn, RecentUsers } from './accounts/recent-users.js'
import { createOneTimeTokenModel, createRefreshTokenModel } from './accounts/token.model.js'
import { createUserModel } from './accounts/user.model.js'
import { UsersService } from './accounts/users.service.js'
import { connectKeyValueStore, type KeyValueStore, RedisStore } from './adapters/kv.js'
import { CaptureMailer, type Mailer, SmtpMailer } from './adapters/mailer.js'
import { createAuditModel } from './audit/audit.model.js'
import { AuditService } from './audit/audit.service.js'
import { CatalogCache, invalidateCatalogOn } from './catalog/catalog-cache.js'
import { CatalogFacts } from './catalog/catalog-facts.js'
import { InventoryService } from './catalog/inventory.service.js'
import { createProductModel } from './catalog/product.model.js'
import { ProductsService } from './catalog/products.service.js'
import { PublicCatalogService } from './catalog/public-catalog.service.js'
import { createReservationModel } from './catalog/reservation.model.js'
import { createStockMovementModel } from './catalog/stock-movement.model.js'
import { StockRecount } from './catalog/stock-recount.js'
import { createVariantModel } from './catalog/variant.model.js'
import {
  createConversationModel,
  createMessageModel,
  createUploadModel,
} from './chat/chat.model.js'
import { ChatService, DEFAULT_CHAT_LIMITS } from './chat/chat.service.js'
import { Presence, registerChatNotifier } from './chat/chat-notifier.js'
import { type Database, openDatabase } from './db/connection.js'
import { createDisputeModel } from './disputes/dispute.model.js'
import { registerDisputeSubscribers } from './disputes/dispute.subscribers.js'
import { DisputesService } from './disputes/disputes.service.js'
import { DurableEventBus, type EventRelay, type EventRelaySettings } from './events/event-bus.js'
import { createEventLogModel } from './events/event-log.model.js'
import { outboxSourceOf } from './events/outbox.js'
import { createFraudModels } from './fraud/fraud.model.js'
import { FraudService } from './fraud/fraud.service.js'
import { FraudSignals, payoutAccountHash, payoutAccountHashKey } from './fraud/fraud.signals.js'
import { HealthService } from './health/health.service.js'
import { imageStoresFor } from './images/image-stores.js'
import { ImagesService } from './images/images.service.js'
import { InsightService } from './insight/insight.service.js'
import { JobsService } from './jobs/jobs.service.js'
import { DatabaseLocks, RedisLocks } from './jobs/lock.js'
import { createJournalModel } from './ledger/ledger.model.js'
import { LedgerService } from './ledger/ledger.service.js'
import { MailService } from './mail/mail.service.js'
import { createMailOutboxModel } from './mail/mail-outbox.model.js'
import { MailOutboxService } from './mail/mail-outbox.service.js'
import { MailboxService } from './mail/mailbox.service.js'
import {
  createInboxStateModel,
  createNotificationModel,
} from './notifications/notification.model.js'
import { registerNotificationSubscribers } from './notifications/notification-subscribers.js'
import { NotificationsService } from './notifications/notifications.service.js'
import { addressKeyring } from './orders/address.cipher.js'
import { createCartModel } from './orders/cart.model.js'
import { CartService } from './orders/cart.service.js'
import { CatalogServiceView } from './orders/catalog-view.js'
import { CheckoutService, type OrderTimers } from './orders/checkout.service.js'
import { createIdempotencyKeyModel } from './orders/idempotency.model.js'
import { IdempotencyService } from './orders/idempotency.service.js'
import { createOrderGroupModel, createOrderModel } from './orders/order.model.js'
import { OrderRecords } from './orders/order.records.js'
import { isUnpaidGroup } from './orders/order-group.transitions.js'
import { OrderMail } from './orders/order-mail.js'
import { OrdersService } from './orders/orders.service.js'
import { PurchaseHistory } from './orders/purchase-history.js'
import { createRefundModel } from './orders/refund.model.js'
import { RefundsService } from './orders/refunds.service.js'
import { createPaymentEventModel } from './payments/payment-event.model.js'
import { PaymentEventsService } from './payments/payment-events.service.js'
import { PaystackClient } from './payments/paystack/paystack.client.js'
import { AccountNumberCipher } from './payouts/account-number.cipher.js'
import { createPayoutModel } from './payouts/payout.model.js'
import { PAYOUT_SCHEDULE, PAYOUT_TIMEZONE } from './payouts/payout.period.js'
import { createPayoutAccountModel } from './payouts/payout-account.model.js'
import { PayoutAccountsService } from './payouts/payout-accounts.service.js'
import { PayoutsService } from './payouts/payouts.service.js'
import { createInvoiceModel, createPlanModel, createSubscriptionModel } from './plans/plan.model.js'
import type { PlanPolicy } from './plans/plan.types.js'
import { PlansService, policyOf } from './plans/plans.service.js'
import { SubscriptionMail } from './plans/subscription-mail.js'
import { SubscriptionsService } from './plans/subscriptions.service.js'
import { RealtimeService } from './realtime/realtime.service.js'
import {
  createProductViewModel,
  createRecommendationListModel,
} from './recommendations/recommendation.model.js'
import { RecommendationsService } from './recommendations/recommendations.service.js'
import { ReconcileService } from './reconcile/reconcile.service.js'
import { createReconcileItemModel } from './reconcile/reconcile-item.model.js'
import { ReconcileItems } from './reconcile/reconcile-items.js'
import { SeedService } from './seed/seed.service.js'
import { type Clock, systemClock } from './shared/clock.js'
import { type Config, linkBaseOf } from './shared/config.js'
import { makeCtx, systemCtx } from './shared/ctx.js'
import type { EventBus } from './shared/events.js'
import { createLogger, type Logger } from './shared/logger.js'
import { RateLimiter } from './shared/rate-limit.js'
import { createStoreModel } from './stores/store.model.js'
import { StoresService } from './stores/store.service.js'
import { createWishlistItemModel } from './wishlists/wishlist.model.js'
import { WishlistsService } from './wishlists/wishlists.service.js'

/** Parts the caller may supply instead of the ones built from configuration (tests, benches). */
export interface CoreOverrides {
  database?: Database
  kv?: KeyValueStore
  mailer?: Mailer
  clock?: Clock
  logger?: Logger
  /** Another Paystack client (a test pointing at its own sandbox). */
  paystack?: PaystackClient
  /** Order lifecycle clocks: payment window, auto-delivery, return window (orders). */
  orderTimers?: Partial<OrderTimers>
  /** Event relay timings (tests shorten the lease). */
  events?: Partial<EventRelaySettings>
}

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

/** The directory where locally captured mail is kept. */
export const mailCaptureDir = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'mail')

export async function createCore(config: Config, overrides: CoreOverrides = {}): Promise<Core> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel })
  const clock = overrides.clock ?? systemClock
  // Redis first: an unreachable REDIS_URL stops the start before the engine is started.
  const kv = overrides.kv ?? (await connectKeyValueStore(config.redisUrl))
  const database = overrides.database ?? (await openDatabase(config))
  const { connection } = database
  const mailer =
    overrides.mailer ??
    (config.smtpUrl
      ? new SmtpMailer(config.smtpUrl, config.mailFrom)
      : new CaptureMailer(mailCaptureDir(config), config.mailFrom))
  const eventLog = createEventLogModel(connection)
  const events = new DurableEventBus({
    log: eventLog,
    clock,
    logger,
    ...(kv instanceof RedisStore ? { pubsub: kv } : {}),
    settings: { pollMs: config.events.pollMs, ...overrides.events },
  })

  const models = {
    users: createUserModel(connection),
    oneTimeTokens: createOneTimeTokenModel(connection),
    refreshTokens: createRefreshTokenModel(connection),
    audit: createAuditModel(connection),
    stores: createStoreModel(connection),
    products: createProductModel(connection),
    variants: createVariantModel(connection),
    stockMovements: createStockMovementModel(connection),
    reservations: createReservationModel(connection),
    paymentEvents: createPaymentEventModel(connection),
    journals: createJournalModel(connection),
    carts: createCartModel(connection),
    orders: createOrderModel(connection),
    orderGroups: createOrderGroupModel(connection),
    refunds: createRefundModel(connection),
    idempotencyKeys: createIdempotencyKeyModel(connection),
    eventLog,
    mailOutbox: createMailOutboxModel(connection),
    notifications: createNotificationModel(connection),
    notificationInboxes: createInboxStateModel(connection),
  }
  await Promise.all(Object.values(models).map((model) => model.init()))

  const audit = new AuditService({ audit: models.audit })
  const notifications = new NotificationsService({
    notifications: models.notifications,
    inboxes: models.notificationInboxes,
    events,
  })
  const mail = new MailService({
    mailer,
    logger,
    outbox: models.mailOutbox,
    clock,
    preferences: notifications,
  })
  const limiter = new RateLimiter(kv)
  const accessTokens = new AccessTokens({
    secret: config.jwtSecret,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlSeconds: config.auth.accessTokenTtlSeconds,
  })

  const recentUsers = new RecentUsers()
  forgetRecentUsersOn(events, recentUsers)
  const accounts = new AccountsService({
    ...models,
    recentUsers,
    hasher: new PasswordHasher(config.auth.argon2),
    accessTokens,
    limiter,
    mail,
    audit,
    events,
    clock,
    settings: config.auth,
    publicUrl: linkBaseOf(config),
    signIns: { signedIn: (userId, ip) => fraud.signedIn(userId, ip) },
  })
  const users = new UsersService({ ...models, audit, mail, events, recentUsers })
  const stores = new StoresService({
    stores: models.stores,
    owners: users,
    audit,
    mail,
    events,
    publicUrl: linkBaseOf(config),
    // The plans service is built further down; a store is only registered after createCore.
    freePlanPolicy: async (): Promise<PlanPolicy> => policyOf(await plans.free()),
  })
  const catalogModels = {
    products: models.products,
    variants: models.variants,
    movements: models.stockMovements,
    reservations: models.reservations,
  }
  const products = new ProductsService({
    ...catalogModels,
    stores,
    owners: users,
    audit,
    mail,
    events,
  })
  const inventory = new InventoryService({
    ...catalogModels,
    stores,
    owners: users,
    mail,
    events,
    logger,
  })
  const stockRecount = new StockRecount({ ...catalogModels, events })
  const images = new ImagesService({ products, ...imageStoresFor(config), logger })

  const jobs = new JobsService({
    locks:
      kv.kind === 'redis' ? new RedisLocks(kv) : new DatabaseLocks(connection, () => clock.now()),
    clock,
    logger,
  })
  jobs.register({
    name: 'deliver-mail',
    schedule: '* * * * *',
    summary: 'Send queued mail that is due, retrying failed sends with backoff',
    run: async () => ({ sent: await mail.deliverDue() }),
  })
  jobs.register({
    name: 'sweep-expired-tokens',
    schedule: '17 * * * *',
    summary: 'Delete expired verification, reset and refresh tokens',
    run: (ctx) => accounts.sweepExpiredTokens(ctx),
  })
  jobs.register({
    name: 'release-expired-reservations',
    schedule: '* * * * *',
    summary: 'Give back the stock of checkout reservations past their expiry',
    run: async (ctx) => ({ expired: await inventory.releaseExpired(ctx.now) }),
  })

  const paystack =
    overrides.paystack ??
    new PaystackClient({
      secretKey: config.paystack.secretKey,
      baseUrl: config.paystack.baseUrl,
      timeoutMs: config.paystack.timeoutMs,
      logger,
    })
  const payments = new PaymentEventsService({
    paymentEvents: models.paymentEvents,
    events,
    logger,
    paystack: {
      secretKey: config.paystack.secretKey,
      ...(config.paystack.webhookIps ? { webhookIps: config.paystack.webhookIps } : {}),
    },
  })

  const ledger = new LedgerService({ journals: models.journals, clock, stores })

  const catalogCache = new CatalogCache({
    kv,
    onError: (error) => logger.error({ err: error }, 'catalog cache invalidation failed'),
  })
  const catalog = new PublicCatalogService({
    products: models.products,
    variants: models.variants,
    stores,
    cache: catalogCache,
  })
  const seed = new SeedService({ accounts, users, stores, products, images, clock })

  // From configuration (ORDER_* variables); overrides still win.
  const orderTimers: OrderTimers = {
    paymentWindowSeconds: config.orders.reservationMinutes * 60,
    autoDeliverAfterDays: config.orders.autoDeliverDays,
    returnWindowDays: config.orders.returnWindowDays,
    ...overrides.orderTimers,
  }
  const idempotency = new IdempotencyService({ keys: models.idempotencyKeys, logger })
  const orderRecords = new OrderRecords({
    orders: models.orders,
    groups: models.orderGroups,
    events,
  })
  const orderMail = new OrderMail({ mail, people: users, stores })
  const cart = new CartService({
    carts: models.carts,
    catalog: new CatalogServiceView(catalog),
    logger,
  })
  const checkout = new CheckoutService({
    records: orderRecords,
    cart,
    inventory,
    paystack,
    ledger,
    idempotency,
    mail: orderMail,
    people: users,
    stores,
    events,
    clock,
    logger,
    publicUrl: linkBaseOf(config),
    timers: orderTimers,
    fraud: { screen: (ctx, screening) => fraud.screen(ctx, screening) },
  })
  const refunds = new RefundsService({
    records: orderRecords,
    refunds: models.refunds,
    paystack,
    ledger,
    inventory,
    idempotency,
    audit,
    mail: orderMail,
    events,
    clock,
    logger,
  })
  const orders = new OrdersService({
    records: orderRecords,
    checkout,
    refunds,
    ledger,
    stores,
    audit,
    mail: orderMail,
    logger,
    timers: orderTimers,
    events,
    holds: {
      shippingHeld: (orderId) => fraud.shippingHeld(orderId),
      payoutHeld: (orderId) => fraud.payoutHeld(orderId),
    },
  })
  jobs.register({
    name: 'expire-unpaid-orders',
    schedule: '* * * * *',
    summary: 'Cancel checkouts unpaid past their payment window and free their stock',
    run: (ctx) => checkout.expireUnpaid(ctx),
  })
  jobs.register({
    name: 'recheck-unconfirmed-payments',
    schedule: '*/5 * * * *',
    summary:
      'Ask Paystack about checkouts unconfirmed for 5 min (a lost charge.success) and confirm the paid ones',
    run: (ctx) => checkout.recheckUnconfirmed(ctx),
  })
  jobs.register({
    name: 'auto-deliver-shipped-orders',
    schedule: '7 * * * *',
    summary: 'Count orders shipped longer ago than the delivery window as delivered',
    run: (ctx) => orders.autoDeliverShipped(ctx),
  })
  jobs.register({
    name: 'complete-delivered-orders',
    schedule: '13 * * * *',
    summary: 'Complete delivered orders past the return window and release the seller share',
    run: (ctx) => orders.completeDelivered(ctx),
  })
  jobs.register({
    name: 'retry-pending-restocks',
    schedule: '*/5 * * * *',
    summary: 'Finish restocking refunded cancelled orders whose restock was interrupted',
    run: async (ctx) => ({
      ...(await refunds.retryPendingRestocks(ctx)),
      // Restocks cut off between their movement row and their $inc, which no retry can finish:
      // an operator recounts those variants (docs/operations.md).
      unconfirmedMovements: (await inventory.unconfirmedMovements(ctx, { limit: 1 })).total,
    }),
  })
  jobs.register({
    name: 'recheck-pending-refunds',
    schedule: '*/5 * * * *',
    summary: `Ask Paystack about refunds pending over ${config.events.refundRecheckMinutes} min (a lost webhook) and settle them`,
    run: (ctx) => refunds.recheckPending(ctx, config.events.refundRecheckMinutes),
  })
  jobs.register({
    name: 'sweep-event-log',
    schedule: '41 3 * * *',
    summary: `Delete published events older than ${config.events.retentionDays} days from the event log`,
    run: async (ctx) => ({
      deleted: await events.prunePublished(
        new Date(ctx.now.getTime() - config.events.retentionDays * 24 * 3600_000),
      ),
    }),
  })
  jobs.register({
    name: 'sweep-idempotency-keys',
    schedule: '29 * * * *',
    summary: 'Delete idempotency keys past their retention',
    run: async (ctx) => ({ deleted: await idempotency.sweepExpired(ctx.now) }),
  })

  // Disputes (docs/trust-and-safety.md): cases, their deadlines, the payout freeze.
  const disputeModel = createDisputeModel(connection)
  await disputeModel.init()
  const disputes = new DisputesService({
    disputes: disputeModel,
    orders,
    ledger,
    stores,
    images: imageStoresFor(config).store,
    audit,
    events,
    clock,
    logger,
    chargebacks: { paystack, refunds, people: users },
  })
  jobs.register({
    name: 'advance-dispute-deadlines',
    schedule: '*/5 * * * *',
    summary:
      'Escalate disputes the seller left unanswered 3 days, close answered ones not escalated in 3 days, flag decisions overdue 48 h',
    run: (ctx) => disputes.advanceDeadlines(ctx),
  })

  // Seller payouts (docs/payments.md): payout accounts, weekly runs, transfer webhooks.
  const payoutModels = {
    payoutAccounts: createPayoutAccountModel(connection),
    payouts: createPayoutModel(connection),
  }
  await Promise.all(Object.values(payoutModels).map((model) => model.init()))
  const payoutAccounts = new PayoutAccountsService({
    accounts: payoutModels.payoutAccounts,
    cipher: new AccountNumberCipher(
      config.payouts.encryptionKey,
      config.payouts.previousEncryptionKeys,
    ),
    paystack,
    passwords: accounts,
    stores,
    owners: users,
    kv,
    mail,
    audit,
    events,
    logger,
    settings: config.payouts,
  })
  const payouts = new PayoutsService({
    payouts: payoutModels.payouts,
    accounts: payoutAccounts,
    ledger,
    stores,
    owners: users,
    paystack,
    locks:
      kv.kind === 'redis' ? new RedisLocks(kv) : new DatabaseLocks(connection, () => clock.now()),
    mail,
    audit,
    events,
    clock,
    logger,
    settings: config.payouts,
    frozen: disputes,
  })
  jobs.register({
    name: 'weekly-payouts',
    schedule: PAYOUT_SCHEDULE,
    timezone: PAYOUT_TIMEZONE,
    summary: 'Pay every seller their available balance for the week (kloset payouts run)',
    maxRunMs: 30 * 60_000,
    movesMoney: true,
    run: async (ctx) => {
      const run = await payouts.runPeriod(ctx, {})
      return { period: run.period, ...run.totals, warnings: run.warnings }
    },
  })

  // Trust and safety (docs/trust-and-safety.md): checkout and orders reach it through the
  // closures above (`FraudPort`); it reaches money through the existing services.
  const fraudModels = createFraudModels(connection)
  await Promise.all(Object.values(fraudModels).map((model) => model.init()))
  const payoutHashKey = payoutAccountHashKey(config.payouts.encryptionKey)
  const payoutCipher = new AccountNumberCipher(
    config.payouts.encryptionKey,
    config.payouts.previousEncryptionKeys,
  )
  const fraudCtx = () => systemCtx('fraud', clock.now())
  const fraud: FraudService = new FraudService({
    models: fraudModels,
    signals: new FraudSignals(kv),
    audit,
    events,
    clock,
    logger,
    money: {
      order: (ctx, orderId) => orders.get(ctx, orderId),
      refundOrder: async (ctx, orderId, reason, key) => {
        await refunds.refund(ctx, orderId, { reason }, key)
      },
      cancelUnpaidGroup: async (ctx, orderGroupId, reason) => {
        const group = await orderRecords.groups.findById(orderGroupId).lean()
        if (!group || !isUnpaidGroup(group.status)) return false
        return checkout.cancelGroup(ctx, orderGroupId, group.status, reason)
      },
      releaseHeldFunds: (ctx, orderId) => orders.releaseHeldFunds(ctx, orderId),
      suspendUser: async (ctx, userId, reason) => {
        await users.suspend(ctx, userId, { reason })
      },
    },
    buyerAccount: (buyerId) => users.get(fraudCtx(), buyerId),
    ownStoreOf: (buyerId) =>
      stores
        .requireOwnStore(makeCtx({ kind: 'user', id: buyerId, role: 'seller' }, clock.now()))
        .then((store) => store.id)
        .catch(() => undefined),
    payoutAccountHashOf: async (storeId) => {
      const account = await payoutAccounts.forStore(storeId)
      if (!account) return undefined
      const number = payoutCipher.open(account.accountNumber, storeId)
      return payoutAccountHash(payoutHashKey, account.bankCode, number)
    },
    productPrices: async (productId) => {
      const { body } = await catalog.getProduct(fraudCtx(), productId)
      const { product } = JSON.parse(body) as {
        product: { category: string; variants?: { price: number }[] }
      }
      return { category: product.category, prices: (product.variants ?? []).map((v) => v.price) }
    },
    cardOf: (reference) => payments.cardSignatureOf(reference),
  })
  fraud.subscribe(events)
  // Wishlists and recommendations (docs/wishlists.md, docs/recommendations.md).
  const shelfModels = {
    wishlistItems: createWishlistItemModel(connection),
    recommendationLists: createRecommendationListModel(connection),
    productViews: createProductViewModel(connection),
  }
  await Promise.all(Object.values(shelfModels).map((model) => model.init()))
  const catalogFacts = new CatalogFacts({
    products: models.products,
    variants: models.variants,
    stores,
  })
  const wishlists: WishlistsService = new WishlistsService({
    items: shelfModels.wishlistItems,
    catalog: catalogFacts,
    notifications,
    clock,
    // Called only after createCore() returns, when `recommendations` exists.
    onSaved: (userId): Promise<void> => recommendations.forget(userId),
  })
  const recommendations: RecommendationsService = new RecommendationsService({
    lists: shelfModels.recommendationLists,
    views: shelfModels.productViews,
    catalog: catalogFacts,
    history: new PurchaseHistory({ orders: models.orders }),
    wishlists,
    cache: catalogCache,
    events,
  })
  jobs.register({
    name: 'refresh-recommendations',
    schedule: '23 2 * * *',
    summary:
      'Recompute "customers also bought", "for you", trending and the popular sort from paid orders',
    maxRunMs: 30 * 60_000,
    run: async (ctx) => ({ ...(await recommendations.refresh(ctx)) }),
  })
  events.subscribe('stock.changed', 'wishlists.back-in-stock', async (event) => {
    await wishlists.onStockChanged(event)
  })
  events.subscribe('variant.price_changed', 'wishlists.price-drop', async (event) => {
    await wishlists.onPriceChanged(event)
  })
  // A buyer's purchase leaves their cached "for you" at once (never recommend what was bought).
  events.on('order.processing', (event) => recommendations.forget(event.buyerId))

  // Subscribers: what must happen once per event for the whole marketplace, run by the process
  // holding the event's claim and retried by the relay. The names are recorded in the event
  // log (`done`), so they stay stable. Handlers are idempotent: a retry after a crash may repeat.
  events.subscribe('product.images_dropped', 'images.discard', ({ images: dropped }) =>
    // Images no version of a product uses any more are deleted from the store that holds them.
    images.discard(dropped),
  )
  events.subscribe('stock.low', 'inventory.low-stock-mail', (event) =>
    inventory.mailLowStock(event),
  )
  events.subscribe('paystack.event_received', 'checkout.confirm-payment', (event) =>
    checkout.onPaystackEvent(event),
  )
  events.subscribe('paystack.event_received', 'refunds.settle', (event) =>
    refunds.onPaystackEvent(event),
  )
  events.subscribe('paystack.event_received', 'payouts.settle', (event) =>
    payouts.onPaystackEvent(event),
  )
  // Seller plans (docs/plans.md): the plan catalog, Paystack subscriptions, the grace job.
  const planModels = {
    plans: createPlanModel(connection),
    subscriptions: createSubscriptionModel(connection),
    invoices: createInvoiceModel(connection),
  }
  await Promise.all(Object.values(planModels).map((model) => model.init()))
  const plans: PlansService = new PlansService({ plans: planModels.plans, stores, paystack, audit })
  const subscriptions = new SubscriptionsService({
    subscriptions: planModels.subscriptions,
    invoices: planModels.invoices,
    plans,
    stores,
    products,
    owners: users,
    paystack,
    payments,
    ledger,
    mail: new SubscriptionMail({
      stores,
      owners: users,
      mail,
      logger,
      publicUrl: linkBaseOf(config),
    }),
    audit,
    events,
    clock,
    logger,
    publicUrl: linkBaseOf(config),
  })
  jobs.register({
    name: 'plans-subscriptions',
    schedule: '*/15 * * * *',
    summary:
      'Remind sellers whose plan renewal failed, fall back to free after the grace period, end non-renewing plans',
    run: async (ctx) => ({ ...(await subscriptions.sweep(ctx)) }),
  })
  events.subscribe('paystack.event_received', 'plans.subscription-event', (event) =>
    subscriptions.onPaystackEvent(event),
  )

  registerNotificationSubscribers(
    events,
    notifications,
    {
      stores,
      buyerOf: async (orderId) =>
        (await orders.get(systemCtx('notifications', clock.now()), orderId)).buyerId,
      adminIds: async () =>
        (
          await models.users.find({ role: 'admin', status: 'active' }).select({ _id: 1 }).lean()
        ).map((user) => String(user._id)),
    },
    clock,
  )
  // Buyer-seller chat (docs/chat.md).
  const chatModels = {
    conversations: createConversationModel(connection),
    messages: createMessageModel(connection),
    uploads: createUploadModel(connection),
  }
  await Promise.all(Object.values(chatModels).map((model) => model.init()))
  const chatLimits = { ...DEFAULT_CHAT_LIMITS, ...config.chat }
  const chat = new ChatService({
    ...chatModels,
    stores,
    orders,
    products: {
      async liveProduct(ctx, productId) {
        const { body } = await catalog.getProduct(ctx, productId)
        const { product } = JSON.parse(body) as {
          product: { id: string; title: string; store: { id: string } }
        }
        return { id: product.id, title: product.title, storeId: product.store.id }
      },
    },
    images: imageStoresFor(config).store,
    audit,
    events,
    limiter,
    clock,
    logger,
    limits: chatLimits,
  })
  const presence = new Presence(kv)
  registerChatNotifier(events, {
    chat,
    presence,
    kv,
    notifications,
    mail,
    people: users,
    clock,
    publicUrl: linkBaseOf(config),
    intervalMinutes: chatLimits.emailIntervalMinutes,
  })
  events.addOutboxSource(outboxSourceOf(chatModels.messages))

  registerDisputeSubscribers(events, { notifications, mail, people: users, stores, clock })
  events.subscribe('paystack.event_received', 'disputes.chargebacks', (event) =>
    disputes.onPaystackEvent(event),
  )
  events.subscribe('refund.processed', 'orders.release-after-dispute-refund', (event) =>
    orders.onRefundProcessed(systemCtx('orders.dispute-refund', clock.now()), event.orderId),
  )
  // Listeners: what every process does for itself, for events from any process.
  invalidateCatalogOn(events, catalogCache)
  // Aggregates that carry their events in an outbox; the relay sweeps them after a crash.
  for (const model of [models.orders, models.products, models.refunds, disputeModel])
    events.addOutboxSource(outboxSourceOf(model))

  // Buyers' phone numbers and street addresses are sealed with the payout encryption keys.
  addressKeyring.configure(config.payouts.encryptionKey, config.payouts.previousEncryptionKeys)
  const ipBlockModel = createIpBlockModel(connection)
  await ipBlockModel.init()
  const reconcileItemModel = createReconcileItemModel(connection)
  await reconcileItemModel.init()
  const reconcile = new ReconcileService({
    paystack,
    orders,
    ledger,
    payouts,
    items: new ReconcileItems({ items: reconcileItemModel, events, audit }),
  })
  jobs.register({
    name: 'reconcile',
    schedule: '30 2 * * *',
    summary: 'Reconcile yesterday (UTC): Paystack charges, paid orders and the ledger',
    run: async (ctx) => {
      const day = new Date(ctx.now.getTime() - 86_400_000).toISOString().slice(0, 10)
      const report = await reconcile.reconcileDay(ctx, day)
      if (!report.ok)
        logger.error({ day, mismatches: report.mismatches }, 'reconciliation mismatches')
      return {
        date: day,
        mismatches: report.mismatches.length,
        opened: report.items.opened.length,
        autoCleared: report.items.autoCleared,
      }
    },
  })

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
    accounts,
    users,
    stores,
    products,
    inventory,
    stockRecount,
    images,
    audit,
    mailbox: new MailboxService({ directory: mailCaptureDir(config) }),
    jobs,
    health: new HealthService({ connection, kv, engine: database.engine }),
    paystack,
    payments,
    ledger,
    payoutAccounts,
    payouts,
    catalog,
    seed,
    cart,
    checkout,
    orders,
    refunds,
    idempotency,
    realtime: new RealtimeService({ kv, clock, accounts, orders, stores, conversations: chat }),
    notifications,
    fraud,
    wishlists,
    recommendations,
    chat,
    presence,
    plans,
    subscriptions,
    ipBlocks: new IpBlockService({ ipBlocks: ipBlockModel, audit, clock }),
    routeLimits: new RouteLimits(kv, config.rateLimits),
    mailOutbox: new MailOutboxService({ outbox: models.mailOutbox, audit }),
    reconcile,
    insight: new InsightService({
      ledger,
      orders,
      payoutMinimumKobo: config.payouts.minimumKobo,
    }),
    disputes,
    async close() {
      await events.stop()
      await mail.drain()
      mailer.close()
      await kv.close()
      if (!overrides.database) await database.close()
    },
  }
}
