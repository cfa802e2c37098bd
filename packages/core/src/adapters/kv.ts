import { Redis } from 'ioredis'
import { ConfigError } from '../shared/config.js'

/**
 * The small key-value port behind rate limits, caches and locks. Redis when `REDIS_URL` is set
 * (shared by every instance), an in-process map otherwise. Both pass the same contract tests.
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory'
  /** Adds one to a counter that lives `windowSeconds` from its first hit (a fixed window). */
  hit(key: string, windowSeconds: number): Promise<{ count: number; ttlSeconds: number }>
  get(key: string): Promise<string | undefined>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  /** Sets only when absent; true when this call set it (a lock or a first-seen marker). */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  /** Deletes the key only if it still holds `value` (releasing a lock we own). */
  deleteIfEquals(key: string, value: string): Promise<boolean>
  /** Resets the key's expiry only if it still holds `value` (renewing a lock we own). */
  renewIfEquals(key: string, value: string, ttlSeconds: number): Promise<boolean>
  /**
   * Counts one hit like `hit`, but only the first time `onceKey` is seen (it lives as long as
   * the window): a retried caller counts once. Atomic: true when this call counted.
   */
  hitOnce(key: string, windowSeconds: number, onceKey: string): Promise<boolean>
  /**
   * Adds a member to a set in one atomic step (concurrent adds all land), keeping the `max` most
   * recently added, and resets the set's expiry.
   */
  addToSet(key: string, member: string, ttlSeconds: number, max: number): Promise<void>
  /** Removes one member from a set (atomic). */
  removeFromSet(key: string, member: string): Promise<void>
  /** A set's members, oldest added first. */
  setMembers(key: string): Promise<string[]>
  del(...keys: string[]): Promise<void>
  ping(): Promise<void>
  close(): Promise<void>
}

/** Fan-out of small messages to every instance (Redis pub/sub; events use it when configured). */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>
  /** Listens on the channel until the returned function is called. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>
}

interface Entry {
  value: string
  expiresAt: number
}

export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory' as const
  private entries = new Map<string, Entry>()

  constructor(private now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  async hit(key: string, windowSeconds: number) {
    const entry = this.live(key)
    const now = this.now()
    if (!entry) {
      this.entries.set(key, { value: '1', expiresAt: now + windowSeconds * 1000 })
      return { count: 1, ttlSeconds: windowSeconds }
    }
    entry.value = String(Number(entry.value) + 1)
    return { count: Number(entry.value), ttlSeconds: Math.ceil((entry.expiresAt - now) / 1000) }
  }

  async get(key: string) {
    return this.live(key)?.value
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 })
  }

  // No await between a read and its write below: in one process each call is atomic.
  async hitOnce(key: string, windowSeconds: number, onceKey: string) {
    if (this.live(onceKey)) return false
    this.entries.set(onceKey, { value: '1', expiresAt: this.now() + windowSeconds * 1000 })
    await this.hit(key, windowSeconds)
    return true
  }

  async addToSet(key: string, member: string, ttlSeconds: number, max: number) {
    const members = this.membersOf(key).filter((m) => m !== member)
    members.push(member)
    await this.set(key, JSON.stringify(members.slice(-max)), ttlSeconds)
  }

  async removeFromSet(key: string, member: string) {
    const entry = this.live(key)
    if (entry) entry.value = JSON.stringify(this.membersOf(key).filter((m) => m !== member))
  }

  async setMembers(key: string) {
    return this.membersOf(key)
  }

  private membersOf(key: string): string[] {
    const raw = this.live(key)?.value
    return raw ? (JSON.parse(raw) as string[]) : []
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.live(key)) return false
    await this.set(key, value, ttlSeconds)
    return true
  }

  async deleteIfEquals(key: string, value: string) {
    if (this.live(key)?.value !== value) return false
    this.entries.delete(key)
    return true
  }

  async renewIfEquals(key: string, value: string, ttlSeconds: number) {
    const entry = this.live(key)
    if (entry?.value !== value) return false
    entry.expiresAt = this.now() + ttlSeconds * 1000
    return true
  }

  async del(...keys: string[]) {
    for (const key of keys) this.entries.delete(key)
  }

  async ping() {}

  async close() {
    this.entries.clear()
  }
}

const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}`

const HIT_ONCE_SCRIPT = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1`

/**
 * A sorted set scored by Redis's own clock (microseconds) at the add, so that every instance
 * agrees on what is oldest: those beyond ARGV[2] members are trimmed.
 */
