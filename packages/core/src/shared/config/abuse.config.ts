import { z } from 'zod'
import {
  type AutoBlockSettings,
  defaultAutoBlocks,
  defaultRouteLimits,
  type RouteLimitSettings,
} from '../../abuse/route-limit-settings.js'
import type { Env } from '../config.js'
import { emptyToUndefined, isRangeOrName, rateLimitCount } from './fields.js'

/** Rate limits per route class, the proxies believed, automatic blocks (docs/security.md). */
export const abuseEnv = {
  /** The window of the per-route-class limits below, in seconds. */
  RATE_LIMIT_WINDOW_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(3600).default(defaultRouteLimits.windowSeconds),
  ),
  /** Account routes (sign-in, sign-up, resets) per address per window; 0 turns the limit off. */
  RATE_LIMIT_AUTH: rateLimitCount(defaultRouteLimits.auth),
  /** Writes (POST, PUT, PATCH, DELETE) per user, or per address when signed out; 0: off. */
  RATE_LIMIT_WRITE: rateLimitCount(defaultRouteLimits.write),
  /** Reads (GET) per user, or per address when signed out; 0: off. */
  RATE_LIMIT_READ: rateLimitCount(defaultRouteLimits.read),
  /** WebSocket upgrades per user, or per address when not signed in, per window; 0: off. */
  RATE_LIMIT_WS: rateLimitCount(defaultRouteLimits.ws),
  /** Messages one socket may send per RATE_LIMIT_WS_MESSAGE_SECONDS (close 1008 beyond); 0: off. */
  RATE_LIMIT_WS_MESSAGES: rateLimitCount(defaultRouteLimits.wsMessages),
  /** Messages all of one user's sockets on an instance may send together, same interval; 0: off. */
  RATE_LIMIT_WS_USER_MESSAGES: rateLimitCount(defaultRouteLimits.wsUserMessages),
  RATE_LIMIT_WS_MESSAGE_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(3600).default(defaultRouteLimits.wsMessageSeconds),
  ),
  /**
   * Which proxies' X-Forwarded-For is believed: a hop count, `none`, or comma-separated
   * addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. Default loopback.
   */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default('loopback')
      .transform((value, ctx): number | string[] => {
        if (value === 'none' || value === 'false') return 0
        if (/^\d+$/.test(value) && Number(value) <= 20) return Number(value)
        const items = value.split(',').map((part) => part.trim())
        if (items.length > 0 && items.every(isRangeOrName)) return items
        ctx.addIssue({
          code: 'custom',
          message:
            'must be a hop count (0-20), none, or comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
        })
        return z.NEVER
      }),
  ),
  /** Window in which abuse signals are counted towards an automatic block, in seconds. */
  AUTO_BLOCK_WINDOW_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(86_400).default(defaultAutoBlocks.windowSeconds),
  ),
  /** How long an automatic block lasts, in minutes. */
  AUTO_BLOCK_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60)
      .default(defaultAutoBlocks.blockMinutes),
  ),
  /** 429 answers per address per window that block it; 0: off. */
  AUTO_BLOCK_RATE_LIMITED: rateLimitCount(defaultAutoBlocks.thresholds.rate_limited),
  /** Failed sign-ins per address per window that block it; 0: off. */
  AUTO_BLOCK_FAILED_LOGINS: rateLimitCount(defaultAutoBlocks.thresholds.failed_login),
  /** Rejected inputs (400, 413, 415, 422) per address per window that block it; 0: off. */
  AUTO_BLOCK_BAD_INPUT: rateLimitCount(defaultAutoBlocks.thresholds.bad_input),
  /** Addresses, ranges and the names loopback, linklocal, uniquelocal never blocked automatically. */
  AUTO_BLOCK_ALLOW: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .default(defaultAutoBlocks.allow.join(','))
      .transform((value, ctx): string[] => {
        const items = value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
        if (items.every(isRangeOrName)) return items
        ctx.addIssue({
          code: 'custom',
          message:
            'must be comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
        })
        return z.NEVER
      }),
  ),
}

/**
 * RATE_LIMIT_*, TRUST_PROXY and AUTO_BLOCK_*. The automatic blocks' allow-list also holds the
 * ranges TRUST_PROXY names: a proxy is never blocked for its clients.
 */
export function abuseOf(env: Env): {
  rateLimits: RouteLimitSettings
  trustProxy: number | string[]
  autoBlocks: AutoBlockSettings
} {
  return {
    rateLimits: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      auth: env.RATE_LIMIT_AUTH,
      write: env.RATE_LIMIT_WRITE,
      read: env.RATE_LIMIT_READ,
      ws: env.RATE_LIMIT_WS,
      wsMessages: env.RATE_LIMIT_WS_MESSAGES,
      wsUserMessages: env.RATE_LIMIT_WS_USER_MESSAGES,
      wsMessageSeconds: env.RATE_LIMIT_WS_MESSAGE_SECONDS,
    },
    trustProxy: env.TRUST_PROXY,
    autoBlocks: {
      windowSeconds: env.AUTO_BLOCK_WINDOW_SECONDS,
      blockMinutes: env.AUTO_BLOCK_MINUTES,
      thresholds: {
        rate_limited: env.AUTO_BLOCK_RATE_LIMITED,
        failed_login: env.AUTO_BLOCK_FAILED_LOGINS,
        bad_input: env.AUTO_BLOCK_BAD_INPUT,
      },
      allow: [
        ...new Set([
          ...env.AUTO_BLOCK_ALLOW,
          ...(Array.isArray(env.TRUST_PROXY) ? env.TRUST_PROXY : []),
        ]),
      ],
    },
  }
}
