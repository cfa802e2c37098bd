import { describe, expect, it } from '@jest/globals'
import { RedisStore } from '../adapters/kv.js'
import { createCore } from '../create-core.js'
import { connectDatabase } from '../db/connection.js'
import type { Ctx } from '../shared/ctx.js'
import { createLogger } from '../shared/logger.js'
import type { Page } from '../shared/paging.js'
import { validateInput } from '../shared/validate.js'
import { aProductInput, aSellerWithStore, aVariantInput } from '../test-support/catalog-builders.js'
import {
  adminCliCtx,
  anonCtx,
  createTestWorld,
  testMongoUri,
  testRedisUrl,
} from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'
import type { CreateProductBody, CreateVariantBody } from './product.schemas.js'
import type { ProductDTO, ProductStatus } from './product.types.js'
import { catalogQuery } from './public-catalog.schemas.js'
import { SELLABLE_STORES_MAX_AGE_MS } from './public-catalog.service.js'
import type { CatalogProductDetailDTO, CatalogProductDTO } from './public-catalog.types.js'

const world = testWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())
const anon = () => anonCtx(world.clock.now())

interface ProductSpec extends Partial<CreateProductBody> {
  variants?: Partial<CreateVariantBody>[]
}

/** A product driven through the services into `status`; each one is published a second later. */
async function aProduct(
  seller: Ctx,
  spec: ProductSpec = {},
  status: ProductStatus = 'approved',
): Promise<ProductDTO> {
  const { products } = world.core
  const { variants = [{}], ...content } = spec
  world.clock.advance(1000)
  let product = await products.create(seller, aProductInput(content))
  for (const variant of variants)
    await products.addVariant(seller, product.id, aVariantInput(variant))
  if (status === 'draft') return product
  product = await products.submit(seller, product.id)
  if (status === 'pending_review') return product
  if (status === 'rejected') return products.reject(admin(), product.id, { reason: 'blurry photo' })
  product = await products.approve(admin(), product.id)
  if (status === 'archived') return products.archive(seller, product.id)
  return product
}

async function list(raw: Record<string, string>): Promise<Page<CatalogProductDTO>> {
  const answer = await world.core.catalog.listProducts(anon(), validateInput(catalogQuery, raw))
  return JSON.parse(answer.body) as Page<CatalogProductDTO>
}

const titles = (page: Page<CatalogProductDTO>) => page.items.map((p) => p.title)

async function detail(productId: string): Promise<CatalogProductDetailDTO> {
  const answer = await world.core.catalog.getProduct(anon(), productId)
  return (JSON.parse(answer.body) as { product: CatalogProductDetailDTO }).product
}

/** Every item of a listing, following cursors; `between` runs before each next page. */
async function allPages(
  raw: Record<string, string>,
  between: () => Promise<void> = async () => {},
): Promise<string[]> {
  const seen: string[] = []
  let cursor: string | undefined
  do {
    const page = await list({ ...raw, ...(cursor ? { cursor } : {}) })
    seen.push(...page.items.map((p) => p.title))
    cursor = page.nextCursor
    if (cursor) await between()
  } while (cursor)
  return seen
}

const sized = (size: string, price = 1_500_000, stock = 10) => ({
  options: { size },
  price,
  stock,
})

