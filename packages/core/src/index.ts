/** The public entry of @kloset/core: the server and the CLI import only from here. */

export { EngineUnavailableError } from '@kloset/embedded-db'
export * from './abuse/index.js'
export * from './accounts/account.schemas.js'
export type { Session, TokenPair, UserDTO } from './accounts/account.types.js'
export type { Principal } from './accounts/accounts.service.js'
export type { People } from './accounts/people.port.js'
export { USER_STATUSES, type UserStatus } from './accounts/user.model.js'
export { createKeyValueStore, type KeyValueStore, MemoryStore, RedisStore } from './adapters/kv.js'
export { CaptureMailer, type Mailer, type OutgoingMail, SmtpMailer } from './adapters/mailer.js'
export {
  type ListAuditQuery,
  type ListAuditQueryInput,
  listAuditQuery,
} from './audit/audit.schemas.js'
export type { AuditEntryDTO } from './audit/audit.service.js'
export {
  CATALOG_ENTRY_TTL_SECONDS,
  CatalogCache,
  etagOf,
  invalidateCatalogOn,
} from './catalog/catalog-cache.js'
export * from './catalog/index.js'
export {
  MAX_IMAGES_PER_PRODUCT,
  type ProductImage,
  type ProductImageSlots,
} from './catalog/product-images.port.js'
export * from './catalog/public-catalog.schemas.js'
export {
  type PublicCatalogDeps,
  PublicCatalogService,
  SELLABLE_STORES_MAX_AGE_MS,
} from './catalog/public-catalog.service.js'
export type * from './catalog/public-catalog.types.js'
export * from './chat/index.js'
export { type Core, type CoreOverrides, createCore, mailCaptureDir } from './create-core.js'
export {
  connectDatabase,
  type Database,
  EMBEDDED_POOL_SIZE,
  openDatabase,
} from './db/connection.js'
export { DATABASE_WAIT_MS, databaseUnavailable } from './db/unavailable.js'
export * from './disputes/index.js'
export {
  type CheckStatus,
  type DoctorCheck,
  type DoctorReport,
  runDoctor,
} from './doctor/doctor.js'
export type { EventRelay, EventRelaySettings } from './events/event-bus.js'
export * from './fraud/index.js'
export type { Readiness } from './health/health.service.js'
export {
  ACCEPTED_IMAGE_FORMATS,
  type ImageStore,
  ImagesService,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_PIXELS,
  mediaDirOf,
  type ReorderImagesBody,
  reorderImagesBody,
  type UploadedFile,
} from './images/index.js'
export * from './insight/index.js'
export { type JobDefinition, type JobRun, JobsService } from './jobs/jobs.service.js'
export { type RunningScheduler, startScheduler } from './jobs/scheduler.js'
export * from './ledger/index.js'
export { type ListOutboxQuery, listOutboxQuery } from './mail/mail-outbox.schemas.js'
export { MailOutboxService, type OutboxMailDTO } from './mail/mail-outbox.service.js'
export type { CapturedMail, CapturedMailSummary } from './mail/mailbox.service.js'
export * from './notifications/index.js'
export * from './orders/index.js'
export * from './payments/index.js'
export * from './payouts/index.js'
export * from './plans/index.js'
export * from './realtime/index.js'
export * from './recommendations/index.js'
export * from './reconcile/index.js'
export {
  type DemoSeedOptions,
  type DemoSeedResult,
  demoSeedOptions,
  describeDemoSeed,
  SeedService,
} from './seed/seed.service.js'
export { type Address, addressSchema, phoneNumber } from './shared/address.js'
export { type Clock, MARKETPLACE_TIMEZONE, ManualClock, systemClock } from './shared/clock.js'
export {
  type Config,
  ConfigError,
  defaultAuthSettings,
  envSchema,
  linkBaseOf,
  loadConfig,
  type PaystackSettings,
} from './shared/config.js'
export * from './shared/ctx.js'
export * from './shared/errors.js'
export type {
  AnyDelivered,
  Delivered,
  DomainEvents,
  EventBus,
  EventName,
  Handler,
} from './shared/events.js'
export { newId, newRequestId } from './shared/ids.js'
export { createLogger, type Logger } from './shared/logger.js'
export { CURRENCIES, type Currency, formatMoney, type Money, shareOf } from './shared/money.js'
export { MAX_PAGE_SIZE, type Page, pageQuery } from './shared/paging.js'
export { readCapped } from './shared/read-capped.js'
export {
  assertTransition,
  canTransition,
  type TransitionTable,
} from './shared/transitions.js'
export { issuesToDetails, validateInput } from './shared/validate.js'
export { CATEGORIES, CATEGORY_SLUGS, type CategorySlug } from './stores/categories.js'
export * from './stores/store.schemas.js'
export {
  DEFAULT_COMMISSION_BPS,
  MAX_HOLIDAY_DAYS,
  type StoresDeps,
  StoresService,
} from './stores/store.service.js'
export { storeTransitions } from './stores/store.transitions.js'
export {
  isStoreSellable,
  type PublicStoreDTO,
  STORE_STATUSES,
  type StoreDTO,
  type StoreLookup,
  type StoreStatus,
} from './stores/store.types.js'
export * from './wishlists/index.js'
