import { z } from 'zod'
import {
  capPerStore,
  DEFAULT_RECOMMENDER_SETTINGS,
  type ItemFeatures,
  type PurchaseSignal,
  Recommender,
  type Scored,
} from './recommender.js'

/**
 * The offline evaluation of "for you" (docs/recommendations.md): a seeded synthetic marketplace
 * and purchase history, split by time; every buyer with purchases on both sides of the split is
 * recommended 10 products ranked against the whole catalog (already-bought products excluded,
 * at most 3 per store), and scored on the products they bought after the split.
 */
export const evaluationOptions = z
  .object({
    seed: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .default(42),
    buyers: z.number().int().min(50).max(50_000).default(3000),
    products: z.number().int().min(50).max(20_000).default(1200),
    stores: z.number().int().min(5).max(2000).default(60),
    days: z.number().int().min(30).max(730).default(180),
    /** The last `testDays` of the history are held out. */
    testDays: z.number().int().min(1).max(365).default(30),
  })
  .strict()
  .refine((o) => o.testDays < o.days, { message: 'must be shorter than days', path: ['testDays'] })
export type EvaluationOptions = z.input<typeof evaluationOptions>

export interface MethodScore {
  method: string
  hitRate: number
  ndcg: number
  /** Distinct products recommended to anyone, over the catalog. */
  coverage: number
}

export interface EvaluationReport {
  options: z.output<typeof evaluationOptions>
  catalogSize: number
  trainPurchases: number
  testBuyers: number
  k: number
  methods: MethodScore[]
  /** The model over the popularity baseline. */
  lift: { hitRate: number; ndcg: number }
  goals: { lift: number; coverage: number; met: boolean }
  trainMs: number
}

export const EVALUATION_K = 10
export const GOAL_LIFT = 1.5
export const GOAL_COVERAGE = 0.3

const CATEGORIES = ['women', 'men', 'kids', 'shoes', 'bags', 'accessories', 'traditional', 'beauty']
const COLOURS = ['black', 'white', 'red', 'blue', 'green', 'gold', 'brown', 'pink', 'yellow']
const DAY_MS = 24 * 3600_000

/** mulberry32: small, fast, seeded; the same seed gives the same marketplace everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The synthetic marketplace: products and a purchase history with tastes behind it. */
export interface SyntheticHistory {
  items: ItemFeatures[]
  purchases: PurchaseSignal[]
  /** Epoch ms of the first and last day. */
  start: number
  end: number
}

/**
 * Buyers have one or two tastes (a style: a category and a few brands and colours); each order
 * picks 1-3 products, mostly of a taste (popular ones more often: Zipf), sometimes anything
 * popular. Products of a style are bought together, which is the signal co-purchase finds.
 */
export function syntheticHistory(input: EvaluationOptions = {}): SyntheticHistory {
  const o = evaluationOptions.parse(input)
  const random = rng(o.seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const end = Date.UTC(2026, 0, 1)
  const start = end - o.days * DAY_MS
  const styles = Array.from({ length: Math.max(8, Math.round(o.products / 40)) }, (_, i) => ({
    id: i,
    category: CATEGORIES[i % CATEGORIES.length] as string,
    brands: [`brand-${Math.floor(random() * 80)}`, `brand-${Math.floor(random() * 80)}`],
    colours: [pick(COLOURS), pick(COLOURS)],
    price: 500_000 * 2 ** (random() * 5),
  }))
  const items: ItemFeatures[] = []
  const byStyle = new Map<number, ItemFeatures[]>()
  for (let i = 0; i < o.products; i++) {
    const style = pick(styles)
    const item: ItemFeatures = {
      id: `p${String(i).padStart(6, '0')}`,
      storeId: `s${Math.floor(random() * o.stores)}`,
      category: random() < 0.85 ? style.category : pick(CATEGORIES),
      brand: random() < 0.7 ? pick(style.brands) : `brand-${Math.floor(random() * 80)}`,
      colours: [random() < 0.7 ? pick(style.colours) : pick(COLOURS)],
      price: Math.round((style.price * (0.6 + random() * 0.8)) / 100) * 100,
    }
    items.push(item)
    const list = byStyle.get(style.id) ?? []
    list.push(item)
    byStyle.set(style.id, list)
  }
  // Zipf within a style and overall: a few products sell most.
  const zipf = (list: ItemFeatures[]) => list[Math.floor(list.length * random() ** 2.2)]
  const everything = [...items].sort(() => random() - 0.5)
  const purchases: PurchaseSignal[] = []
  for (let b = 0; b < o.buyers; b++) {
    const tastes = [pick(styles), ...(random() < 0.4 ? [pick(styles)] : [])].filter((s) =>
      byStyle.has(s.id),
    )
    const orders = 1 + Math.floor(-Math.log(1 - random()) * 4)
    for (let n = 0; n < orders; n++) {
      const at = start + Math.floor(random() * (end - start))
      const lines = 1 + Math.floor(random() * 3)
      for (let l = 0; l < lines; l++) {
        const item =
          tastes.length > 0 && random() < 0.8
            ? zipf(byStyle.get(pick(tastes).id) ?? [])
            : zipf(everything)
        if (item) purchases.push({ buyerId: `b${b}`, productId: item.id, at, quantity: 1 })
      }
    }
  }
  return { items, purchases, start, end }
}

/** Binary-relevance NDCG@k of one ranked list. */
function ndcgAt(ranked: string[], relevant: Set<string>, k: number): number {
  let dcg = 0
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2)
  })
  let ideal = 0
  for (let i = 0; i < Math.min(relevant.size, k); i++) ideal += 1 / Math.log2(i + 2)
  return ideal === 0 ? 0 : dcg / ideal
}