describe('filters', () => {
  it('filters by category', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Wrap dress', category: 'women' })
    await aProduct(seller, { title: 'Leather tote', category: 'bags' })
    expect(titles(await list({ store: store.slug, category: 'bags' }))).toEqual(['Leather tote'])
  })

  it('filters by store slug or id and leaves other stores out', async () => {
    const a = await aSellerWithStore(world)
    const b = await aSellerWithStore(world)
    await aProduct(a.seller, { title: 'From store A' })
    await aProduct(b.seller, { title: 'From store B' })
    expect(titles(await list({ store: a.store.slug }))).toEqual(['From store A'])
    expect(titles(await list({ store: a.store.id }))).toEqual(['From store A'])
  })

  it('filters by brand whatever its case', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Kano tote', brand: 'Kano Leather Co.' })
    await aProduct(seller, { title: 'Other tote', brand: 'Aba Works' })
    expect(titles(await list({ store: store.slug, brand: 'kano leather co.' }))).toEqual([
      'Kano tote',
    ])
  })

  it('filters by size through any variant', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Small only', variants: [sized('S')] })
    await aProduct(seller, { title: 'Small and large', variants: [sized('S'), sized('L')] })
    expect(titles(await list({ store: store.slug, size: 'l' }))).toEqual(['Small and large'])
  })

  it('filters by colour whether the seller spelt the axis colour or color', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, {
      title: 'Colour axis',
      options: [{ name: 'colour', values: ['Black', 'Tan'] }],
      variants: [{ options: { colour: 'Black' } }],
    })
    await aProduct(seller, {
      title: 'Color axis',
      options: [{ name: 'color', values: ['Black'] }],
      variants: [{ options: { color: 'Black' } }],
    })
    await aProduct(seller, {
      title: 'Tan only',
      options: [{ name: 'colour', values: ['Tan'] }],
      variants: [{ options: { colour: 'Tan' } }],
    })
    expect(titles(await list({ store: store.slug, colour: 'BLACK' })).sort()).toEqual([
      'Color axis',
      'Colour axis',
    ])
  })

  it('filters by the lowest variant price within minPrice and maxPrice', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Cheap', variants: [sized('M', 500_000)] })
    await aProduct(seller, { title: 'Middle', variants: [sized('M', 1_500_000)] })
    await aProduct(seller, { title: 'Dear', variants: [sized('M', 9_000_000)] })
    expect(
      titles(await list({ store: store.slug, minPrice: '1000000', maxPrice: '2000000' })),
    ).toEqual(['Middle'])
  })

  it('filters in-stock products, and sold-out ones with inStock=false', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Available', variants: [sized('M', 1_000_000, 2)] })
    await aProduct(seller, { title: 'Sold out', variants: [sized('M', 1_000_000, 0)] })
    expect(titles(await list({ store: store.slug, inStock: 'true' }))).toEqual(['Available'])
    expect(titles(await list({ store: store.slug, inStock: 'false' }))).toEqual(['Sold out'])
  })

  it('finds "adire" when searched as "ADIRÉ"', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Adire indigo wrap', tags: ['dress'] })
    await aProduct(seller, { title: 'Plain linen shirt', brand: 'Yaba Tailors', tags: ['shirt'] })
    expect(titles(await list({ store: store.slug, q: 'ADIRÉ' }))).toEqual(['Adire indigo wrap'])
  })

  it('finds accented titles from plain words, by word prefix, in title, brand and tags', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Ìró àti bùbá set', brand: 'Aso-Oke House', tags: ['owambe'] })
    expect(titles(await list({ store: store.slug, q: 'iro' }))).toEqual(['Ìró àti bùbá set'])
    expect(titles(await list({ store: store.slug, q: 'aso owam' }))).toEqual(['Ìró àti bùbá set'])
    expect(titles(await list({ store: store.slug, q: 'ro' }))).toEqual([])
  })

  it('requires every search word to match', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Adire kaftan' })
    await aProduct(seller, { title: 'Adire dress' })
    expect(titles(await list({ store: store.slug, q: 'adire kaftan' }))).toEqual(['Adire kaftan'])
  })

  it('treats regex characters in a search as plain text', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Leather belt' })
    expect(titles(await list({ store: store.slug, q: '.* (' }))).toEqual(['Leather belt'])
    expect(titles(await list({ store: store.slug, q: 'belt.*x' }))).toEqual([])
  })

  it('combines filters', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, {
      title: 'Adire dress M cheap',
      category: 'women',
      variants: [sized('M', 1_000_000)],
    })
    await aProduct(seller, {
      title: 'Adire dress M dear',
      category: 'women',
      variants: [sized('M', 9_000_000)],
    })
    await aProduct(seller, {
      title: 'Adire dress S cheap',
      category: 'women',
      variants: [sized('S', 1_000_000)],
    })
    await aProduct(seller, {
      title: 'Adire bag M cheap',
      category: 'bags',
      variants: [sized('M', 1_000_000)],
    })
    const page = await list({
      store: store.slug,
      q: 'adire',
      category: 'women',
      size: 'M',
      maxPrice: '2000000',
      inStock: 'true',
    })
    expect(titles(page)).toEqual(['Adire dress M cheap'])
  })

  it('refuses an unknown parameter', () => {
    expect(() => validateInput(catalogQuery, { categry: 'women' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    )
  })

  it('refuses a minPrice above maxPrice', () => {
    expect(() => validateInput(catalogQuery, { minPrice: '5', maxPrice: '4' })).toThrow(
      expect.objectContaining({ details: { minPrice: 'must not be above maxPrice' } }),
    )
  })
})

