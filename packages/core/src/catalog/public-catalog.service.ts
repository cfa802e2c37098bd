import { Types } from 'mongoose'
import { z } from 'zod'
import { op } from '../db/query.js'
import type { Ctx } from '../shared/ctx.js'
import { NotFoundError, ValidationError } from '../shared/errors.js'
import { isId } from '../shared/ids.js'
import { decodeCursor, toPage } from '../shared/paging.js'
import { CATEGORIES } from '../stores/categories.js'
import { isStoreSellable, type StoreLookup } from '../stores/store.types.js'
import type { CatalogCache } from './catalog-cache.js'
import { catalogCardOf, imageOf } from './catalog-card.js'
import type { ProductDoc, ProductModel } from './product.model.js'
import { normalizeText, wordsOf } from './product-summary.js'
import type { CatalogQuery, CatalogSort, StoreCatalogQuery } from './public-catalog.schemas.js'
import { CATALOG_SORTS } from './public-catalog.schemas.js'
import type {
  Availability,
  CachedJson,
  CatalogCategoryDTO,
  CatalogProductDetailDTO,
  CatalogProductDTO,
  CatalogStoreRef,
  CheckoutVariantView,
} from './public-catalog.types.js'
import type { VariantDoc, VariantModel } from './variant.model.js'

export interface PublicCatalogDeps {
  products: ProductModel
  variants: VariantModel
  stores: StoreLookup
  cache: CatalogCache
}

/**
 * How old the list of sellable stores may get before a request reloads it. Events invalidate it
 * at once; this bound covers what no event announces here: a holiday ending, or a store changed
 * by another process that shares no key-value store with this one (the CLI without Redis).
 */
export const SELLABLE_STORES_MAX_AGE_MS = 1000

/** Search words beyond this many are ignored: each one is a regex test per candidate product. */
const MAX_SEARCH_WORDS = 8

interface SellableStores {
  generation: string
  loadedAt: number
  byId: Map<string, CatalogStoreRef>
  /** Ids, and slugs for the `store` filter. */
  byKey: Map<string, CatalogStoreRef>
  ids: Types.ObjectId[]
  /** What the stores look like in a list; a change means cached lists are stale. */
  fingerprint: string
}

type SortField = 'publishedAt' | 'minPrice' | 'popularity'

/**
 * The sort key of each order. `popular` is recent paid orders, decayed, which the
 * recommendations job writes onto each product (docs/recommendations.md).
 */
const SORT_KEYS: Record<CatalogSort, { field: SortField; direction: 1 | -1 }> = {
  newest: { field: 'publishedAt', direction: -1 },
  popular: { field: 'popularity', direction: -1 },
  price_asc: { field: 'minPrice', direction: 1 },
  price_desc: { field: 'minPrice', direction: -1 },
}

const cursorShape = z.object({
  s: z.enum(CATALOG_SORTS),
  v: z.number().int().min(0),
  id: z.string().regex(/^[0-9a-f]{24}$/),
})

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const LIST_FIELDS = {
  title: 1,
  brand: 1,
  category: 1,
  storeId: 1,
  minPrice: 1,
  maxPrice: 1,
  inStock: 1,
  images: 1,
  publishedAt: 1,
  popularity: 1,
} as const

type ListedProduct = Pick<ProductDoc, '_id' | keyof typeof LIST_FIELDS>

function availabilityOf(variant: VariantDoc): Availability {
  if (variant.stock <= 0) return 'out_of_stock'
  return variant.stock <= variant.lowStockThreshold ? 'low' : 'in_stock'
}

const productNotFound = () => new NotFoundError('Product')

/**
 * The catalog buyers browse: approved products of stores that are approved and not on holiday.
 * Answers are cached as serialized JSON with an entity tag (CatalogCache), so a warm request
 * costs two key-value reads and no database round trip. Nothing here needs a signed-in user.
 */
export class PublicCatalogService {
  private sellable: SellableStores | undefined
  private loadingSellable: { generation: string; done: Promise<SellableStores> } | undefined

  constructor(private deps: PublicCatalogDeps) {}

  /**
   * Visible products, filtered and sorted, a page at a time.
   * @throws ValidationError for a cursor from another sort or not from us.
   */
  async listProducts(ctx: Ctx, query: CatalogQuery): Promise<CachedJson> {
    const { generation, stores } = await this.current(ctx)
    return this.deps.cache.list(generation, `list:${canonicalKey(query)}`, () =>
      this.findProducts(stores, query),
    )
  }

