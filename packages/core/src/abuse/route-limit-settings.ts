/**
 * Which budget a route spends (docs/security.md, "Rate limits"): sign-in and other account
 * routes, writes, reads; webhooks, health checks and the OpenAPI document spend none.
 */
export type RouteClass = 'auth' | 'write' | 'read' | 'exempt'

/** Requests allowed per window for each class; 0 turns a class off. RATE_LIMIT_* settings. */
export interface RouteLimitSettings {
  windowSeconds: number
  auth: number
  write: number
  read: number
}

export const defaultRouteLimits: RouteLimitSettings = {
  windowSeconds: 60,
  auth: 60,
  write: 120,
  read: 600,
}
