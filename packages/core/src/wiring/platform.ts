import { join } from 'node:path'
import type { Connection } from 'mongoose'
import { connectKeyValueStore, type KeyValueStore, RedisStore } from '../adapters/kv.js'
import { CaptureMailer, type Mailer, SmtpMailer } from '../adapters/mailer.js'
import { AuditService } from '../audit/audit.service.js'
import { type Database, openDatabase } from '../db/connection.js'
import { DurableEventBus, type EventRelaySettings } from '../events/event-bus.js'
import type { ImageStore } from '../images/image-store.port.js'
import { imageStoresFor } from '../images/image-stores.js'
import { DatabaseLocks, type Locks, RedisLocks } from '../jobs/lock.js'
import { MailService } from '../mail/mail.service.js'
import { NotificationsService } from '../notifications/notifications.service.js'
import { addressKeyring } from '../orders/address.cipher.js'
import type { OrderTimers } from '../orders/checkout.service.js'
import { PaystackClient } from '../payments/paystack/paystack.client.js'
import { type Clock, systemClock } from '../shared/clock.js'
import { type Config, linkBaseOf } from '../shared/config.js'
import { createLogger, type Logger } from '../shared/logger.js'
import { RateLimiter } from '../shared/rate-limit.js'
import { createModels, initModels, type Models } from './models.js'

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

/**
 * What every feature's factory is built from: the outside world (database, Redis, mail,
 * Paystack, image stores), the event bus, and the cross-cutting services every feature uses
 * (audit, mail, notifications, the rate limiter, the one lock instance).
 */
export interface Platform {
  config: Config
  overrides: CoreOverrides
  logger: Logger
  clock: Clock
  kv: KeyValueStore
  database: Database
  connection: Connection
  mailer: Mailer
  models: Models
  events: DurableEventBus
  /** The one lock instance: jobs and the payout run share it (Redis, else the database). */
  locks: Locks
  limiter: RateLimiter
  audit: AuditService
  notifications: NotificationsService
  mail: MailService
  /** Paystack's API (or the sandbox's, per configuration). */
  paystack: PaystackClient
  /** Where product, dispute and chat images are kept (Cloudinary when configured, else disk). */
  imageStore: ImageStore
  imageStores: ReturnType<typeof imageStoresFor>
  /** The base of links in mail and Paystack callbacks. */
  publicUrl: string
}

/** The directory where locally captured mail is kept. */
export const mailCaptureDir = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'mail')

/**
 * Connects the outside world and initialises every model, in one pass.
 * size: the platform is built in one visible order (Redis before the engine, models in one pass).
 */
export async function createPlatform(config: Config, overrides: CoreOverrides): Promise<Platform> {
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
  const models = createModels(connection)
  const events = new DurableEventBus({
    log: models.eventLog,
    clock,
    logger,
    ...(kv instanceof RedisStore ? { pubsub: kv } : {}),
    settings: { pollMs: config.events.pollMs, ...overrides.events },
  })
  await initModels(models)
  // Buyers' phone numbers and street addresses are sealed with the payout encryption keys.
  addressKeyring.configure(config.payouts.encryptionKey, config.payouts.previousEncryptionKeys)

  const notifications = new NotificationsService({
    notifications: models.notifications,
    inboxes: models.notificationInboxes,
    events,
  })
  const imageStores = imageStoresFor(config)
  return {
    config,
    overrides,
    logger,
    clock,
    kv,
    database,
    connection,
    mailer,
    models,
    events,
    locks:
      kv.kind === 'redis' ? new RedisLocks(kv) : new DatabaseLocks(connection, () => clock.now()),
    limiter: new RateLimiter(kv),
    audit: new AuditService({ audit: models.audit }),
    notifications,
    mail: new MailService({
      mailer,
      logger,
      outbox: models.mailOutbox,
      clock,
      preferences: notifications,
    }),
    paystack:
      overrides.paystack ??
      new PaystackClient({
        secretKey: config.paystack.secretKey,
        baseUrl: config.paystack.baseUrl,
        timeoutMs: config.paystack.timeoutMs,
        logger,
      }),
    imageStore: imageStores.store,
    imageStores,
    publicUrl: linkBaseOf(config),
  }
}
