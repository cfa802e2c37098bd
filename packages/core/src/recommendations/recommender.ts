/**
 * The recommender's arithmetic, with no database: trained on purchases and product features, it
 * answers "customers also bought", "for you" and "trending". The offline job
 * (`RecommendationsService.refresh`) and the evaluation (`recommendation.evaluation.ts`) run this
 * same code, so the numbers in docs/recommendations.md are the numbers of what is served.
 */

/** One product bought by one buyer at one time (a paid order's line). */
export interface PurchaseSignal {
  buyerId: string
  productId: string
  /** Epoch milliseconds of the payment. */
  at: number
  quantity: number
}

/** What content similarity compares. */
export interface ItemFeatures {
  id: string
  storeId: string
  category: string
  brand?: string | undefined
  colours: string[]
  /** Kobo: the product's lowest variant price. */
  price: number
}

/** What a "for you" list starts from: the buyer's products, strongest first. */
export interface Seed {
  productId: string
  source: 'order' | 'wishlist' | 'view'
  /** Epoch milliseconds. */
  at: number
}

/** A recommended product, its score and why (a short sentence for the buyer). */
export interface Scored {
  productId: string
  score: number
  reason: string
}

export interface RecommenderSettings {
  /** Buyers who bought both, at least, before a pair counts as "also bought". */
  minSupport: number
  /** Shrinkage: a pair's cosine is scaled by support / (support + shrinkage). */
  shrinkage: number
  /** Neighbours kept per product. */
  neighbours: number
  /** Half-life of a purchase in the popularity score (the `popular` sort, trending). */
  popularityHalfLifeDays: number
  /** Half-life of a seed's weight in "for you": recent orders count more. */
  seedHalfLifeDays: number
  /** Most recent products per buyer that co-purchase counting looks at. */
  historyPerBuyer: number
  /** At most this many items of one store in one list. */
  perStoreCap: number
}

export const DEFAULT_RECOMMENDER_SETTINGS: RecommenderSettings = {
  minSupport: 2,
  shrinkage: 5,
  neighbours: 40,
  popularityHalfLifeDays: 14,
  seedHalfLifeDays: 60,
  historyPerBuyer: 50,
  perStoreCap: 3,
}

const DAY_MS = 24 * 3600_000
const SEED_WEIGHTS: Record<Seed['source'], number> = { order: 1, wishlist: 0.8, view: 0.4 }
/** How much a content neighbour counts next to a co-purchase neighbour in "for you". */
const CONTENT_WEIGHT = 0.05

/** The price band of an amount: bands double (₦5,000-₦10,000, ₦10,000-₦20,000, ...). */
export const priceBandOf = (kobo: number): number =>
  Math.floor(Math.log2(Math.max(kobo, 1) / 500_000))

/**
 * How alike two products are by content, 0..1: same category (0.4), brand (0.3), a shared colour
 * (0.15), the same price band (0.15). Different categories are never similar.
 */
export function contentSimilarity(a: ItemFeatures, b: ItemFeatures): number {
  if (a.category !== b.category || a.id === b.id) return 0
  let score = 0.4
  if (a.brand && b.brand && a.brand.toLowerCase() === b.brand.toLowerCase()) score += 0.3
  if (a.colours.some((c) => b.colours.includes(c))) score += 0.15
  if (priceBandOf(a.price) === priceBandOf(b.price)) score += 0.15
  return score
}