/** Runs the evaluation: the model and the popularity baseline on the same split. */
export function evaluateRecommendations(input: EvaluationOptions = {}): EvaluationReport {
  const options = evaluationOptions.parse(input)
  const history = syntheticHistory(options)
  const cutoff = history.end - options.testDays * DAY_MS
  const train = history.purchases.filter((p) => p.at < cutoff)
  const t0 = performance.now()
  const model = Recommender.train(train, history.items, cutoff)
  const trainMs = Math.round(performance.now() - t0)
  const bought = boughtBefore(train)
  const later = boughtAfter(history.purchases, cutoff, bought)
  const methods = methodsOf(model, history.items, bought, cutoff)
  const scores = Object.entries(methods).map(([method, recommend]) =>
    scoreMethod(method, recommend, later, history.items.length),
  )
  const [baseline, served] = scores as [MethodScore, MethodScore]
  const lift = {
    hitRate: baseline.hitRate === 0 ? Infinity : served.hitRate / baseline.hitRate,
    ndcg: baseline.ndcg === 0 ? Infinity : served.ndcg / baseline.ndcg,
  }
  return {
    options,
    catalogSize: history.items.length,
    trainPurchases: train.length,
    testBuyers: later.size,
    k: EVALUATION_K,
    methods: scores,
    lift,
    goals: {
      lift: GOAL_LIFT,
      coverage: GOAL_COVERAGE,
      met: lift.hitRate >= GOAL_LIFT && lift.ndcg >= GOAL_LIFT && served.coverage >= GOAL_COVERAGE,
    },
    trainMs,
  }
}

/** Per buyer, what they bought before the split: the products and the seeds of "for you". */
type BoughtBefore = Map<string, { ids: Set<string>; seeds: { productId: string; at: number }[] }>

function boughtBefore(train: PurchaseSignal[]): BoughtBefore {
  const bought: BoughtBefore = new Map()
  for (const p of train) {
    const entry = bought.get(p.buyerId) ?? { ids: new Set(), seeds: [] }
    entry.ids.add(p.productId)
    entry.seeds.push({ productId: p.productId, at: p.at })
    bought.set(p.buyerId, entry)
  }
  return bought
}

/** The test set: per buyer with purchases before the split, the new products bought after it. */
function boughtAfter(
  purchases: PurchaseSignal[],
  cutoff: number,
  bought: BoughtBefore,
): Map<string, Set<string>> {
  const later = new Map<string, Set<string>>()
  for (const p of purchases) {
    if (p.at < cutoff) continue
    const before = bought.get(p.buyerId)
    if (!before || before.ids.has(p.productId)) continue
    const set = later.get(p.buyerId) ?? new Set()
    set.add(p.productId)
    later.set(p.buyerId, set)
  }
  return later
}

/** The compared methods, baseline first: each gives a buyer's top k, at most 3 per store. */
function methodsOf(
  model: Recommender,
  items: ItemFeatures[],
  bought: BoughtBefore,
  cutoff: number,
): Record<string, (buyerId: string) => string[]> {
  const k = EVALUATION_K
  const storeOf = new Map(items.map((i) => [i.id, i.storeId]))
  const cap = (list: Scored[]) =>
    capPerStore(list, (id) => storeOf.get(id), DEFAULT_RECOMMENDER_SETTINGS.perStoreCap, k).map(
      (s) => s.productId,
    )
  return {
    popularity: (buyerId) => cap(model.trending([], k * 4, bought.get(buyerId)?.ids)),
    'co-purchase + content (served)': (buyerId) => {
      const entry = bought.get(buyerId)
      if (!entry) return []
      const seeds = entry.seeds.map((s) => ({ ...s, source: 'order' as const }))
      return cap(model.forYou(seeds, cutoff, k * 4, entry.ids))
    },
  }
}

/** Hit rate, NDCG@k and coverage of one method over the test buyers. */
function scoreMethod(
  method: string,
  recommend: (buyerId: string) => string[],
  later: Map<string, Set<string>>,
  catalogSize: number,
): MethodScore {
  let hits = 0
  let ndcg = 0
  const shown = new Set<string>()
  for (const [buyerId, relevant] of later) {
    const ranked = recommend(buyerId)
    for (const id of ranked) shown.add(id)
    if (ranked.some((id) => relevant.has(id))) hits++
    ndcg += ndcgAt(ranked, relevant, EVALUATION_K)
  }
  const n = Math.max(later.size, 1)
  return { method, hitRate: hits / n, ndcg: ndcg / n, coverage: shown.size / catalogSize }
}
