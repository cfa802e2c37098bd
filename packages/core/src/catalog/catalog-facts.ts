import { op } from '../db/query.js'
import { isId } from '../shared/ids.js'
import { isStoreSellable, type StoreDTO, type StoreLookup } from '../stores/store.types.js'
import { catalogCardOf } from './catalog-card.js'
import type { ProductDoc, ProductModel } from './product.model.js'
import type { Availability, CatalogProductDTO } from './public-catalog.types.js'
import type { VariantModel } from './variant.model.js'

/** A variant as wishlists read it: price and how much is left (never the count itself). */
export interface VariantFacts {
  id: string
  price: number
  stock: number
  availability: Availability
  options: Record<string, string>
}

/**
 * What wishlists and recommendations need to know about a product now: its card as the catalog
 * shows it, whether a buyer can buy it, and the features content similarity compares.
 */
export interface ProductFacts {
  id: string
  storeId: string
  title: string
  category: string
  brand?: string
  /** Colour option values, normalized (`colour:` or `color:` axes). */
  colours: string[]
  minPrice: number
  inStock: boolean
  /** Approved and not hidden by the store's plan, of a store that is approved and not on holiday. */
  sellable: boolean
  popularity: number
  card: CatalogProductDTO
  /** Only when asked for (`withVariants`). */
  variants?: VariantFacts[]
}

const FACT_FIELDS = {
  title: 1,
  brand: 1,
  category: 1,
  storeId: 1,
  status: 1,
  minPrice: 1,
  maxPrice: 1,
  inStock: 1,
  images: 1,
  publishedAt: 1,
  optionValues: 1,
  popularity: 1,
  hiddenByPlan: 1,
} as const

type FactRow = Pick<ProductDoc, '_id' | keyof typeof FACT_FIELDS>

/** The popularity stored on products is this many times the decayed score, as an integer. */
export const POPULARITY_SCALE = 1000

function availabilityOf(stock: number, threshold: number): Availability {
  if (stock <= 0) return 'out_of_stock'
  return stock <= threshold ? 'low' : 'in_stock'
}

/**
 * The catalog's read port for wishlists and recommendations, and the writer of the `popularity`
 * sort key (the recommendations job). Fresh reads, never cached: callers cache what they build.
 */
export class CatalogFacts {
  constructor(
    private deps: { products: ProductModel; variants: VariantModel; stores: StoreLookup },
  ) {}

  /** Products by id (unknown ids left out), as of `now`. */
  async products(
    productIds: string[],
    now: Date,
    options: { withVariants?: boolean } = {},
  ): Promise<ProductFacts[]> {
    const ids = [...new Set(productIds.filter(isId))]
    if (ids.length === 0) return []
    const rows = await this.deps.products
      .find({ _id: op({ $in: ids }) })
      .select(FACT_FIELDS)
      .lean()
    return this.toFacts(rows, now, options.withVariants ?? false)
  }

  /** Every approved product of a sellable store (the recommendations job's catalog). */
  async live(now: Date): Promise<ProductFacts[]> {
    const storeIds = await this.deps.stores.sellableStoreIds(now)
    if (storeIds.length === 0) return []
    const rows = await this.deps.products
      .find({ status: 'approved', storeId: op({ $in: storeIds }) })
      .select(FACT_FIELDS)
      .lean()
    return this.toFacts(rows, now, false)
  }

  /** Approved products of one category (content similarity for a product the job has not seen). */
  async liveInCategory(category: string, now: Date, limit: number): Promise<ProductFacts[]> {
    const rows = await this.deps.products
      .find({ status: 'approved', category, inStock: true })
      .select(FACT_FIELDS)
      .sort({ popularity: -1, _id: -1 })
      .limit(limit)
      .lean()
    return (await this.toFacts(rows, now, false)).filter((p) => p.sellable)
  }

  /**
   * Sets the `popular` sort key: `scores` (decayed purchases) for the products named, 0 for
   * every other approved product. Writes only what changed; returns how many products changed.
   */
  async setPopularity(scores: Map<string, number>): Promise<number> {
    const rows = await this.deps.products
      .find({ status: 'approved' })
      .select({ popularity: 1 })
      .lean()
    const writes = []
    for (const row of rows) {
      const next = Math.round((scores.get(String(row._id)) ?? 0) * POPULARITY_SCALE)
      if (row.popularity === next) continue
      writes.push({
        updateOne: { filter: { _id: row._id }, update: { $set: { popularity: next } } },
      })
    }
    if (writes.length > 0) await this.deps.products.bulkWrite(writes, { ordered: false })
    return writes.length
  }

  private async toFacts(
    rows: FactRow[],
    now: Date,
    withVariants: boolean,
  ): Promise<ProductFacts[]> {
    if (rows.length === 0) return []
    const stores = await this.deps.stores.getStores([
      ...new Set(rows.map((r) => String(r.storeId))),
    ])
    const storeById = new Map(stores.map((s) => [s.id, s]))
    const variantsOf = withVariants ? await this.variantsOf(rows) : undefined
    const facts: ProductFacts[] = []
    for (const row of rows) {
      const store = storeById.get(String(row.storeId))
      if (!store) continue
      facts.push({
        ...factsOf(row, store, now),
        ...(variantsOf ? { variants: variantsOf.get(String(row._id)) ?? [] } : {}),
      })
    }
    return facts
  }

  /** The rows' variants, per product id, oldest first. */
  private async variantsOf(rows: FactRow[]): Promise<Map<string, VariantFacts[]>> {
    const variantsOf = new Map<string, VariantFacts[]>()
    const variants = await this.deps.variants
      .find({ productId: op({ $in: rows.map((r) => r._id) }) })
      .sort({ _id: 1 })
      .lean()
    for (const v of variants) {
      const list = variantsOf.get(String(v.productId)) ?? []
      list.push({
        id: String(v._id),
        price: v.price,
        stock: v.stock,
        availability: availabilityOf(v.stock, v.lowStockThreshold),
        options: Object.fromEntries(v.options.map((o) => [o.name, o.value])),
      })
      variantsOf.set(String(v.productId), list)
    }
    return variantsOf
  }
}

/** A product's facts without its variants: what it is, whether it is on sale, its card. */
function factsOf(row: FactRow, store: StoreDTO, now: Date): Omit<ProductFacts, 'variants'> {
  const colours = (row.optionValues ?? [])
    .filter((v) => v.startsWith('colour:') || v.startsWith('color:'))
    .map((v) => v.slice(v.indexOf(':') + 1))
  return {
    id: String(row._id),
    storeId: store.id,
    title: row.title,
    category: row.category,
    ...(row.brand ? { brand: row.brand } : {}),
    colours,
    minPrice: row.minPrice ?? 0,
    inStock: row.inStock,
    // A product hidden by the store's plan (docs/plans.md) is not on sale either.
    sellable: row.status === 'approved' && !row.hiddenByPlan && isStoreSellable(store, now),
    popularity: (row.popularity ?? 0) / POPULARITY_SCALE,
    card: catalogCardOf(row, { id: store.id, slug: store.slug, name: store.name }),
  }
}
