/**
 * What the two bench processes share for the checkout and webhook flows: which targets run
 * (`BENCH_ONLY`), how big the flows are, and the messages the load generator sends the servers
 * process (fill carts, open and close a database-time window, wait for event handlers).
 */
import type { BenchRoute } from './targets.js'

/** Where the servers process finds the bench's own Paystack sandbox (never a real key). */
export const SANDBOX_ENV = {
  secretKey: 'BENCH_PAYSTACK_SECRET_KEY',
  url: 'BENCH_PAYSTACK_URL',
} as const

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer`)
  }
  return value
}

export interface FlowSettings {
  /** Measured checkouts (BENCH_CHECKOUTS, default 60); the webhook flow sends one per group. */
  checkouts: number
  /** Requests in flight in the flows (BENCH_FLOW_CONCURRENCY, default 8). */
  concurrency: number
  /** Buyers with a cart each; checkouts run in rounds of this many (carts refilled between). */
  shoppers: number
}

/** The flow sizes, read the same way by both processes. */
export function flowSettings(): FlowSettings {
  const checkouts = positiveInteger('BENCH_CHECKOUTS', 60)
  const concurrency = positiveInteger('BENCH_FLOW_CONCURRENCY', 8)
  // Rounds of 60: few enough buyers to sign up quickly, enough that the end-of-round drain
  // (fewer than `concurrency` in flight) is a small part of each round.
  return { checkouts, concurrency, shoppers: Math.max(concurrency, Math.min(60, checkouts)) }
}

export interface Selection {
  routes: BenchRoute[]
  checkout: boolean
  webhook: boolean
}

/**
 * `BENCH_ONLY=checkout,webhook,/me`: `checkout` and `webhook` pick the flows, `routes` every
 * route of the table, any other word the table routes whose name contains it. Unset: all.
 * The webhook flow pays the groups the checkout flow made, so `webhook` runs checkout too.
 * @throws Error for a word that selects nothing (a typo would otherwise bench nothing).
 */
export function selectTargets(routes: BenchRoute[], raw = process.env.BENCH_ONLY): Selection {
  const words = (raw ?? '')
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter(Boolean)
  if (words.length === 0) return { routes, checkout: true, webhook: true }
  const picked = new Set<BenchRoute>()
  for (const word of words) {
    if (word === 'checkout' || word === 'webhook') continue
    const matches =
      word === 'routes' ? routes : routes.filter((r) => r.name.toLowerCase().includes(word))
    if (matches.length === 0) {
      throw new Error(
        `BENCH_ONLY: "${word}" selects nothing; use checkout, webhook, routes or part of a route name`,
      )
    }
    for (const route of matches) picked.add(route)
  }
  const webhook = words.includes('webhook')
  return {
    routes: routes.filter((r) => picked.has(r)),
    checkout: webhook || words.includes('checkout'),
    webhook,
  }
}

/** One line of every bench cart. */
export interface CartLine {
  variantId: string
  quantity: number
}

/** Data the flows need, made by the servers process through core services. */
export interface FlowFixtures {
  /** Access tokens of verified buyers, one cart each. */
  shopperTokens: string[]
  /** The cart every shopper gets: 3 lines from 2 stores. */
  cart: CartLine[]
  /** What one cart costs, kobo. */
  cartTotal: number
}

/** Database time seen by the driver between `db-start` and `db-stop`. */
export interface DbWindow {
  /** Commands that finished in the window, and the sum of their round trips (ms). */
  commands: number
  commandMs: number
  /** Connection check-outs in the window, and the time spent waiting for one (ms). */
  checkouts: number
  waitMs: number
  /** How long the window was open (ms). */
  wallMs: number
  /** Round trips by command name (`find`, `insert`, `update`, ...). */
  byCommand: Record<string, { count: number; ms: number }>
}

/** What event handlers did once the server went quiet (`settle`). */
export interface Settled {
  /** `order.processing` events since the servers started: orders moved by a verified payment. */
  ordersPaid: number
  /** `order_group.payment_issue` events since the servers started; a clean run has none. */
  paymentIssues: number
}

/** The requests, by name, and what each answers. */
export interface FlowCalls {
  /** Puts `FlowFixtures.cart` in the carts of the shoppers at these indexes (empty carts). */
  'fill-carts': { args: { shoppers: number[] }; result: { lines: number } }
  'db-start': { args: Record<string, never>; result: null }
  'db-stop': { args: Record<string, never>; result: DbWindow }
  /** Waits until no event handler runs (payment confirmations, mail). */
  settle: { args: Record<string, never>; result: Settled }
}

export type FlowCallName = keyof FlowCalls

export interface FlowCallMessage<N extends FlowCallName = FlowCallName> {
  kind: 'flow-call'
  id: number
  name: N
  args: FlowCalls[N]['args']
}

export type FlowReplyMessage =
  | { kind: 'flow-reply'; id: number; ok: true; result: unknown }
  | { kind: 'flow-reply'; id: number; ok: false; error: string }