describe('sort orders', () => {
  it('lists the newest first by default', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'First' })
    await aProduct(seller, { title: 'Second' })
    await aProduct(seller, { title: 'Third' })
    expect(titles(await list({ store: store.slug }))).toEqual(['Third', 'Second', 'First'])
  })

  it('sorts by lowest price up and down', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Mid', variants: [sized('M', 2_000_000)] })
    await aProduct(seller, {
      title: 'Low',
      variants: [sized('M', 1_000_000), sized('L', 9_000_000)],
    })
    await aProduct(seller, { title: 'High', variants: [sized('M', 3_000_000)] })
    expect(titles(await list({ store: store.slug, sort: 'price_asc' }))).toEqual([
      'Low',
      'Mid',
      'High',
    ])
    expect(titles(await list({ store: store.slug, sort: 'price_desc' }))).toEqual([
      'High',
      'Mid',
      'Low',
    ])
  })

  it('orders "popular" newest first among products no job run has seen sell', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Older' })
    await aProduct(seller, { title: 'Newer' })
    expect(titles(await list({ store: store.slug, sort: 'popular' }))).toEqual(['Newer', 'Older'])
  })
})

describe('cursor paging', () => {
  it('pages through newest without duplicates or gaps while products are published', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const before: string[] = []
    for (let i = 0; i < 7; i++)
      before.push((await aProduct(seller, { title: `Before ${i}` })).title)
    let added = 0
    const seen = await allPages({ store: store.slug, limit: '2' }, async () => {
      await aProduct(seller, { title: `During ${added++}` })
    })
    // New products go to the front, which the pages have already passed.
    expect(seen).toEqual([...before].reverse())
  })

  it('pages by price without duplicates or gaps, placing new products by their price', async () => {
    const { seller, store } = await aSellerWithStore(world)
    for (const price of [100, 300, 500, 700, 900]) {
      await aProduct(seller, { title: `P${price}`, variants: [sized('M', price * 1000)] })
    }
    const inserts = [
      { title: 'P50 behind', price: 50 },
      { title: 'P800 ahead', price: 800 },
    ]
    const seen = await allPages({ store: store.slug, limit: '2', sort: 'price_asc' }, async () => {
      const next = inserts.shift()
      if (next)
        await aProduct(seller, { title: next.title, variants: [sized('M', next.price * 1000)] })
    })
    expect(seen).toEqual(['P100', 'P300', 'P500', 'P700', 'P800 ahead', 'P900'])
  })

  it('breaks ties of equal prices by id, so equal prices never repeat across pages', async () => {
    const { seller, store } = await aSellerWithStore(world)
    for (let i = 0; i < 5; i++)
      await aProduct(seller, { title: `Same ${i}`, variants: [sized('M')] })
    const seen = await allPages({ store: store.slug, limit: '2', sort: 'price_desc' })
    expect(new Set(seen).size).toBe(5)
    expect(seen).toHaveLength(5)
  })

  it('refuses a cursor from another sort order', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'One' })
    await aProduct(seller, { title: 'Two' })
    const page = await list({ store: store.slug, limit: '1' })
    await expect(
      list({ store: store.slug, limit: '1', sort: 'price_asc', cursor: page.nextCursor! }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('refuses a cursor it did not issue', async () => {
    await expect(list({ cursor: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({
      code: 'validation_failed',
    })
  })
})

describe('visibility', () => {
  it.each(['draft', 'pending_review', 'rejected', 'archived'] as const)(
    'never lists a %s product',
    async (status) => {
      const { seller, store } = await aSellerWithStore(world)
      const hidden = await aProduct(seller, { title: `A ${status} product` }, status)
      await aProduct(seller, { title: 'Live' })
      expect(titles(await list({ store: store.slug }))).toEqual(['Live'])
      await expect(detail(hidden.id)).rejects.toMatchObject({ code: 'not_found' })
    },
  )

  it('lists nothing of a store that is not approved yet', async () => {
    const { store } = await aSellerWithStore(world, 'pending')
    expect(await list({ store: store.slug })).toEqual({ items: [] })
    await expect(
      world.core.catalog.listStoreProducts(anon(), store.slug, validateInput(catalogQuery, {})),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('hides a suspended store’s products from the very next answer, cache warm', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const product = await aProduct(seller, { title: 'Soon gone' })
    expect(titles(await list({ store: store.slug }))).toEqual(['Soon gone'])
    await detail(product.id)
    await world.core.stores.suspend(admin(), store.id, { reason: 'counterfeit goods' })
    expect(await list({ store: store.slug })).toEqual({ items: [] })
    expect((await list({})).items.map((p) => p.id)).not.toContain(product.id)
    await expect(detail(product.id)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('shows the products again when the suspension is lifted', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Back soon' })
    await world.core.stores.suspend(admin(), store.id, { reason: 'counterfeit goods' })
    expect(titles(await list({ store: store.slug }))).toEqual([])
    await world.core.stores.reinstate(admin(), store.id)
    expect(titles(await list({ store: store.slug }))).toEqual(['Back soon'])
  })

  it('hides a store on holiday, and shows it again once the holiday is over', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Holiday item' })
    const until = new Date(world.clock.now().getTime() + 3600_000)
    await world.core.stores.setHoliday(seller, { until: until.toISOString() })
    expect(titles(await list({ store: store.slug }))).toEqual([])
    world.clock.advance(3600_000 + SELLABLE_STORES_MAX_AGE_MS)
    expect(titles(await list({ store: store.slug }))).toEqual(['Holiday item'])
  })

  it('notices within a second a suspension made by a process that shares no cache', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Suspended elsewhere' })
    expect(titles(await list({ store: store.slug }))).toEqual(['Suspended elsewhere'])
    const database = await connectDatabase(testMongoUri(), world.dbName, { embedded: true })
    const cli = await createCore(world.config, {
      database,
      clock: world.clock,
      logger: createLogger({ level: 'silent', pretty: false }),
    })
    try {
      await cli.stores.suspend(admin(), store.id, { reason: 'counterfeit goods' })
    } finally {
      await cli.close()
      await database.close()
    }
    world.clock.advance(SELLABLE_STORES_MAX_AGE_MS)
    expect(titles(await list({ store: store.slug }))).toEqual([])
  })
})

describe('variants for checkout', () => {
  const variantIdOf = async (product: ProductDTO) =>
    (await world.core.products.get(admin(), product.id)).variants[0]!.id

  it('gives a live variant its price, stock, title and store, sellable', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const product = await aProduct(seller, {
      title: 'Aso-oke cap',
      variants: [sized('M', 1_250_000, 4)],
    })
    const variantId = await variantIdOf(product)
    const [view] = await world.core.catalog.variantsForCheckout([variantId], world.clock.now())
    expect(view).toMatchObject({
      variantId,
      productId: product.id,
      storeId: store.id,
      options: [{ name: 'size', value: 'M' }],
      price: 1_250_000,
      stock: 4,
      title: 'Aso-oke cap',
      productStatus: 'approved',
      store: { id: store.id },
      sellable: true,
    })
  })

  it('returns a variant of a suspended store as not sellable, so the cart can say why', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const variantId = await variantIdOf(await aProduct(seller))
    await world.core.stores.suspend(admin(), store.id, { reason: 'counterfeit goods' })
    const views = await world.core.catalog.variantsForCheckout([variantId], world.clock.now())
    expect(views.map((v) => [v.variantId, v.sellable])).toEqual([[variantId, false]])
  })

  it('judges a store on holiday at the time asked', async () => {
    const { seller } = await aSellerWithStore(world)
    const variantId = await variantIdOf(await aProduct(seller))
    const until = new Date(world.clock.now().getTime() + 3600_000)
    await world.core.stores.setHoliday(seller, { until: until.toISOString() })
    const during = await world.core.catalog.variantsForCheckout([variantId], world.clock.now())
    const after = await world.core.catalog.variantsForCheckout(
      [variantId],
      new Date(until.getTime() + 1),
    )
    expect([during[0]?.sellable, after[0]?.sellable]).toEqual([false, true])
  })

  it('returns a variant of an archived product as not sellable', async () => {
    const { seller } = await aSellerWithStore(world)
    const variantId = await variantIdOf(await aProduct(seller, {}, 'archived'))
    const [view] = await world.core.catalog.variantsForCheckout([variantId], world.clock.now())
    expect(view).toMatchObject({ productStatus: 'archived', sellable: false })
  })

  it('leaves out unknown ids and strings that are not ids', async () => {
    const { seller } = await aSellerWithStore(world)
    const variantId = await variantIdOf(await aProduct(seller))
    const views = await world.core.catalog.variantsForCheckout(
      [variantId, '0123456789abcdef01234567', 'not-an-id', variantId],
      world.clock.now(),
    )
    expect(views.map((v) => v.variantId)).toEqual([variantId])
  })
})

describe('product page', () => {
  it('shows variants with availability and without stock numbers', async () => {
    const { seller } = await aSellerWithStore(world)
    const product = await aProduct(seller, {
      title: 'Stocked',
      variants: [sized('S', 1_000_000, 0), sized('M', 1_000_000, 2), sized('L', 1_000_000, 40)],
    })
    const page = await detail(product.id)
    expect(page.variants.map((v) => [v.options.size, v.inStock, v.availability])).toEqual([
      ['S', false, 'out_of_stock'],
      ['M', true, 'low'],
      ['L', true, 'in_stock'],
    ])
    expect(JSON.stringify(page)).not.toMatch(/"stock"|lowStockThreshold|storageKey/)
  })

  it('answers not found for an id that is not an id', async () => {
    await expect(detail('not-an-id')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('shows a stock change on the page at once, cache warm', async () => {
    const { seller } = await aSellerWithStore(world)
    const product = await aProduct(seller, { variants: [sized('M', 1_000_000, 10)] })
    const [variant] = (await detail(product.id)).variants
    expect(variant?.availability).toBe('in_stock')
    await world.core.inventory.change(seller, variant!.id, { set: 1, reason: 'stock count' })
    expect((await detail(product.id)).variants[0]?.availability).toBe('low')
  })
})

describe('cache', () => {
  it('shows a new price on the next answer, cache warm', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const product = await aProduct(seller, { variants: [sized('M', 1_000_000)] })
    expect((await list({ store: store.slug })).items[0]?.minPrice).toBe(1_000_000)
    const [variant] = (await detail(product.id)).variants
    await world.core.products.updateVariant(seller, variant!.id, { price: 1_200_000 })
    expect((await list({ store: store.slug })).items[0]?.minPrice).toBe(1_200_000)
    expect((await detail(product.id)).variants[0]?.price).toBe(1_200_000)
  })

  it('lists a product on the next answer after it is approved, cache warm', async () => {
    const { seller, store } = await aSellerWithStore(world)
    const pending = await aProduct(seller, { title: 'Under review' }, 'pending_review')
    expect(titles(await list({ store: store.slug }))).toEqual([])
    await world.core.products.approve(admin(), pending.id)
    expect(titles(await list({ store: store.slug }))).toEqual(['Under review'])
  })

  it('answers a repeated query with the same bytes and entity tag', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller)
    const query = validateInput(catalogQuery, { store: store.slug })
    const first = await world.core.catalog.listProducts(anon(), query)
    const second = await world.core.catalog.listProducts(anon(), query)
    expect(second).toEqual(first)
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/)
  })

  it('shares one entry between equivalent query strings', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aProduct(seller, { title: 'Adire shared' })
    const a = await world.core.catalog.listProducts(
      anon(),
      validateInput(catalogQuery, { q: 'ADIRÉ', store: store.slug.toUpperCase() }),
    )
    const b = await world.core.catalog.listProducts(
      anon(),
      validateInput(catalogQuery, { store: store.slug, q: 'adire' }),
    )
    expect(b.etag).toBe(a.etag)
  })

  it('drops every list on a store change made through another instance sharing Redis', async () => {
    const prefix = `t${Date.now().toString(36)}:`
    const shared = await createTestWorld({ kv: 'memory' })
    const database = await connectDatabase(testMongoUri(), shared.dbName, {
      embedded: true,
    })
    const other = await createCore(shared.config, {
      database,
      kv: new RedisStore(testRedisUrl(), prefix),
      clock: shared.clock,
      logger: createLogger({ level: 'silent', pretty: false }),
    })
    const database2 = await connectDatabase(testMongoUri(), shared.dbName, {
      embedded: true,
    })
    const reader = await createCore(shared.config, {
      database: database2,
      kv: new RedisStore(testRedisUrl(), prefix),
      clock: shared.clock,
      logger: createLogger({ level: 'silent', pretty: false }),
    })
    try {
      const { seller, store } = await aSellerWithStore(shared)
      const product = await other.products.create(seller, aProductInput({ title: 'Shared' }))
      await other.products.addVariant(seller, product.id, aVariantInput())
      await other.products.submit(seller, product.id)
      await other.products.approve(adminCliCtx(shared.clock.now()), product.id)
      const query = validateInput(catalogQuery, { store: store.slug })
      const read = async () =>
        (
          JSON.parse(
            (await reader.catalog.listProducts(anonCtx(shared.clock.now()), query)).body,
          ) as Page<CatalogProductDTO>
        ).items.length
      expect(await read()).toBe(1)
      await other.stores.suspend(adminCliCtx(shared.clock.now()), store.id, {
        reason: 'fake goods',
      })
      expect(await read()).toBe(0)
    } finally {
      await other.close()
      await reader.close()
      await database.close()
      await database2.close()
      await shared.close()
    }
  })
})

describe('categories', () => {
  it('counts visible products per category', async () => {
    const before = await world.core.catalog.categories(anon())
    const countOf = (body: string, slug: string) =>
      (JSON.parse(body) as { items: { slug: string; productCount: number }[] }).items.find(
        (c) => c.slug === slug,
      )?.productCount ?? 0
    const { seller } = await aSellerWithStore(world)
    await aProduct(seller, { category: 'sportswear' })
    await aProduct(seller, { category: 'sportswear' }, 'draft')
    const after = await world.core.catalog.categories(anon())
    expect(countOf(after.body, 'sportswear')).toBe(countOf(before.body, 'sportswear') + 1)
  })
})