  /**
   * A store's visible products, with the same filters.
   * @throws NotFoundError unless the store is open for business.
   */
  async listStoreProducts(ctx: Ctx, slug: string, query: StoreCatalogQuery): Promise<CachedJson> {
    const { generation, stores } = await this.current(ctx)
    const store = stores.byKey.get(slug.toLowerCase())
    if (!store) throw new NotFoundError('Store')
    const scoped: CatalogQuery = { ...query, store: store.id }
    return this.deps.cache.list(generation, `list:${canonicalKey(scoped)}`, () =>
      this.findProducts(stores, scoped),
    )
  }

  /**
   * A product page with its variants and their availability (never stock counts).
   * @throws NotFoundError unless the product is visible in the catalog.
   */
  async getProduct(ctx: Ctx, productId: string): Promise<CachedJson> {
    if (!isId(productId)) throw productNotFound()
    const { generation, stores } = await this.current(ctx)
    return this.deps.cache.product(generation, productId, async () => ({
      product: await this.findProduct(stores, productId),
    }))
  }

  /** The categories with the number of visible products in each. */
  async categories(ctx: Ctx): Promise<CachedJson> {
    const { generation, stores } = await this.current(ctx)
    return this.deps.cache.list(generation, 'categories', async () => ({
      items: await this.countByCategory(stores),
    }))
  }

  /**
   * Variants by id for the cart and checkout, each with whether a buyer can buy it at `now`
   * (the rule the catalog lists by). Read fresh, never cached: prices and stock become money.
   * Unknown ids, and variants whose product or store is gone, are left out; the others come back
   * even when not sellable, so the cart can tell the buyer why a line is unavailable.
   */
  async variantsForCheckout(variantIds: string[], now: Date): Promise<CheckoutVariantView[]> {
    const ids = [...new Set(variantIds.filter(isId))]
    if (ids.length === 0) return []
    const variants = await this.deps.variants.find({ _id: op({ $in: ids }) }).lean()
    const productIds = [...new Set(variants.map((v) => String(v.productId)))]
    const storeIds = [...new Set(variants.map((v) => String(v.storeId)))]
    const [products, stores] = await Promise.all([
      this.deps.products.find({ _id: op({ $in: productIds }) }).lean(),
      this.deps.stores.getStores(storeIds),
    ])
    const productById = new Map(products.map((p) => [String(p._id), p]))
    const storeById = new Map(stores.map((s) => [s.id, s]))
    const views: CheckoutVariantView[] = []
    for (const variant of variants) {
      const product = productById.get(String(variant.productId))
      const store = storeById.get(String(variant.storeId))
      if (!product || !store) continue
      views.push({
        variantId: String(variant._id),
        productId: String(variant.productId),
        storeId: String(variant.storeId),
        sku: variant.sku,
        options: variant.options.map((o) => ({ name: o.name, value: o.value })),
        price: variant.price,
        stock: variant.stock,
        title: product.title,
        productStatus: product.status,
        store,
        sellable:
          product.status === 'approved' && !product.hiddenByPlan && isStoreSellable(store, now),
      })
    }
    return views
  }

  // ---- visibility ------------------------------------------------------------------------------

  /** The generation to read under, and the sellable stores as of that generation. */
  private async current(ctx: Ctx): Promise<{ generation: string; stores: SellableStores }> {
    const generation = await this.deps.cache.generation()
    const now = ctx.now.getTime()
    const known = this.sellable
    if (
      known &&
      known.generation === generation &&
      Math.abs(now - known.loadedAt) < SELLABLE_STORES_MAX_AGE_MS
    ) {
      return { generation, stores: known }
    }
    const stores = await this.reloadSellable(ctx.now, generation)
    return { generation: stores.generation, stores }
  }

  /**
   * Reloads the sellable stores once for all concurrent requests of one generation. A request
   * that saw a newer generation never joins a load that may have read from before the change.
   */
  private reloadSellable(now: Date, generation: string): Promise<SellableStores> {
    const running = this.loadingSellable
    if (running?.generation === generation) return running.done
    const done = this.loadSellable(now, generation).finally(() => {
      if (this.loadingSellable?.done === done) this.loadingSellable = undefined
    })
    this.loadingSellable = { generation, done }
    return done
  }

