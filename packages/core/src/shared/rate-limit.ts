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

  async reset(key: string): Promise<void> {
    await this.store.del(`rl:${key}`)
  }
}
