import type { KeyValueStore } from '../adapters/kv.js'
import { FallbackStore } from '../adapters/kv.js'
import type { Clock } from '../shared/clock.js'
import { systemCtx } from '../shared/ctx.js'
import { isAppError } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { blockListOf, type Cidr, parseCidr } from './ip-address.js'
import type { IpBlockService } from './ip-block.service.js'
import type { AbuseSignal, AutoBlockSettings } from './route-limit-settings.js'

export type { AbuseSignal, AutoBlockSettings }

const describe: Record<AbuseSignal, string> = {
  rate_limited: 'rate-limited answers',
  failed_login: 'failed sign-ins',
  bad_input: 'rejected inputs',
}

/** The ranges behind the names TRUST_PROXY and AUTO_BLOCK_ALLOW accept (proxy-addr's names). */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/** The range an address is counted and blocked by: itself, or its /64 for IPv6 (one host). */
export function abuserRangeOf(ip: string): Cidr {
  const range = parseCidr(ip)
  return range.family === 6 ? parseCidr(`${range.address}/64`) : range
}

/**
 * Blocks an address for a while once it has earned too many 429s, failed sign-ins or rejected
 * inputs within a window. Counters live in the key-value store (Redis: one count across
 * instances); the block is an ordinary IP block (reason `automatic: ...`, expiry, audit log), so
 * it reaches every instance and `kloset ip list|unblock` like a manual one. Addresses in the
 * allow-list are never blocked. Never throws: a failure to count or block is logged.
 */
export class AutoBlocker {
  private store: KeyValueStore
  private allowed: (ip: string) => boolean

  constructor(
    private deps: { kv: KeyValueStore; ipBlocks: IpBlockService; clock: Clock; logger: Logger },
    readonly settings: AutoBlockSettings,
  ) {
    this.store = deps.kv.kind === 'redis' ? new FallbackStore(deps.kv) : deps.kv
    this.allowed = blockListOf(
      settings.allow.flatMap((item) => NAMED_RANGES[item] ?? [item]).map((r) => parseCidr(r)),
    )
  }

  /** True when the address may never be blocked automatically. */
  isAllowed(ip: string): boolean {
    return this.allowed(ip)
  }

  /**
   * Counts one signal from `ip`; the answer that reaches the threshold blocks the address.
   * @returns the block made, if this call made one.
   */
  async record(signal: AbuseSignal, ip: string | undefined): Promise<{ cidr: string } | undefined> {
    const threshold = this.settings.thresholds[signal]
    if (!ip || threshold <= 0 || this.allowed(ip)) return undefined
    try {
      const range = abuserRangeOf(ip)
      const { windowSeconds } = this.settings
      const { count } = await this.store.hit(`abuse:${signal}:${range.cidr}`, windowSeconds)
      // Exactly at the threshold: one block per burst, however many instances count it.
      if (count !== threshold) return undefined
      const block = await this.deps.ipBlocks.block(systemCtx('auto-block', this.deps.clock.now()), {
        cidr: range.cidr,
        reason: `automatic: ${count} ${describe[signal]} in ${windowSeconds} s`,
        expiresInMinutes: this.settings.blockMinutes,
      })
      this.deps.logger.warn({ cidr: block.cidr, signal, count }, 'address blocked automatically')
      return { cidr: block.cidr }
    } catch (error) {
      // Already blocked (by hand, or by another instance): nothing to add.
      if (isAppError(error) && error.code === 'ip_already_blocked') return undefined
      this.deps.logger.error({ err: error, signal }, 'automatic block failed')
      return undefined
    }
  }
}
