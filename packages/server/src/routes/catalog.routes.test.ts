import { beforeAll, describe, expect, it } from '@jest/globals'
import type {
  CatalogCategoryDTO,
  CatalogProductDetailDTO,
  CatalogProductDTO,
  Ctx,
  Page,
  ProductDTO,
} from '@kloset/core'
import {
  adminCliCtx,
  anAdminToken,
  aProductInput,
  aSellerWithStore,
  aVariantInput,
} from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let adminToken: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

/** A live product in the seller's store, one variant at `price` kobo. */
async function aLiveProduct(seller: Ctx, title: string, price = 1_500_000): Promise<ProductDTO> {
  const { products } = world.core
  world.clock.advance(1000)
  const product = await products.create(seller, aProductInput({ title }))
  await products.addVariant(seller, product.id, aVariantInput({ price }))
  await products.submit(seller, product.id)
  return products.approve(adminCliCtx(world.clock.now()), product.id)
}

const listOf = (path: string, headers?: Record<string, string>) =>
  http.call<Page<CatalogProductDTO>>('GET', path, headers ? { headers } : {})

describe('GET /api/v1/products', () => {
  it('answers 200 with the page, an entity tag and no-cache', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'Adire wrap')
    const res = await listOf(`/api/v1/products?store=${store.slug}`)
    expect(res.status).toBe(200)
    expect(res.body.items.map((p) => p.title)).toEqual(['Adire wrap'])
    expect(res.body.items[0]?.store).toEqual({ id: store.id, slug: store.slug, name: store.name })
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/)
    expect(res.headers.get('cache-control')).toBe('public, no-cache')
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('answers 304 with no body when If-None-Match names the current entity tag', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'Cached item')
    const first = await listOf(`/api/v1/products?store=${store.slug}`)
    const etag = first.headers.get('etag')!
    const again = await listOf(`/api/v1/products?store=${store.slug}`, {
      'if-none-match': `W/"other", ${etag}`,
    })
    expect(again.status).toBe(304)
    expect(again.body).toBeUndefined()
    expect(again.headers.get('etag')).toBe(etag)
  })

  it('answers 200 with a new entity tag once the list changed', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'First item')
    const first = await listOf(`/api/v1/products?store=${store.slug}`)
    await aLiveProduct(seller, 'Second item')
    const again = await listOf(`/api/v1/products?store=${store.slug}`, {
      'if-none-match': first.headers.get('etag')!,
    })
    expect(again.status).toBe(200)
    expect(again.body.items).toHaveLength(2)
    expect(again.headers.get('etag')).not.toBe(first.headers.get('etag'))
  })

  it('answers 400 for an unknown parameter', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/products?colur=black')
    expect(res.status).toBe(400)
    expect(res.body.error.details).toEqual({ body: 'unknown field(s): colur' })
  })

  it('answers 400 for a limit above 100', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/products?limit=101')
    expect(res.status).toBe(400)
    expect(Object.keys(res.body.error.details ?? {})).toEqual(['limit'])
  })

  it('follows nextCursor to the next page', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'Older')
    await aLiveProduct(seller, 'Newer')
    const first = await listOf(`/api/v1/products?store=${store.slug}&limit=1`)
    const second = await listOf(
      `/api/v1/products?store=${store.slug}&limit=1&cursor=${first.body.nextCursor}`,
    )
    expect([...first.body.items, ...second.body.items].map((p) => p.title)).toEqual([
      'Newer',
      'Older',
    ])
    expect(second.body.nextCursor).toBeUndefined()
  })

  it('drops a suspended store’s products from the very next response', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'About to vanish')
    expect(
      (await listOf('/api/v1/products?limit=100&sort=newest')).body.items.map((p) => p.title),
    ).toContain('About to vanish')
    const suspended = await http.call('POST', `/api/v1/admin/stores/${store.id}/suspend`, {
      token: adminToken,
      body: { reason: 'counterfeit goods' },
    })
    expect(suspended.status).toBe(200)
    const next = await listOf('/api/v1/products?limit=100&sort=newest')
    expect(next.body.items.map((p) => p.store.id)).not.toContain(store.id)
  })
})

