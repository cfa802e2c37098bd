import type { CatalogCache } from '../catalog/catalog-cache.js'
import type { CatalogFacts, ProductFacts } from '../catalog/catalog-facts.js'
import type { CachedJson, CatalogProductDTO } from '../catalog/public-catalog.types.js'
import { op } from '../db/query.js'
import type { PaidLine, PurchaseHistory } from '../orders/purchase-history.js'
import { type Ctx, requireUser } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { isId, newId } from '../shared/ids.js'
import type { WishlistsService } from '../wishlists/wishlists.service.js'
import {
  CURRENT_RUN_ID,
  type ProductViewModel,
  type RecommendationListModel,
  type StoredPick,
} from './recommendation.model.js'
import {
  RECOMMENDATION_LIST_SIZE,
  type RecordViewBody,
  STORED_CANDIDATES,
  TRAINING_WINDOW_DAYS,
  VIEW_WINDOW_DAYS,
  VIEWS_PER_BUYER,
} from './recommendation.schemas.js'
import {
  capPerStore,
  contentReason,
  contentSimilarity,
  DEFAULT_RECOMMENDER_SETTINGS,
  type ItemFeatures,
  type PurchaseSignal,
  Recommender,
  type Scored,
  type Seed,
} from './recommender.js'

/** One recommended product: its card and why it is there. */
export interface RecommendationDTO {
  product: CatalogProductDTO
  reason: string
}

/** What a run of the job did. */
export interface RecommendationRun {
  products: number
  /** Products with co-purchase neighbours (the others get content similarity). */
  productsWithNeighbours: number
  paidLines: number
  buyers: number
  lists: number
  popularityChanged: number
  ms: number
  /** Milliseconds per step: reading orders, catalog, wishlists and views; training and scoring; writing. */
  steps: { read: number; compute: number; write: number }
}

export interface RecommendationsDeps {
  lists: RecommendationListModel
  views: ProductViewModel
  catalog: CatalogFacts
  history: PurchaseHistory
  wishlists: Pick<WishlistsService, 'savedProducts' | 'productsSavedBy'>
  cache: CatalogCache
  events: EventBus
}

const DAY_MS = 24 * 3600_000
const WRITE_BATCH = 500
const { perStoreCap } = DEFAULT_RECOMMENDER_SETTINGS
const featuresOf = (p: ProductFacts): ItemFeatures => ({
  id: p.id,
  storeId: p.storeId,
  category: p.category,
  brand: p.brand,
  colours: p.colours,
  price: p.minPrice,
})
const productNotFound = () => new NotFoundError('Product')

/**
 * "Customers also bought" and "for you" (docs/recommendations.md). A job computes every list
 * offline (`refresh`) and stores it; reads come from the catalog's cache, and a miss reads the
 * stored list and drops what is no longer sellable, in stock, or (for you) already bought.
 */
export class RecommendationsService {
  constructor(private deps: RecommendationsDeps) {}

  /**
   * "Customers also bought" for a live product: co-purchase neighbours, or content-similar
   * products for a product the job has not seen sell.
   * @throws NotFoundError unless the product is on sale.
   */
  async alsoBought(ctx: Ctx, productId: string): Promise<CachedJson> {
    if (!isId(productId)) throw productNotFound()
    const generation = await this.deps.cache.generation()
    return this.deps.cache.list(generation, `recs:also:${productId}`, async () => {
      const [product] = await this.deps.catalog.products([productId], ctx.now)
      if (!product?.sellable) throw productNotFound()
      const stored = await this.stored(`also:${productId}`)
      const picks = stored ?? (await this.similarTo(product, ctx.now))
      return { items: await this.present(picks, ctx.now, new Set([productId])) }
    })
  }

  /**
   * "For you" for the signed-in buyer: the job's list, or (a buyer it has not seen yet) what is
   * trending in the categories of what they saved and viewed, then everywhere.
   */
  async forYou(ctx: Ctx): Promise<CachedJson> {
    const userId = requireUser(ctx)
    const generation = await this.deps.cache.generation()
    return this.deps.cache.list(generation, userKey(userId), async () => {
      const bought = await this.deps.history.productsBoughtBy(userId)
      const stored = await this.stored(`user:${userId}`)
      if (stored) return { source: 'personal', items: await this.present(stored, ctx.now, bought) }
      return {
        source: 'trending',
        items: await this.present(await this.trendingFor(userId, ctx.now), ctx.now, bought),
      }
    })
  }

  /**
   * Records that the signed-in buyer opened a live product's page (a "for you" seed).
   * @throws NotFoundError unless the product is on sale.
   */
  async recordView(ctx: Ctx, input: RecordViewBody): Promise<{ recorded: true }> {
    const userId = requireUser(ctx)
    const [product] = await this.deps.catalog.products([input.productId], ctx.now)
    if (!product?.sellable) throw productNotFound()
    await this.deps.views.create({ userId, productId: product.id, at: ctx.now })
    // A buyer on the trending fallback sees their new category at once.
    await this.forget(userId)
    return { recorded: true }
  }