  private async loadSellable(now: Date, generation: string): Promise<SellableStores> {
    const ids = await this.deps.stores.sellableStoreIds(now)
    const rows = (await this.deps.stores.getStores(ids)).sort((a, b) => a.id.localeCompare(b.id))
    const refs = rows.map((s) => ({
      id: s.id,
      slug: s.slug,
      name: s.name,
      ...(s.plan.featured ? { featured: true as const } : {}),
    }))
    const fingerprint = refs
      .map((r) => `${r.id}/${r.slug}/${r.name}${r.featured ? '/f' : ''}`)
      .join('|')
    const previous = this.sellable
    let current = generation
    // Same generation, different stores: nothing announced the change here (a holiday ended,
    // or another process changed a store). Drop what was cached against the old list.
    if (previous && previous.generation === generation && previous.fingerprint !== fingerprint) {
      await this.deps.cache.invalidateAll()
      current = await this.deps.cache.generation()
    }
    const byId = new Map(refs.map((r) => [r.id, r]))
    const byKey = new Map<string, CatalogStoreRef>()
    for (const ref of refs) byKey.set(ref.slug, ref).set(ref.id, ref)
    const loaded: SellableStores = {
      generation: current,
      loadedAt: now.getTime(),
      byId,
      byKey,
      ids: refs.map((r) => new Types.ObjectId(r.id)),
      fingerprint,
    }
    // A slow load of an older generation may land last; the next request sees the generation
    // differ and loads again.
    this.sellable = loaded
    return loaded
  }

  // ---- queries (cache misses) ------------------------------------------------------------------

  private async findProducts(stores: SellableStores, query: CatalogQuery) {
    let storeIds = query.store ? this.storeFilter(stores, query.store) : stores.ids
    // The featured shelf: products of stores whose plan buys featured placement (docs/plans.md).
    if (query.featured) storeIds = storeIds.filter((id) => stores.byId.get(String(id))?.featured)
    if (storeIds.length === 0) return { items: [] }
    const { field, direction } = SORT_KEYS[query.sort]
    const filter = this.filterFor(query, storeIds)
    const rows: ListedProduct[] = await this.deps.products
      .find(filter)
      .select(LIST_FIELDS)
      .sort({ [field]: direction, _id: direction })
      .limit(query.limit + 1)
      .lean()
    const page = toPage(
      rows,
      query.limit,
      (row) => this.toListed(stores, row),
      (row) => ({ s: query.sort, v: sortValue(row, field), id: String(row._id) }),
    )
    return page
  }

  private storeFilter(stores: SellableStores, store: string): Types.ObjectId[] {
    const ref = stores.byKey.get(store.toLowerCase())
    return ref ? [new Types.ObjectId(ref.id)] : []
  }

  /** Every condition is on fields of the product document: FerretDB has no `$lookup`. */
  private filterFor(query: CatalogQuery, storeIds: Types.ObjectId[]): Record<string, unknown> {
    const filter: Record<string, unknown> = {
      status: 'approved',
      hiddenByPlan: op({ $ne: true }),
      storeId: storeIds.length === 1 ? storeIds[0] : op({ $in: storeIds }),
    }
    const and: Record<string, unknown>[] = []
    if (query.category) filter.category = query.category
    if (query.brand) filter.brand = new RegExp(`^${escapeRegex(query.brand)}$`, 'i')
    if (query.inStock !== undefined) filter.inStock = query.inStock
    if (query.minPrice !== undefined || query.maxPrice !== undefined) {
      filter.minPrice = op({
        ...(query.minPrice !== undefined ? { $gte: query.minPrice } : {}),
        ...(query.maxPrice !== undefined ? { $lte: query.maxPrice } : {}),
      })
    }
    if (query.size) and.push({ optionValues: normalizeText(`size:${query.size}`) })
    if (query.colour) {
      // Sellers name the axis either way; both spellings are the same filter for buyers.
      const value = normalizeText(query.colour)
      and.push({ optionValues: op({ $in: [`colour:${value}`, `color:${value}`] }) })
    }
    // `searchText` holds the normalized distinct words; each query word must start one of them.
    // The pattern is RE2-safe (no look-around) and the input is escaped.
    for (const word of query.q ? wordsOf(query.q).slice(0, MAX_SEARCH_WORDS) : []) {
      and.push({ searchText: new RegExp(`(?:^| )${escapeRegex(word)}`) })
    }
    if (query.cursor) and.push(this.after(query))
    if (and.length > 0) filter.$and = and
    return filter
  }

