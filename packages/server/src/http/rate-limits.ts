import type { AbuseSignal, Core, Quota, RouteClass } from '@kloset/core'
import { RateLimitedError } from '@kloset/core'
import { appErrorResponse } from './respond.js'
import type { RouteDef } from './route.js'

/**
 * The budget a route spends unless it names one: account actions (non-GET under /auth) are
 * `auth`; webhooks (Paystack retries on any error) and the system routes are exempt; other GETs
 * are `read`, everything else `write`.
 */
export function routeClassOf(route: RouteDef): RouteClass {
  if (route.rateLimit) return route.rateLimit
  if (route.path.startsWith('/api/v1/webhooks/') || route.tag === 'System') return 'exempt'
  if (route.method === 'GET') return 'read'
  if (route.path.startsWith('/api/v1/auth/')) return 'auth'
  return 'write'
}

/** The RateLimit-* headers (IETF httpapi draft, the form most clients read) of a quota. */
export function rateLimitHeaders(quota: Quota): Record<string, string> {
  return {
    'ratelimit-limit': String(quota.limit),
    'ratelimit-remaining': String(quota.remaining),
    'ratelimit-reset': String(quota.resetSeconds),
    'ratelimit-policy': `${quota.limit};w=${quota.windowSeconds}`,
  }
}

/**
 * Spends one request of the route's budget and runs `next` when there is budget left; over the
 * limit, a 429 with Retry-After. Either answer carries the RateLimit-* headers.
 */
export async function withRateLimit(
  core: Core,
  route: RouteDef,
  client: { ip?: string; userId?: string },
  requestId: string,
  next: () => Promise<Response>,
): Promise<Response> {
  const quota = await core.routeLimits.take(routeClassOf(route), client)
  if (!quota) return next()
  const response = quota.exceeded
    ? appErrorResponse(new RateLimitedError(quota.resetSeconds), requestId)
    : await next()
  try {
    for (const [name, value] of Object.entries(rateLimitHeaders(quota))) {
      response.headers.set(name, value)
    }
  } catch {
    // Immutable headers (Response.redirect): the limit still held.
  }
  return response
}

/** Statuses that mean the input was refused as malformed, too large or of the wrong type. */
const BAD_INPUT = new Set([400, 413, 415, 422])

/**
 * What an answer counts towards an automatic block of its sender (AUTO_BLOCK_*): a 429, a failed
 * sign-in, or rejected input; anything else, nothing.
 */
export function abuseSignalOf(
  method: string,
  path: string,
  status: number,
): AbuseSignal | undefined {
  if (status === 429) return 'rate_limited'
  if (status === 401 && method === 'POST' && path === '/api/v1/auth/login') return 'failed_login'
  return BAD_INPUT.has(status) ? 'bad_input' : undefined
}
