import { FallbackStore, type KeyValueStore } from '../adapters/kv.js'
import { parseCidr } from './ip-address.js'
import type { RouteClass, RouteLimitSettings } from './route-limit-settings.js'

export { defaultRouteLimits } from './route-limit-settings.js'
export type { RouteClass, RouteLimitSettings }

/** What a client has left in the current window: the RateLimit-* headers are made from it. */
export interface Quota {
  limit: number
  remaining: number
  /** Seconds until the window starts over. */
  resetSeconds: number
  windowSeconds: number
  exceeded: boolean
}

/** Who is counted: a signed-in user by id, anyone else by address (IPv6 by its /64). */
export function clientKey(client: { ip?: string; userId?: string }): string {
  if (client.userId) return `user:${client.userId}`
  const ip = client.ip ?? 'unknown'
  if (!ip.includes(':')) return `ip:${ip}`
  try {
    return `ip:${parseCidr(`${ip}/64`).cidr}`
  } catch {
    return `ip:${ip}`
  }
}

/**
 * Fixed-window limits per route class and client, counted in Redis when it is configured (one
 * budget across instances) and in process otherwise. While Redis is down the counters carry on
 * in this process, the same caps per instance: limits never wait on Redis and never fail open.
 */
export class RouteLimits {
  private store: KeyValueStore

  constructor(
    store: KeyValueStore,
    readonly settings: RouteLimitSettings,
  ) {
    this.store = store.kind === 'redis' ? new FallbackStore(store) : store
  }

  /**
   * Counts one request of `routeClass` for the client.
   * @returns the quota after this request, or undefined when the class is not limited.
   */
  async take(
    routeClass: RouteClass,
    client: { ip?: string; userId?: string },
  ): Promise<Quota | undefined> {
    if (routeClass === 'exempt') return undefined
    const limit = this.settings[routeClass]
    if (limit <= 0) return undefined
    const windowSeconds = this.settings.windowSeconds
    // Sign-in and sign-up come before any identity: always counted per address.
    const key = clientKey(routeClass === 'auth' ? { ...client, userId: undefined } : client)
    const { count, ttlSeconds } = await this.store.hit(`route:${routeClass}:${key}`, windowSeconds)
    return {
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, ttlSeconds),
      windowSeconds,
      exceeded: count > limit,
    }
  }
}

/**
 * A WebSocket message budget: one socket's (RATE_LIMIT_WS_MESSAGES per
 * RATE_LIMIT_WS_MESSAGE_SECONDS) or all of one user's sockets on an instance together
 * (RATE_LIMIT_WS_USER_MESSAGES). A token bucket that starts full and refills evenly, kept in the
 * process that holds the sockets: no Redis round trip per frame.
 */
export class MessageBudget {
  private tokens: number
  private refilledAt: number

  constructor(
    private settings: Pick<RouteLimitSettings, 'wsMessages' | 'wsMessageSeconds'>,
    now = Date.now(),
  ) {
    this.tokens = settings.wsMessages
    this.refilledAt = now
  }

  /** Spends one message. @returns false when the socket is over its rate (close it, 1008). */
  take(now = Date.now()): boolean {
    const { wsMessages, wsMessageSeconds } = this.settings
    if (wsMessages <= 0) return true
    const perMs = wsMessages / (wsMessageSeconds * 1000)
    this.tokens = Math.min(wsMessages, this.tokens + (now - this.refilledAt) * perMs)
    this.refilledAt = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** True once the budget has refilled completely: forgetting it then forgives nothing. */
  full(now = Date.now()): boolean {
    const { wsMessages, wsMessageSeconds } = this.settings
    const perMs = wsMessages / (wsMessageSeconds * 1000)
    return this.tokens + (now - this.refilledAt) * perMs >= wsMessages
  }
}