  /** Keyset paging: strictly after the last row seen in (sort key, _id) order. */
  private after(query: CatalogQuery): Record<string, unknown> {
    const cursor = decodeCursor(query.cursor ?? '', cursorShape)
    if (cursor.s !== query.sort) {
      throw new ValidationError('Invalid cursor', { cursor: 'belongs to another sort order' })
    }
    const { field, direction } = SORT_KEYS[query.sort]
    const value = field === 'publishedAt' ? new Date(cursor.v) : cursor.v
    const beyond = direction === 1 ? '$gt' : '$lt'
    return {
      $or: [
        { [field]: op({ [beyond]: value }) },
        { [field]: value, _id: op({ [beyond]: cursor.id }) },
      ],
    }
  }

  private toListed(stores: SellableStores, row: ListedProduct): CatalogProductDTO {
    return catalogCardOf(row, stores.byId.get(String(row.storeId)) as CatalogStoreRef)
  }

  private async findProduct(
    stores: SellableStores,
    productId: string,
  ): Promise<CatalogProductDetailDTO> {
    const product = await this.deps.products.findOne({ _id: productId, status: 'approved' }).lean()
    if (!product || product.hiddenByPlan || !stores.byId.has(String(product.storeId)))
      throw productNotFound()
    const variants = await this.deps.variants
      .find({ productId: product._id })
      .sort({ _id: 1 })
      .lean()
    return {
      ...this.toListed(stores, product),
      description: product.description ?? '',
      tags: [...(product.tags ?? [])],
      options: (product.options ?? []).map((o) => ({ name: o.name, values: [...o.values] })),
      images: (product.images ?? []).map(imageOf),
      variants: variants.map((v) => ({
        id: String(v._id),
        sku: v.sku,
        options: Object.fromEntries(v.options.map((o) => [o.name, o.value])),
        price: v.price,
        ...(v.compareAtPrice !== undefined ? { compareAtPrice: v.compareAtPrice } : {}),
        inStock: v.stock > 0,
        availability: availabilityOf(v),
      })),
    }
  }

  /** One `$sum` per `$group`, the only accumulator FerretDB v1 computes correctly. */
  private async countByCategory(stores: SellableStores): Promise<CatalogCategoryDTO[]> {
    const counts = new Map<string, number>()
    if (stores.ids.length > 0) {
      const rows = await this.deps.products.aggregate<{ _id: string; n: number }>([
        {
          $match: {
            status: 'approved',
            hiddenByPlan: { $ne: true },
            storeId: { $in: stores.ids },
          },
        },
        { $group: { _id: '$category', n: { $sum: 1 } } },
      ])
      for (const row of rows) counts.set(row._id, row.n)
    }
    return CATEGORIES.map((c) => ({
      slug: c.slug,
      name: c.name,
      productCount: counts.get(c.slug) ?? 0,
    }))
  }
}

function sortValue(row: ListedProduct, field: SortField): number {
  if (field === 'popularity') return row.popularity ?? 0
  return field === 'publishedAt' ? (row.publishedAt?.getTime() ?? 0) : (row.minPrice ?? 0)
}

/**
 * The cache key of a query: its parsed values in a fixed order, so equivalent query strings
 * (another parameter order, `ADIRÉ` and `adire`) share one entry.
 */
function canonicalKey(query: CatalogQuery): string {
  return JSON.stringify([
    query.sort,
    query.limit,
    query.cursor ?? null,
    query.q ? wordsOf(query.q).slice(0, MAX_SEARCH_WORDS).join(' ') : null,
    query.category ?? null,
    query.store?.toLowerCase() ?? null,
    query.brand?.toLowerCase() ?? null,
    query.size ? normalizeText(query.size) : null,
    query.colour ? normalizeText(query.colour) : null,
    query.minPrice ?? null,
    query.maxPrice ?? null,
    query.inStock ?? null,
    query.featured ?? null,
  ])
}
