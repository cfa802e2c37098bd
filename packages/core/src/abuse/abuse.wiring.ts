import type { Wired } from '../wiring/feature.js'
import type { Platform } from '../wiring/platform.js'
import { AutoBlocker } from './auto-block.js'
import { IpBlockService } from './ip-block.service.js'
import { RouteLimits } from './route-limits.js'

/** Address blocks, automatic blocks and the per-route-class limits (docs/security.md). */
export function wireAbuse(
  p: Platform,
): Wired<{ ipBlocks: IpBlockService; autoBlocks: AutoBlocker; routeLimits: RouteLimits }> {
  const { kv, clock, logger, config } = p
  const ipBlocks = new IpBlockService({ ipBlocks: p.models.ipBlocks, audit: p.audit, clock })
  return {
    services: {
      ipBlocks,
      autoBlocks: new AutoBlocker({ kv, ipBlocks, clock, logger }, config.autoBlocks),
      routeLimits: new RouteLimits(kv, config.rateLimits),
    },
  }
}
