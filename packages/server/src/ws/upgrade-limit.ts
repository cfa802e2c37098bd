import type { Core } from '@kloset/core'
import { rateLimitHeaders } from '../http/rate-limits.js'

/**
 * Spends one WebSocket upgrade of the `ws` route class (RATE_LIMIT_WS): per user once the
 * credential is valid, per address otherwise. Over the limit the refusal counts towards an
 * automatic block of the address.
 * @returns the headers of the HTTP 429 to answer (Retry-After, RateLimit-*), or undefined.
 */
export async function upgradeOverLimit(
  core: Core,
  client: { ip?: string; userId?: string },
): Promise<Record<string, string> | undefined> {
  const quota = await core.routeLimits.take('ws', client)
  if (!quota?.exceeded) return undefined
  await core.autoBlocks.record('rate_limited', client.ip)
  return { 'Retry-After': String(quota.resetSeconds), ...rateLimitHeaders(quota) }
}
