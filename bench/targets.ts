/**
 * What `npm run bench` measures. Each route is served by the real KlosetStore server and, with
 * the very bytes the real server answered, by two baselines (bare `node:http`, bare Express), so
 * the ratios show what our stack costs on top of answering the same JSON.
 */

import type { FlowFixtures } from './flow-protocol.js'
import type { PreloadReport } from './preload.js'
import type { RecommendationJobReport } from './recommendations.js'

/** Data the routes need, made once through core services before any load is sent. */
export interface Fixtures {
  /** Access token of a verified, signed-in buyer. */
  buyerToken: string
  /** A live product of the demo seed (the catalog's product page). */
  productId: string
  /** Access token of the seller of a store the preloaded orders are from. */
  sellerToken: string
  /** Access token of the demo administrator. */
  adminToken: string
}

export interface BenchRoute {
  /** Shown in the table, e.g. `GET /api/v1/me (signed in)`. */
  name: string
  method: 'GET' | 'POST'
  path: (fixtures: Fixtures) => string
  /** Request headers (authorization, idempotency keys). */
  headers?: (fixtures: Fixtures) => Record<string, string>
  /** JSON request body for POST routes. */
  body?: (fixtures: Fixtures) => unknown
  /**
   * Connections for this route on every host, instead of BENCH_CONNECTIONS. The order lists are
   * latency targets: at one connection their p50 is the time a request takes, not the time it
   * waits behind nine others.
   */
  connections?: number
}

const signedIn = (f: Fixtures) => ({ authorization: `Bearer ${f.buyerToken}` })
const asSeller = (f: Fixtures) => ({ authorization: `Bearer ${f.sellerToken}` })
const asAdmin = (f: Fixtures) => ({ authorization: `Bearer ${f.adminToken}` })

/** Adding a route to the benchmark is one line here (and a fixture, if it needs data). */
export const routes: BenchRoute[] = [
  { name: 'GET /healthz', method: 'GET', path: () => '/healthz' },
  {
    name: 'GET /api/v1/me (signed in)',
    method: 'GET',
    path: () => '/api/v1/me',
    headers: signedIn,
  },
  // The order lists grow with BENCH_ORDERS: the bench buyer holds 1 in 1,000 of the orders, the
  // seller's store half of them, and the admin filter a quarter.
  {
    name: 'GET /api/v1/orders (buyer, 1 connection)',
    method: 'GET',
    path: () => '/api/v1/orders',
    headers: signedIn,
    connections: 1,
  },
  {
    name: 'GET /api/v1/seller/orders (seller, 1 connection)',
    method: 'GET',
    path: () => '/api/v1/seller/orders',
    headers: asSeller,
    connections: 1,
  },
  {
    name: 'GET /api/v1/admin/orders?status=shipped (admin, 1 connection)',
    method: 'GET',
    path: () => '/api/v1/admin/orders?status=shipped',
    headers: asAdmin,
    connections: 1,
  },
  {
    name: 'GET /api/v1/products?category&sort=price_asc (cache warm)',
    method: 'GET',
    path: () => '/api/v1/products?category=accessories&sort=price_asc',
  },
  {
    name: 'GET /api/v1/products/:id (cache warm)',
    method: 'GET',
    path: (f) => `/api/v1/products/${f.productId}`,
  },
  // Recommendations, next to the cached catalog list (goal: within 20% of its req/s).
  {
    name: 'GET /api/v1/products/:id/also-bought (cache warm)',
    method: 'GET',
    path: (f) => `/api/v1/products/${f.productId}/also-bought`,
  },
  {
    name: 'GET /api/v1/recommendations/for-you (signed in, cache warm)',
    method: 'GET',
    path: () => '/api/v1/recommendations/for-you',
    headers: signedIn,
  },
]

export const HOSTS = ['kloset', 'node-http', 'express'] as const
export type HostName = (typeof HOSTS)[number]

/** The hosts the real server is compared with. */
export const BASELINES: HostName[] = ['node-http', 'express']

/** What the servers process tells the load generator once everything listens. */
export interface ServersReady {
  kind: 'ready'
  urls: Record<HostName, string>
  fixtures: Fixtures
  engine: string
  /** What BENCH_ORDERS loaded before any load was sent; null for none. */
  preload: PreloadReport | null
  /** Buyers and the cart of the checkout and webhook flows; null when BENCH_ONLY skips them. */
  flows: FlowFixtures | null
  /** The recommendations job, run once on the preloaded orders before the load. */
  recommendationJob: RecommendationJobReport
}