  /**
   * Drops a buyer's cached "for you": they just bought (what they bought must leave it), saved
   * or viewed a product (the trending fallback follows their categories).
   */
  async forget(userId: string): Promise<void> {
    await this.deps.cache.drop(await this.deps.cache.generation(), userKey(userId))
  }

  /**
   * The job: trains on the paid orders of the last TRAINING_WINDOW_DAYS, writes the `popular`
   * sort key, stores every list under a new run, points reads at it, deletes older runs and
   * views past VIEW_WINDOW_DAYS, and announces `recommendations.refreshed` (which drops the
   * cached catalog and recommendation answers on every instance).
   */
  async refresh(ctx: Ctx): Promise<RecommendationRun> {
    const t0 = performance.now()
    const now = ctx.now.getTime()
    const live = await this.deps.catalog.live(ctx.now)
    const lines = await this.deps.history.paidSince(
      new Date(now - TRAINING_WINDOW_DAYS * DAY_MS),
      ctx.now,
    )
    const seeds = await this.seeds(lines, now)
    const t1 = performance.now()
    const model = trainOn(live, lines, now)
    const lists = listsOf(model, live, boughtBy(lines), seeds, now)
    const t2 = performance.now()
    const popularityChanged = await this.deps.catalog.setPopularity(model.popularity)
    await this.store(lists, ctx.now)
    await this.deps.views.deleteMany({ at: op({ $lt: new Date(now - VIEW_WINDOW_DAYS * DAY_MS) }) })
    const run: RecommendationRun = {
      products: live.length,
      productsWithNeighbours: model.productsWithNeighbours,
      paidLines: lines.length,
      buyers: seeds.size,
      lists: lists.size,
      popularityChanged,
      ms: Math.round(performance.now() - t0),
      steps: {
        read: Math.round(t1 - t0),
        compute: Math.round(t2 - t1),
        write: Math.round(performance.now() - t2),
      },
    }
    await this.deps.events.emit('recommendations.refreshed', {
      products: run.products,
      buyers: run.buyers,
      popularityChanged,
    })
    return run
  }

  // ---- the job's steps -------------------------------------------------------------------------

  /** Per buyer: their paid lines, saved products and recent views, as seeds. */
  private async seeds(
    lines: { buyerId: string; productId: string; paidAt: Date }[],
    now: number,
  ): Promise<Map<string, Seed[]>> {
    const seeds = new Map<string, Seed[]>()
    const add = (userId: string, seed: Seed) => {
      const list = seeds.get(userId) ?? []
      list.push(seed)
      seeds.set(userId, list)
    }
    for (const line of lines)
      add(line.buyerId, { productId: line.productId, source: 'order', at: line.paidAt.getTime() })
    for (const saved of await this.deps.wishlists.savedProducts())
      add(saved.userId, { productId: saved.productId, source: 'wishlist', at: saved.at.getTime() })
    const views = await this.deps.views
      .find({ at: op({ $gte: new Date(now - VIEW_WINDOW_DAYS * DAY_MS) }) })
      .sort({ _id: -1 })
      .lean()
    const perUser = new Map<string, number>()
    for (const view of views) {
      const count = perUser.get(view.userId) ?? 0
      if (count >= VIEWS_PER_BUYER) continue
      perUser.set(view.userId, count + 1)
      add(view.userId, { productId: view.productId, source: 'view', at: view.at.getTime() })
    }
    return seeds
  }

  /**
   * Stores the lists under a new run with batched inserts (far cheaper than one upsert per list
   * on the embedded engine), then moves the `current` pointer, then deletes older runs. A reader
   * sees the old run or the new one, never half of one.
   */
  private async store(lists: Map<string, Scored[]>, computedAt: Date): Promise<void> {
    const run = newId()
    const docs = [...lists].map(([key, items]) => ({
      _id: `${run}:${key}`,
      run,
      items: items.map((i) => ({ productId: i.productId, score: i.score, reason: i.reason })),
      computedAt,
    }))
    for (let i = 0; i < docs.length; i += WRITE_BATCH)
      await this.deps.lists.insertMany(docs.slice(i, i + WRITE_BATCH), { ordered: false })
    await this.deps.lists.updateOne(
      { _id: CURRENT_RUN_ID },
      { $set: { run, items: [], computedAt } },
      { upsert: true },
    )
    await this.deps.lists.deleteMany({ run: op({ $ne: run }), _id: op({ $ne: CURRENT_RUN_ID }) })
  }

  // ---- reads (cache misses) --------------------------------------------------------------------

  private async stored(key: string): Promise<StoredPick[] | undefined> {
    const current = await this.deps.lists.findById(CURRENT_RUN_ID).lean()
    if (!current) return undefined
    const doc = await this.deps.lists.findById(`${current.run}:${key}`).lean()
    return doc?.items
  }