/** The sentence a content-similar item carries: what it shares with the one it is like. */
export function contentReason(a: ItemFeatures, b: ItemFeatures): string {
  const shared = ['category']
  if (a.brand && b.brand && a.brand.toLowerCase() === b.brand.toLowerCase()) shared.push('brand')
  if (a.colours.some((c) => b.colours.includes(c))) shared.push('colour')
  if (priceBandOf(a.price) === priceBandOf(b.price)) shared.push('price range')
  return `Similar ${joinWords(shared)}`
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

/**
 * Keeps the best-scored items, at most `perStoreCap` per store, `size` in all. Items whose store
 * is unknown are dropped (not live).
 */
export function capPerStore(
  items: Scored[],
  storeOf: (productId: string) => string | undefined,
  perStoreCap: number,
  size: number,
): Scored[] {
  const perStore = new Map<string, number>()
  const kept: Scored[] = []
  for (const item of items) {
    if (kept.length >= size) break
    const store = storeOf(item.productId)
    if (store === undefined) continue
    const count = perStore.get(store) ?? 0
    if (count >= perStoreCap) continue
    perStore.set(store, count + 1)
    kept.push(item)
  }
  return kept
}

const byScore = (a: Scored, b: Scored) =>
  b.score - a.score || a.productId.localeCompare(b.productId)

/**
 * The purchases up to `now`: per buyer, when they last bought each product; per product, its
 * purchases decayed by age (half-life `popularityHalfLifeDays`).
 */
function readPurchases(purchases: PurchaseSignal[], now: number, settings: RecommenderSettings) {
  const histories = new Map<string, Map<string, number>>()
  const popularity = new Map<string, number>()
  const decay = Math.LN2 / (settings.popularityHalfLifeDays * DAY_MS)
  for (const p of purchases) {
    if (p.at > now) continue
    const history = histories.get(p.buyerId) ?? new Map<string, number>()
    histories.set(p.buyerId, history)
    history.set(p.productId, Math.max(history.get(p.productId) ?? 0, p.at))
    popularity.set(
      p.productId,
      (popularity.get(p.productId) ?? 0) + p.quantity * Math.exp(-decay * (now - p.at)),
    )
  }
  return { histories, popularity }
}

/** Buyers per product and per ordered pair of products, over each buyer's recent products. */
function countPairs(histories: Map<string, Map<string, number>>, historyPerBuyer: number) {
  const buyersOf = new Map<string, number>()
  const pairs = new Map<string, Map<string, number>>()
  for (const history of histories.values()) {
    const recent = [...history.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, historyPerBuyer)
      .map(([id]) => id)
    for (const id of recent) buyersOf.set(id, (buyersOf.get(id) ?? 0) + 1)
    for (let i = 0; i < recent.length; i++)
      for (let j = 0; j < recent.length; j++) {
        if (i === j) continue
        const a = recent[i] as string
        const row = pairs.get(a) ?? new Map<string, number>()
        pairs.set(a, row)
        const b = recent[j] as string
        row.set(b, (row.get(b) ?? 0) + 1)
      }
  }
  return { buyersOf, pairs }
}

/** Per product, its best `neighbours` pairs with `minSupport` buyers, by cosine with shrinkage. */
function scoreNeighbours(
  pairs: Map<string, Map<string, number>>,
  buyersOf: Map<string, number>,
  settings: RecommenderSettings,
): Map<string, Scored[]> {
  const neighbours = new Map<string, Scored[]>()
  for (const [a, row] of pairs) {
    const scored: Scored[] = []
    for (const [b, support] of row) {
      if (support < settings.minSupport) continue
      const cosine = support / Math.sqrt((buyersOf.get(a) ?? 1) * (buyersOf.get(b) ?? 1))
      scored.push({
        productId: b,
        score: cosine * (support / (support + settings.shrinkage)),
        reason: `${support} customers bought both`,
      })
    }
    neighbours.set(a, scored.sort(byScore).slice(0, settings.neighbours))
  }
  return neighbours
}

/** The products of each category, most popular first (what trending reads). */
function categoriesByPopularity(
  items: ItemFeatures[],
  popularity: Map<string, number>,
): Map<string, ItemFeatures[]> {
  const byCategory = new Map<string, ItemFeatures[]>()
  for (const item of items) {
    const list = byCategory.get(item.category) ?? []
    list.push(item)
    byCategory.set(item.category, list)
  }
  for (const list of byCategory.values())
    list.sort((a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0))
  return byCategory
}

/** A trained model: neighbours per product, popularity, trending per category. */
export class Recommender {
  private constructor(
    readonly settings: RecommenderSettings,
    private items: Map<string, ItemFeatures>,
    /** Product -> co-purchase neighbours, best first. */
    private neighbours: Map<string, Scored[]>,
    /** Product -> decayed purchases as of `now`. */
    readonly popularity: Map<string, number>,
    private byCategory: Map<string, ItemFeatures[]>,
    private titleOf: (productId: string) => string,
  ) {}

  /**
   * Counts, per pair of products, the buyers who bought both (each buyer's last
   * `historyPerBuyer` distinct products), keeps the pairs with `minSupport` buyers and scores
   * them by cosine with shrinkage.
   */
  static train(
    purchases: PurchaseSignal[],
    items: ItemFeatures[],
    now: number,
    settings: RecommenderSettings = DEFAULT_RECOMMENDER_SETTINGS,
    titleOf: (productId: string) => string = (id) => id,
  ): Recommender {
    const itemById = new Map(items.map((item) => [item.id, item]))
    const { histories, popularity } = readPurchases(purchases, now, settings)
    const { buyersOf, pairs } = countPairs(histories, settings.historyPerBuyer)
    const neighbours = scoreNeighbours(pairs, buyersOf, settings)
    const byCategory = categoriesByPopularity(items, popularity)
    return new Recommender(settings, itemById, neighbours, popularity, byCategory, titleOf)
  }

  /** Products with co-purchase neighbours (the rest fall back to content similarity). */
  get productsWithNeighbours(): number {
    return [...this.neighbours.values()].filter((n) => n.length > 0).length
  }

  /**
   * "Customers also bought": co-purchase neighbours first, then content-similar products (a new
   * product has only those). `exclude` is left out; the store cap is the caller's.
   */
  alsoBought(productId: string, size: number, exclude: Set<string> = new Set()): Scored[] {
    const picked = new Map<string, Scored>()
    for (const n of this.neighbours.get(productId) ?? []) {
      if (picked.size >= size) break
      if (!exclude.has(n.productId) && n.productId !== productId)
        picked.set(n.productId, { ...n, reason: 'Customers who bought this also bought it' })
    }
    if (picked.size < size) {
      const self = this.items.get(productId)
      if (self)
        for (const similar of this.similar(self, size * 2, exclude)) {
          if (picked.size >= size) break
          // Content scores sit below every co-purchase score: they only fill the list.
          if (!picked.has(similar.productId))
            picked.set(similar.productId, { ...similar, score: similar.score * 1e-6 })
        }
    }
    return [...picked.values()]
  }

  /** Content-similar products, best first, popularity breaking ties. */
  similar(self: ItemFeatures, size: number, exclude: Set<string> = new Set()): Scored[] {
    const scored: Scored[] = []
    for (const other of this.byCategory.get(self.category) ?? []) {
      if (other.id === self.id || exclude.has(other.id)) continue
      const score = contentSimilarity(self, other)
      if (score > 0)
        scored.push({
          productId: other.id,
          score: score + Math.min(this.popularity.get(other.id) ?? 0, 100) * 1e-4,
          reason: contentReason(self, other),
        })
    }
    return scored.sort(byScore).slice(0, size)
  }

  /**
   * "For you": products near the buyer's seeds (co-purchase neighbours, weighted by the seed's
   * source and recency; content neighbours a little), then trending in the seeds' categories,
   * then trending everywhere. Never a product in `exclude` (already bought).
   */
  forYou(seeds: Seed[], now: number, size: number, exclude: Set<string>): Scored[] {
    const decay = Math.LN2 / (this.settings.seedHalfLifeDays * DAY_MS)
    const scores = new Map<string, { score: number; best: number; because: Seed }>()
    const add = (productId: string, amount: number, because: Seed) => {
      if (exclude.has(productId)) return
      const entry = scores.get(productId)
      if (!entry) scores.set(productId, { score: amount, best: amount, because })
      else {
        entry.score += amount
        if (amount > entry.best) Object.assign(entry, { best: amount, because })
      }
    }
    const seen = new Set<string>()
    for (const seed of seeds) {
      const key = `${seed.source}:${seed.productId}`
      if (seen.has(key)) continue
      seen.add(key)
      const weight = SEED_WEIGHTS[seed.source] * Math.exp(-decay * Math.max(0, now - seed.at))
      for (const n of this.neighbours.get(seed.productId) ?? [])
        add(n.productId, weight * n.score, seed)
      const item = this.items.get(seed.productId)
      if (item)
        for (const s of this.similar(item, 10, exclude))
          add(s.productId, weight * CONTENT_WEIGHT * s.score, seed)
    }
    const verbs = { order: 'bought', wishlist: 'saved', view: 'viewed' } as const
    const ranked: Scored[] = [...scores.entries()].map(([productId, e]) => ({
      productId,
      score: e.score,
      reason: `Because you ${verbs[e.because.source]} ${this.titleOf(e.because.productId)}`,
    }))
    ranked.sort(byScore)
    if (ranked.length < size) {
      const have = new Set(ranked.map((r) => r.productId))
      const categories = [
        ...new Set(seeds.map((s) => this.items.get(s.productId)?.category).filter(Boolean)),
      ] as string[]
      for (const item of this.trending(categories, size * 2, new Set([...exclude, ...have])))
        if (!have.has(item.productId)) {
          have.add(item.productId)
          ranked.push({ ...item, score: 0 })
        }
    }
    return ranked
  }

  /**
   * The most bought products lately (decayed), in `categories` first when given, then anywhere.
   */
  trending(categories: string[], size: number, exclude: Set<string> = new Set()): Scored[] {
    const out: Scored[] = []
    const have = new Set<string>()
    const take = (item: ItemFeatures, reason: string) => {
      if (out.length >= size || exclude.has(item.id) || have.has(item.id)) return
      have.add(item.id)
      out.push({ productId: item.id, score: this.popularity.get(item.id) ?? 0, reason })
    }
    for (const category of categories)
      for (const item of (this.byCategory.get(category) ?? []).slice(0, size))
        take(item, `Trending in ${category}`)
    if (out.length < size)
      for (const item of this.topItems(size * 2 + exclude.size)) take(item, 'Trending now')
    return out
  }

  private top: ItemFeatures[] | undefined
  private topItems(size: number): ItemFeatures[] {
    this.top ??= [...this.items.values()].sort(
      (a, b) =>
        (this.popularity.get(b.id) ?? 0) - (this.popularity.get(a.id) ?? 0) ||
        a.id.localeCompare(b.id),
    )
    return this.top.slice(0, size)
  }
}
