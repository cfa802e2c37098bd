import { join } from 'node:path'
import type { Connection } from 'mongoose'
import { AccessTokens } from './accounts/access-token.js'
import { AccountsService } from './accounts/accounts.service.js'
import { PasswordHasher } from './accounts/password-hasher.js'
import { createOneTimeTokenModel, createRefreshTokenModel } from './accounts/token.model.js'
import { createUserModel } from './accounts/user.model.js'
import { UsersService } from './accounts/users.service.js'
import { createKeyValueStore, type KeyValueStore } from './adapters/kv.js'
import { CaptureMailer, type Mailer, SmtpMailer } from './adapters/mailer.js'
import { createAuditModel } from './audit/audit.model.js'
import { AuditService } from './audit/audit.service.js'
import { type Database, openDatabase } from './db/connection.js'
import { HealthService } from './health/health.service.js'
import { MailService } from './mail/mail.service.js'
import { MailboxService } from './mail/mailbox.service.js'
import { type Clock, systemClock } from './shared/clock.js'
import type { Config } from './shared/config.js'
import { type EventBus, InProcessEventBus } from './shared/events.js'
import { createLogger, type Logger } from './shared/logger.js'
import { RateLimiter } from './shared/rate-limit.js'

/** Parts the caller may supply instead of the ones built from configuration (tests, benches). */
export interface CoreOverrides {
  database?: Database
  kv?: KeyValueStore
  mailer?: Mailer
  clock?: Clock
  logger?: Logger
}

/** The composition root: every service, wired once. */
export interface Core {
  config: Config
  logger: Logger
  clock: Clock
  events: EventBus
  connection: Connection
  engine: Database['engine']
  kv: KeyValueStore
  mailer: Mailer
  accounts: AccountsService
  users: UsersService
  audit: AuditService
  mailbox: MailboxService
  health: HealthService
  /** Waits for event handlers, then closes the database, Redis and mail connections. */
  close(): Promise<void>
}

/** The directory where locally captured mail is kept. */
export const mailCaptureDir = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'mail')

export async function createCore(config: Config, overrides: CoreOverrides = {}): Promise<Core> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel })
  const clock = overrides.clock ?? systemClock
  const database = overrides.database ?? (await openDatabase(config))
  const { connection } = database
  const kv = overrides.kv ?? createKeyValueStore(config.redisUrl)
  const mailer =
    overrides.mailer ??
    (config.smtpUrl
      ? new SmtpMailer(config.smtpUrl, config.mailFrom)
      : new CaptureMailer(mailCaptureDir(config), config.mailFrom))
  const events = new InProcessEventBus((error, event) =>
    logger.error({ err: error, event }, 'event handler failed'),
  )

  const models = {
    users: createUserModel(connection),
    oneTimeTokens: createOneTimeTokenModel(connection),
    refreshTokens: createRefreshTokenModel(connection),
    audit: createAuditModel(connection),
  }
  await Promise.all(Object.values(models).map((model) => model.init()))

  const audit = new AuditService({ audit: models.audit })
  const mail = new MailService({ mailer, logger })
  const limiter = new RateLimiter(kv)
  const accessTokens = new AccessTokens({
    secret: config.jwtSecret,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlSeconds: config.auth.accessTokenTtlSeconds,
  })

  const accounts = new AccountsService({
    ...models,
    hasher: new PasswordHasher(config.auth.argon2),
    accessTokens,
    limiter,
    mail,
    audit,
    events,
    clock,
    settings: config.auth,
    publicUrl: config.publicUrl,
  })
  const users = new UsersService({ ...models, audit, mail, events })

  return {
    config,
    logger,
    clock,
    events,
    connection,
    engine: database.engine,
    kv,
    mailer,
    accounts,
    users,
    audit,
    mailbox: new MailboxService({ directory: mailCaptureDir(config) }),
    health: new HealthService({ connection, kv, engine: database.engine }),
    async close() {
      await events.drain()
      mailer.close()
      await kv.close()
      if (!overrides.database) await database.close()
    },
  }
}