describe('GET /api/v1/products/:id', () => {
  it('answers the product with variant availability and no stock counts', async () => {
    const { seller } = await aSellerWithStore(world)
    const product = await aLiveProduct(seller, 'Detail item')
    const res = await http.call<{ product: CatalogProductDetailDTO }>(
      'GET',
      `/api/v1/products/${product.id}`,
    )
    expect(res.status).toBe(200)
    expect(res.body.product).toMatchObject({ id: product.id, title: 'Detail item' })
    expect(res.body.product.variants[0]).toMatchObject({ inStock: true, availability: 'in_stock' })
    expect(res.body.product.variants[0]).not.toHaveProperty('stock')
  })

  it('answers 404 for a product that is not live', async () => {
    const { seller } = await aSellerWithStore(world)
    const draft = await world.core.products.create(seller, aProductInput())
    const res = await http.call<ErrorBody>('GET', `/api/v1/products/${draft.id}`)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })

  it('refuses a query parameter the route does not take with 400 naming it', async () => {
    const { seller } = await aSellerWithStore(world)
    const product = await aLiveProduct(seller, 'Query item')
    const res = await http.call<ErrorBody>('GET', `/api/v1/products/${product.id}?colour=red`)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      code: 'validation_failed',
      details: { query: 'unknown parameter(s): colour' },
    })
  })

  it('answers 304 for a page the client already has', async () => {
    const { seller } = await aSellerWithStore(world)
    const product = await aLiveProduct(seller, 'Page item')
    const first = await http.call('GET', `/api/v1/products/${product.id}`)
    const again = await http.call('GET', `/api/v1/products/${product.id}`, {
      headers: { 'if-none-match': first.headers.get('etag')! },
    })
    expect(again.status).toBe(304)
  })
})

describe('GET /api/v1/stores/:slug/products', () => {
  it('lists the store’s products with the same filters', async () => {
    const { seller, store } = await aSellerWithStore(world)
    await aLiveProduct(seller, 'Cheap one', 500_000)
    await aLiveProduct(seller, 'Dear one', 9_000_000)
    const res = await listOf(`/api/v1/stores/${store.slug}/products?maxPrice=1000000`)
    expect(res.status).toBe(200)
    expect(res.body.items.map((p) => p.title)).toEqual(['Cheap one'])
  })

  it('answers 404 for a store that is not open for business', async () => {
    const { store } = await aSellerWithStore(world, 'pending')
    const res = await http.call<ErrorBody>('GET', `/api/v1/stores/${store.slug}/products`)
    expect(res.status).toBe(404)
  })

  it('answers 400 for a store parameter, which the path already gives', async () => {
    const { store } = await aSellerWithStore(world)
    const res = await http.call<ErrorBody>(
      'GET',
      `/api/v1/stores/${store.slug}/products?store=other`,
    )
    expect(res.status).toBe(400)
  })
})

describe('GET /api/v1/categories', () => {
  it('answers every category with its count of live products', async () => {
    const res = await http.call<{ items: CatalogCategoryDTO[] }>('GET', '/api/v1/categories')
    expect(res.status).toBe(200)
    expect(res.body.items.map((c) => c.slug)).toContain('traditional')
    expect(res.body.items.every((c) => Number.isInteger(c.productCount))).toBe(true)
  })
})

describe('the OpenAPI document', () => {
  it('describes the catalog query parameters', async () => {
    const res = await http.call<{
      paths: Record<string, { get: { parameters: { name: string }[] } }>
    }>('GET', '/api/v1/openapi.json')
    const names = res.body.paths['/api/v1/products']?.get.parameters.map((p) => p.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'q',
        'category',
        'store',
        'brand',
        'size',
        'colour',
        'sort',
        'cursor',
      ]),
    )
  })
})
