export {
  type AbuseSignal,
  AutoBlocker,
  type AutoBlockSettings,
  abuserRangeOf,
} from './auto-block.js'
export { type Cidr, normalizeIp, parseCidr } from './ip-address.js'
export { type BlockIpBody, blockIpBody } from './ip-block.schemas.js'
export { IP_BLOCK_REFRESH_MS, type IpBlockDTO, IpBlockService } from './ip-block.service.js'
export { defaultAutoBlocks } from './route-limit-settings.js'
export {
  clientKey,
  defaultRouteLimits,
  MessageBudget,
  type Quota,
  type RouteClass,
  type RouteLimitSettings,
  RouteLimits,
} from './route-limits.js'
