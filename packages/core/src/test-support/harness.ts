import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { type KeyValueStore, MemoryStore, RedisStore } from '../adapters/kv.js'
import { SmtpMailer } from '../adapters/mailer.js'
import { type Core, type CoreOverrides, createCore } from '../create-core.js'
import { connectDatabase, type Database } from '../db/connection.js'
import { ManualClock } from '../shared/clock.js'
import { type Config, defaultAuthSettings, loadConfig } from '../shared/config.js'
import { type Actor, type Ctx, makeCtx, type Role } from '../shared/ctx.js'
import { createLogger, type Logger } from '../shared/logger.js'
import { startTestSmtp, type TestSmtp } from './smtp-server.js'

export interface TestWorld {
  core: Core
  config: Config
  smtp: TestSmtp
  clock: ManualClock
  dbName: string
  /** Drops the test database and stops everything the world started. */
  close(): Promise<void>
}

export interface TestWorldOptions {
  /** 'redis' uses the test Redis (a fresh key prefix), 'memory' the in-process store. */
  kv?: 'redis' | 'memory'
  /** A store of the test's own (a Redis the test stops); wins over `kv`. */
  kvStore?: KeyValueStore
  config?: Partial<Config>
  clock?: ManualClock
  /** Another database than a fresh one on the shared test engine (fault tests: a private engine). */
  database?: Database
  /** The core's logger (default: silent); a test that reads log lines passes one that keeps them. */
  logger?: Logger
}

export const testMongoUri = (): string => {
  const uri = process.env.KLOSET_TEST_MONGODB_URI
  if (!uri)
    throw new Error('KLOSET_TEST_MONGODB_URI is not set: run tests through jest (global setup)')
  return uri
}

export const testRedisUrl = (): string =>
  process.env.KLOSET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15'

export function testKv(kind: 'redis' | 'memory', now?: () => number): KeyValueStore {
  return kind === 'redis'
    ? new RedisStore(testRedisUrl(), `t${randomBytes(6).toString('hex')}:`)
    : new MemoryStore(now)
}

/**
 * A whole core on its own database of the shared test engine, a real SMTP server, and a clock
 * the test moves. Password hashing uses the production cost.
 */
