import { Redis } from 'ioredis'

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

const RENEW_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`

const DELETE_IF_EQUALS_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

export class RedisStore implements KeyValueStore, PubSub {
  readonly kind = 'redis' as const
  readonly client: Redis

  constructor(
    url: string,
    private prefix = 'kloset:',
  ) {
    this.client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 })
    // Connection errors surface on the calls that need Redis (and in /readyz), not as crashes.
    this.client.on('error', () => {})
  }

  async hit(key: string, windowSeconds: number) {
    const [count, ttl] = (await this.client.eval(
      HIT_SCRIPT,
      1,
      this.prefix + key,
      windowSeconds,
    )) as [number, number]
    return { count, ttlSeconds: ttl > 0 ? ttl : windowSeconds }
  }

  async get(key: string) {
    return (await this.client.get(this.prefix + key)) ?? undefined
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.client.set(this.prefix + key, value, 'EX', ttlSeconds)
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.client.set(this.prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK'
  }

  async deleteIfEquals(key: string, value: string) {
    return (await this.client.eval(DELETE_IF_EQUALS_SCRIPT, 1, this.prefix + key, value)) === 1
  }

  async renewIfEquals(key: string, value: string, ttlSeconds: number) {
    return (
      (await this.client.eval(RENEW_IF_EQUALS_SCRIPT, 1, this.prefix + key, value, ttlSeconds)) ===
      1
    )
  }

  async del(...keys: string[]) {
    if (keys.length > 0) await this.client.del(...keys.map((k) => this.prefix + k))
  }

  async ping() {
    await this.client.ping()
  }

  async publish(channel: string, message: string) {
    await this.client.publish(this.prefix + channel, message)
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    // A connection in subscriber mode can do nothing else, so listening takes its own.
    const listener = this.client.duplicate()
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
