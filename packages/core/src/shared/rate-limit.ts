import { FallbackStore, type KeyValueStore } from '../adapters/kv.js'
import { RateLimitedError } from './errors.js'

/**
 * Fixed-window limits over the key-value store (Redis or in-process). While Redis is down the
 * counters live in this process (the same limits, per instance), so sign-in keeps its cap and
 * never waits on Redis or fails with it.
 */
export class RateLimiter {
  private store: KeyValueStore

  constructor(store: KeyValueStore) {
    this.store = store.kind === 'redis' ? new FallbackStore(store) : store
  }

  /**
   * Counts one attempt against `key`.
   * @throws RateLimitedError once more than `limit` attempts fall in the window.
   */
  async consume(key: string, limit: number, windowSeconds: number): Promise<void> {
    const { count, ttlSeconds } = await this.store.hit(`rl:${key}`, windowSeconds)
    if (count > limit) throw new RateLimitedError(Math.max(1, ttlSeconds))
  }

  /** Counts one event against `key` without limiting it (failures that a later check reads). */
  async record(key: string, windowSeconds: number): Promise<void> {
    await this.store.hit(`rl:${key}`, windowSeconds)
  }

  /** How many attempts or events `key` holds in its current window. */
  async count(key: string): Promise<number> {
    return Number((await this.store.get(`rl:${key}`)) ?? 0)
  }

  /**
   * Lets one attempt through per `intervalSeconds` for `key`.
   * @throws RateLimitedError with the seconds until the next one is let through.
   */
  async spaceOut(key: string, intervalSeconds: number, now = Date.now()): Promise<void> {
    const until = String(now + intervalSeconds * 1000)
    if (await this.store.setIfAbsent(`gap:${key}`, until, intervalSeconds)) return
    const held = Number((await this.store.get(`gap:${key}`)) ?? now)
    throw new RateLimitedError(Math.max(1, Math.ceil((held - now) / 1000)))
  }

  /** Remembers a fact about a client for `ttlSeconds` (an address that signed in). */
  async mark(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.store.set(`mark:${key}`, value, ttlSeconds)
  }

  marked(key: string): Promise<string | undefined> {
    return this.store.get(`mark:${key}`)
  }

  async reset(key: string): Promise<void> {
    await this.store.del(`rl:${key}`)
  }
}