  /** Content-similar live products of the same category (a product newer than the last run). */
  private async similarTo(product: ProductFacts, now: Date): Promise<Scored[]> {
    const self = featuresOf(product)
    const others = await this.deps.catalog.liveInCategory(product.category, now, 200)
    return others
      .map((other) => {
        const features = featuresOf(other)
        return {
          productId: other.id,
          score: contentSimilarity(self, features) + Math.min(other.popularity, 100) * 1e-4,
          reason: contentReason(self, features),
        }
      })
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
  }

  /** Trending in the categories of what the buyer saved and viewed lately, then everywhere. */
  private async trendingFor(userId: string, now: Date): Promise<StoredPick[]> {
    const viewed = await this.deps.views
      .find({ userId })
      .sort({ _id: -1 })
      .limit(VIEWS_PER_BUYER)
      .lean()
    const seedIds = [
      ...(await this.deps.wishlists.productsSavedBy(userId)),
      ...viewed.map((v) => v.productId),
    ]
    const categories = new Set(
      (await this.deps.catalog.products(seedIds, now)).map((p) => p.category),
    )
    const picks: StoredPick[] = []
    for (const category of categories)
      picks.push(...((await this.stored(`trending:${category}`)) ?? []))
    picks.push(...((await this.stored('trending')) ?? []))
    const seen = new Set<string>()
    return picks.filter((p) => !seen.has(p.productId) && seen.add(p.productId))
  }

  /**
   * The served list: candidates still on sale and in stock, not in `exclude`, at most
   * `perStoreCap` per store, RECOMMENDATION_LIST_SIZE in all, each with its card and reason.
   */
  private async present(
    picks: StoredPick[],
    now: Date,
    exclude: Set<string>,
  ): Promise<RecommendationDTO[]> {
    const candidates = picks.filter((p) => !exclude.has(p.productId))
    const facts = await this.deps.catalog.products(
      candidates.map((p) => p.productId),
      now,
    )
    const byId = new Map(facts.filter((f) => f.sellable && f.inStock).map((f) => [f.id, f]))
    return capPerStore(
      candidates.map((p) => ({ ...p })),
      (id) => byId.get(id)?.storeId,
      perStoreCap,
      RECOMMENDATION_LIST_SIZE,
    ).map((p) => ({ product: (byId.get(p.productId) as ProductFacts).card, reason: p.reason }))
  }
}

const userKey = (userId: string) => `recs:user:${userId}`

/** The model of a run: the paid lines as purchases, the live products as features and titles. */
function trainOn(live: ProductFacts[], lines: PaidLine[], now: number): Recommender {
  const purchases: PurchaseSignal[] = lines.map((l) => ({
    buyerId: l.buyerId,
    productId: l.productId,
    at: l.paidAt.getTime(),
    quantity: l.quantity,
  }))
  const titles = new Map(live.map((p) => [p.id, p.title]))
  return Recommender.train(
    purchases,
    live.map(featuresOf),
    now,
    DEFAULT_RECOMMENDER_SETTINGS,
    (id) => titles.get(id) ?? 'an earlier purchase',
  )
}

/** Per buyer, the products of their paid lines ("for you" leaves them out). */
function boughtBy(lines: PaidLine[]): Map<string, Set<string>> {
  const bought = new Map<string, Set<string>>()
  for (const line of lines) {
    const set = bought.get(line.buyerId) ?? new Set()
    set.add(line.productId)
    bought.set(line.buyerId, set)
  }
  return bought
}

/**
 * Every list of a run, keyed as stored: `also:<product>`, `user:<buyer>`, `trending` and
 * `trending:<category>`; each keeps sellable, in-stock candidates, `perStoreCap` per store.
 */
function listsOf(
  model: Recommender,
  live: ProductFacts[],
  bought: Map<string, Set<string>>,
  seeds: Map<string, Seed[]>,
  now: number,
): Map<string, Scored[]> {
  const eligible = new Set(live.filter((p) => p.sellable && p.inStock).map((p) => p.id))
  const storeOf = new Map(live.map((p) => [p.id, p.storeId]))
  const keep = (list: Scored[]) =>
    capPerStore(
      list.filter((s) => eligible.has(s.productId)),
      (id) => storeOf.get(id),
      perStoreCap,
      STORED_CANDIDATES,
    )
  const wide = STORED_CANDIDATES * 2
  const lists = new Map<string, Scored[]>()
  for (const product of live)
    lists.set(`also:${product.id}`, keep(model.alsoBought(product.id, wide)))
  for (const [userId, userSeeds] of seeds)
    lists.set(
      `user:${userId}`,
      keep(model.forYou(userSeeds, now, wide, bought.get(userId) ?? new Set())),
    )
  lists.set('trending', keep(model.trending([], wide)))
  for (const category of new Set(live.map((p) => p.category)))
    lists.set(`trending:${category}`, keep(model.trending([category], wide)))
  return lists
}
