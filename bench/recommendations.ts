/**
 * Recommendations in `npm run bench`: the job's time on the preloaded orders (run once in the
 * servers process, before any load, so the routes read its lists warm), and the comparison of
 * the recommendation reads with the cached catalog list measured in the same run.
 */
import { type Core, type RecommendationRun, systemCtx } from '@kloset/core'

/** What the job did and took on this scenario's data. */
export interface RecommendationJobReport extends RecommendationRun {
  orders: number
}

/** Runs `refresh-recommendations`'s work once, timed by the job itself. */
export async function timeRecommendationJob(
  core: Core,
  orders: number,
): Promise<RecommendationJobReport> {
  const run = await core.recommendations.refresh(systemCtx('bench', new Date()))
  await core.events.drain()
  return { orders, ...run }
}

/** The route the recommendation reads are compared with (a cached catalog list). */
export const CATALOG_LIST_ROUTE = 'GET /api/v1/products?category&sort=price_asc (cache warm)'
/** Goal: recommendation reads within 20% of the cached catalog list's throughput. */
export const READ_GOAL = 0.8

/** Each recommendation route's req/s over the catalog list's, on the real server. */
export function recommendationReadRatios(
  measurements: { route: string; host: string; requestsPerSecond: number }[],
): { route: string; ratio: number; met: boolean }[] {
  const kloset = measurements.filter((m) => m.host === 'kloset')
  const list = kloset.find((m) => m.route === CATALOG_LIST_ROUTE)
  if (!list || list.requestsPerSecond === 0) return []
  return kloset
    .filter((m) => m.route.includes('also-bought') || m.route.includes('for-you'))
    .map((m) => {
      const ratio = Math.round((m.requestsPerSecond / list.requestsPerSecond) * 100) / 100
      return { route: m.route, ratio, met: ratio >= READ_GOAL }
    })
}
