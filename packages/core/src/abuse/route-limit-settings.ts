/**
 * Which budget a route spends (docs/security.md, "Rate limits"): sign-in and other account
 * routes, writes, reads, WebSocket upgrades; webhooks, health checks and the OpenAPI document
 * spend none.
 */
export type RouteClass = 'auth' | 'write' | 'read' | 'ws' | 'exempt'

/** Requests allowed per window for each class; 0 turns a class off. RATE_LIMIT_* settings. */
export interface RouteLimitSettings {
  windowSeconds: number
  auth: number
  write: number
  read: number
  /** WebSocket upgrades per user (per address while not signed in) per window. */
  ws: number
  /**
   * Messages one socket may send in `wsMessageSeconds`; the budget refills evenly over that
   * time, so this is both the burst and, over the interval, the sustained rate. 0: off.
   */
  wsMessages: number
  /**
   * Messages all of one user's sockets on an instance may send together in `wsMessageSeconds`
   * (a user's sockets would otherwise multiply `wsMessages`). 0: off.
   */
  wsUserMessages: number
  wsMessageSeconds: number
}

export const defaultRouteLimits: RouteLimitSettings = {
  windowSeconds: 60,
  auth: 60,
  write: 120,
  read: 600,
  ws: 30,
  wsMessages: 40,
  wsUserMessages: 80,
  wsMessageSeconds: 2,
}

/** What counts against an address: answers it earned by behaving like an attacker. */
export type AbuseSignal = 'rate_limited' | 'failed_login' | 'bad_input'

/** AUTO_BLOCK_* settings (docs/configuration.md); a threshold of 0 turns that signal off. */
export interface AutoBlockSettings {
  windowSeconds: number
  /** How long an automatic block lasts. */
  blockMinutes: number
  thresholds: Record<AbuseSignal, number>
  /** Addresses and ranges never blocked automatically (health checkers, proxies, offices). */
  allow: string[]
}

export const defaultAutoBlocks: AutoBlockSettings = {
  windowSeconds: 600,
  blockMinutes: 60,
  thresholds: { rate_limited: 30, failed_login: 30, bad_input: 100 },
  allow: ['loopback'],
}