const ADD_TO_SET_SCRIPT = `
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], t[1] * 1000000 + t[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[2]) + 1))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1`

const RENEW_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`

const DELETE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** How long a command may wait for Redis before it fails (and callers fall back). */
export const REDIS_COMMAND_TIMEOUT_MS = 500
/** How long the first connection may take before the store is declared unreachable. */
export const REDIS_CONNECT_TIMEOUT_MS = 3_000

/** Thrown by every Redis command while the connection is down, at once instead of queueing. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError'
}

export class RedisStore implements KeyValueStore, PubSub {
  readonly kind = 'redis' as const
  readonly client: Redis
  /** Settles once the first connection attempt is over (ready, failed or timed out). */
  private firstAttempt: Promise<void>
  private lastError: Error | undefined

  constructor(
    url: string,
    private prefix = 'kloset:',
  ) {
    // No offline queue and short timeouts: with Redis gone a command fails in milliseconds, and
    // the callers that can (rate limits, the catalog cache) carry on in process. ioredis keeps
    // reconnecting in the background, and commands use Redis again as soon as it is back.
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    })
    // Connection errors surface on the calls that need Redis (and in /readyz), not as crashes.
    this.client.on('error', (error: Error) => {
      this.lastError = error
    })
    this.firstAttempt = new Promise<void>((done) => {
      const timer = setTimeout(done, REDIS_CONNECT_TIMEOUT_MS)
      timer.unref()
      const settle = () => {
        clearTimeout(timer)
        done()
      }
      this.client.once('ready', settle)
      this.client.once('error', settle)
      this.client.once('end', settle)
    })
  }

  /** True while commands can reach Redis. */
  get connected(): boolean {
    return this.client.status === 'ready'
  }

  /**
   * Waits for the first connection; commands issued at start-up wait for it rather than fail.
   * @throws RedisUnavailableError when Redis is not connected.
   */
  async ready(): Promise<void> {
    await this.firstAttempt
    if (!this.connected) {
      throw new RedisUnavailableError(this.lastError?.message ?? `Redis is ${this.client.status}`)
    }
  }

  async hit(key: string, windowSeconds: number) {
    await this.ready()
    const [count, ttl] = (await this.client.eval(
      HIT_SCRIPT,
      1,
      this.prefix + key,
      windowSeconds,
    )) as [number, number]
    return { count, ttlSeconds: ttl > 0 ? ttl : windowSeconds }
  }

  async get(key: string) {
    await this.ready()
    return (await this.client.get(this.prefix + key)) ?? undefined
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.ready()
    await this.client.set(this.prefix + key, value, 'EX', ttlSeconds)
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    await this.ready()
    return (await this.client.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK'
  }

  async hitOnce(key: string, windowSeconds: number, onceKey: string) {
    await this.ready()
    const keys = [this.prefix + key, this.prefix + onceKey]
    return (await this.client.eval(HIT_ONCE_SCRIPT, 2, ...keys, windowSeconds)) === 1
  }

  async addToSet(key: string, member: string, ttlSeconds: number, max: number) {
    await this.ready()
    await this.client.eval(ADD_TO_SET_SCRIPT, 1, this.prefix + key, member, max, ttlSeconds)
  }

  async removeFromSet(key: string, member: string) {
    await this.ready()
    await this.client.zrem(this.prefix + key, member)
  }

  async setMembers(key: string) {
    await this.ready()
    return this.client.zrange(this.prefix + key, 0, -1)
  }

  async deleteIfEquals(key: string, value: string) {
    await this.ready()
    return (await this.client.eval(DELETE_IF_EQUALS_SCRIPT, 1, this.prefix + key, value)) === 1
  }

  async renewIfEquals(key: string, value: string, ttlSeconds: number) {
    await this.ready()
    return (
      (await this.client.eval(RENEW_IF_EQUALS_SCRIPT, 1, this.prefix + key, value, ttlSeconds)) ===
      1
    )
  }

  async del(...keys: string[]) {
    await this.ready()
    if (keys.length > 0) await this.client.del(...keys.map((k) => this.prefix + k))
  }

  async ping() {
    await this.ready()
    await this.client.ping()
  }

  async publish(channel: string, message: string) {
    await this.client.publish(this.prefix + channel, message)
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    // A connection in subscriber mode can do nothing else, so listening takes its own. It queues
    // its SUBSCRIBE until connected and re-subscribes after a reconnect (ioredis does both), so
    // unlike the command connection it keeps an offline queue and no command timeout.
    const listener = this.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined })
    listener.on('error', () => {})
    const name = this.prefix + channel
    listener.on('message', (from: string, message: string) => {
      if (from === name) onMessage(message)
    })
    await listener.subscribe(name)
    return async () => {
      listener.disconnect()
    }
  }

  async close() {
    this.client.disconnect()
  }
}

export function createKeyValueStore(redisUrl: string | undefined, prefix?: string): KeyValueStore {
  return redisUrl ? new RedisStore(redisUrl, prefix) : new MemoryStore()
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the configured URL'
  }
}

/**
 * The key-value store for `REDIS_URL`, connected: an unreachable Redis stops the start with one
 * message naming the variable, instead of failing later request by request.
 * @throws ConfigError when Redis cannot be reached.
 */
export async function connectKeyValueStore(
  redisUrl: string | undefined,
  prefix?: string,
): Promise<KeyValueStore> {
  if (!redisUrl) return new MemoryStore()
  const store = new RedisStore(redisUrl, prefix)
  try {
    await store.ready()
  } catch (error) {
    await store.close()
    throw new ConfigError(
      `REDIS_URL: cannot reach Redis at ${redactUrl(redisUrl)} (${(error as Error).message}). ` +
        'Start Redis there, correct REDIS_URL, or unset it to keep rate limits, caches and locks in process.',
    )
  }
  return store
}

/** How long a store that just failed is skipped before it is tried again. */
const FALLBACK_HOLD_MS = 5_000

/**
 * A store that carries on in process while Redis is down: every call goes to Redis when it is
 * connected, and to a private in-process store when it is not (or when a call fails), so the
 * callers that can live with per-instance state (rate limits, caches) never wait on Redis or
 * fail with it. When Redis is back the in-process state is dropped and Redis is used again.
 * Not for locks: a lock must never be taken in process while another instance holds it.
 */
export class FallbackStore implements KeyValueStore {
  readonly kind: KeyValueStore['kind']
  private local: MemoryStore
  private heldUntil = 0
  private degraded = false

  constructor(
    private primary: KeyValueStore,
    private onFallback: (error: unknown) => void = () => {},
    now: () => number = Date.now,
  ) {
    this.kind = primary.kind
    this.local = new MemoryStore(now)
  }

  private usable(): boolean {
    if (Date.now() < this.heldUntil) return false
    if (this.primary instanceof RedisStore && !this.primary.connected) return false
    return true
  }

  private async call<T>(use: (store: KeyValueStore) => Promise<T>): Promise<T> {
    if (this.usable()) {
      try {
        const result = await use(this.primary)
        if (this.degraded) {
          this.degraded = false
          await this.local.close()
        }
        return result
      } catch (error) {
        this.heldUntil = Date.now() + FALLBACK_HOLD_MS
        if (!this.degraded) this.onFallback(error)
        this.degraded = true
      }
    } else if (!this.degraded) {
      this.degraded = true
      this.onFallback(new RedisUnavailableError('Redis is not connected'))
    }
    return use(this.local)
  }

  hit(key: string, windowSeconds: number) {
    return this.call((store) => store.hit(key, windowSeconds))
  }
  get(key: string) {
    return this.call((store) => store.get(key))
  }
  set(key: string, value: string, ttlSeconds: number) {
    return this.call((store) => store.set(key, value, ttlSeconds))
  }
  setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return this.call((store) => store.setIfAbsent(key, value, ttlSeconds))
  }
  deleteIfEquals(key: string, value: string) {
    return this.call((store) => store.deleteIfEquals(key, value))
  }
  renewIfEquals(key: string, value: string, ttlSeconds: number) {
    return this.call((store) => store.renewIfEquals(key, value, ttlSeconds))
  }
  hitOnce(key: string, windowSeconds: number, onceKey: string) {
    return this.call((store) => store.hitOnce(key, windowSeconds, onceKey))
  }
  addToSet(key: string, member: string, ttlSeconds: number, max: number) {
    return this.call((store) => store.addToSet(key, member, ttlSeconds, max))
  }
  removeFromSet(key: string, member: string) {
    return this.call((store) => store.removeFromSet(key, member))
  }
  setMembers(key: string) {
    return this.call((store) => store.setMembers(key))
  }
  del(...keys: string[]) {
    return this.call((store) => store.del(...keys))
  }
  /** Pings Redis itself: health checks must see an outage that calls hide. */
  ping() {
    return this.primary.ping()
  }
  async close() {
    await this.local.close()
  }
}