export async function createTestWorld(options: TestWorldOptions = {}): Promise<TestWorld> {
  const dbName = `t_${randomBytes(6).toString('hex')}`
  const dataDir = await mkdtemp(join(tmpdir(), 'kloset-test-data-'))
  const smtp = await startTestSmtp()
  const clock = options.clock ?? new ManualClock(new Date())
  const base = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:8080',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-keys',
    SMTP_URL: smtp.url,
    LOG_LEVEL: 'silent',
    // Route-class limits off: a test about them turns them on through `options.config`.
    RATE_LIMIT_AUTH: '0',
    RATE_LIMIT_WRITE: '0',
    RATE_LIMIT_READ: '0',
    RATE_LIMIT_WS: '0',
    // Automatic blocks off likewise: tests that provoke 4xx answers would block themselves.
    AUTO_BLOCK_RATE_LIMITED: '0',
    AUTO_BLOCK_FAILED_LOGINS: '0',
    AUTO_BLOCK_BAD_INPUT: '0',
  })
  const config: Config = { ...base, auth: { ...defaultAuthSettings }, ...options.config }
  const database =
    options.database ?? (await connectDatabase(testMongoUri(), dbName, { embedded: true }))
  const overrides: CoreOverrides = {
    database,
    kv: options.kvStore ?? testKv(options.kv ?? 'memory', () => clock.now().getTime()),
    mailer: new SmtpMailer(smtp.url, config.mailFrom),
    clock,
    logger: options.logger ?? createLogger({ level: 'silent', pretty: false }),
  }
  const core = await createCore(config, overrides)
  return {
    core,
    config,
    smtp,
    clock,
    dbName,
    async close() {
      await core.close()
      await database.connection.dropDatabase().catch(() => {})
      await database.close()
      await smtp.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** Resolves once `check` holds, polling every 25 ms; throws after `ms` (no speed is asserted). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Builders for request contexts. */
export const ctxAs = (actor: Actor, now = new Date()): Ctx =>
  makeCtx(actor, now, 'test-request', '127.0.0.1')
export const anonCtx = (now?: Date, ip = '127.0.0.1'): Ctx =>
  makeCtx({ kind: 'anonymous' }, now ?? new Date(), 'test-request', ip)
export const userCtx = (id: string, role: Role, now?: Date): Ctx =>
  ctxAs({ kind: 'user', id, role }, now)
export const adminCliCtx = (now?: Date): Ctx =>
  ctxAs({ kind: 'admin-cli', id: 'cli-test', osUser: 'tester' }, now)

let counter = 0
/** A unique email for a test user. */
export const anEmail = (label = 'user'): string =>
  `${label}.${Date.now().toString(36)}${(counter++).toString(36)}@example.test`

export const A_PASSWORD = 'correct horse battery staple'

/**
 * Signs up and verifies a user through the real flow (the link is read from the SMTP server),
 * returning the user and a signed-in session.
 */
export async function aVerifiedUser(world: TestWorld, role: Role = 'buyer', label?: string) {
  const email = anEmail(label ?? role)
  const { core, smtp, clock } = world
  if (role === 'admin') {
    const user = await core.accounts.createAdmin(adminCliCtx(clock.now()), {
      email,
      name: 'Ada Admin',
      password: A_PASSWORD,
    })
    const session = await core.accounts.login(
      anonCtx(clock.now(), `10.0.${counter % 250}.${counter % 200}`),
      {
        email,
        password: A_PASSWORD,
      },
    )
    return { user, session, email }
  }
  await core.accounts.signup(anonCtx(clock.now()), {
    email,
    password: A_PASSWORD,
    name: `Test ${role}`,
    role,
  })
  const mail = await smtp.waitFor(email, /Confirm/)
  const token = new URL(mail.links.find((l) => l.includes('token='))!).searchParams.get('token')!
  await core.accounts.verifyEmail(anonCtx(clock.now()), { token })
  const session = await core.accounts.login(
    anonCtx(clock.now(), `10.1.${counter % 250}.${counter % 200}`),
    {
      email,
      password: A_PASSWORD,
    },
  )
  return { user: session.user, session, email }
}

/** A new administrator's access token, signed in through the real flow (`aVerifiedUser`). */
export const anAdminToken = async (world: TestWorld): Promise<string> =>
  (await aVerifiedUser(world, 'admin')).session.accessToken

/** A second process on a world's database (another instance, or a CLI command's core). */
export interface OtherProcess {
  core: Core
  /** Closes the core and its own connection (the world's database stays). */
  close(): Promise<void>
}

/**
 * Another core on the world's database, over its own connection, with its event relay running:
 * what a second instance or the server looks like to the world's core. `redisPrefix` gives it
 * the test Redis under that prefix (share it to share Redis); `pollMs` slows its relay's poll.
 */
export async function anotherProcess(
  world: TestWorld,
  options: { redisPrefix?: string; pollMs?: number } = {},
): Promise<OtherProcess> {
  const database = await connectDatabase(testMongoUri(), world.dbName, { embedded: true })
  const core = await createCore(world.config, {
    database,
    clock: world.clock,
    logger: createLogger({ level: 'silent', pretty: false }),
    ...(options.redisPrefix ? { kv: new RedisStore(testRedisUrl(), options.redisPrefix) } : {}),
    ...(options.pollMs ? { events: { pollMs: options.pollMs } } : {}),
  })
  await core.relay.start()
  return {
    core,
    async close() {
      await core.close()
      await database.close()
    },
  }
}

/** A logger at `info` that keeps every line it writes, parsed, for tests that read the log. */
export function aKeptLog(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  return { logger, lines }
}
