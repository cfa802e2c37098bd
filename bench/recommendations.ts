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

/** Median of sorted-in-place samples. */
function median(samples: number[]): number {
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)] ?? 0
}

export interface PairedRead {
  route: string
  /** The route it is compared with. */
  against: string
  p50Ms: number
  againstP50Ms: number
  /** p50 over the other's p50: 1.2 is 20% slower. */
  ratio: number
}

/**
 * The two routes requested alternately, one at a time, `rounds` times each: whatever else the
 * machine is doing slows both alike, so their ratio holds on a busy machine where two separate
 * autocannon windows do not (a shared 2-CPU box swings several-fold between windows).
 */
export async function pairedRead(
  base: string,
  a: { name: string; path: string; headers?: Record<string, string> },
  b: { name: string; path: string; headers?: Record<string, string> },
  rounds = 300,
): Promise<PairedRead> {
  const time = async (target: typeof a) => {
    const t0 = performance.now()
    const response = await fetch(`${base}${target.path}`, { headers: target.headers ?? {} })
    await response.arrayBuffer()
    if (!response.ok) throw new Error(`${target.name}: ${response.status}`)
    return performance.now() - t0
  }
  const timesA: number[] = []
  const timesB: number[] = []
  for (let i = 0; i < 20; i++) await Promise.all([time(a), time(b)])
  for (let i = 0; i < rounds; i++) {
    timesA.push(await time(a))
    timesB.push(await time(b))
  }
  const p50Ms = Math.round(median(timesA) * 1000) / 1000
  const againstP50Ms = Math.round(median(timesB) * 1000) / 1000
  return {
    route: a.name,
    against: b.name,
    p50Ms,
    againstP50Ms,
    ratio: Math.round((p50Ms / againstP50Ms) * 100) / 100,
  }
}

/** The paired comparisons of the recommendation reads (goal: p50 within 20% of the list's). */
export async function pairedRecommendationReads(
  base: string,
  fixtures: { productId: string; buyerToken: string },
): Promise<PairedRead[]> {
  const signedIn = { authorization: `Bearer ${fixtures.buyerToken}` }
  const list = {
    name: 'catalog list',
    path: '/api/v1/products?category=accessories&sort=price_asc',
  }
  const also = { name: 'also-bought', path: `/api/v1/products/${fixtures.productId}/also-bought` }
  const forYou = { name: 'for-you', path: '/api/v1/recommendations/for-you', headers: signedIn }
  const me = { name: '/me', path: '/api/v1/me', headers: signedIn }
  return [
    await pairedRead(base, also, list),
    await pairedRead(base, forYou, list),
    await pairedRead(base, forYou, me),
  ]
}
