import { describe, expect, it } from '@jest/globals'
import type { Page, WishlistItemDTO } from '@kloset/core'
import { aBuyer, aStoreSelling } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

const { world, http } = testApiForSuite()

type Item = { item: WishlistItemDTO }

describe('the wishlist over REST', () => {
  it('saves (201), saves again (200), lists, changes alerts and removes', async () => {
    const shop = await aStoreSelling(world, { price: 700_000 })
    const { session } = await aBuyer(world)
    const token = session.accessToken
    const body = { productId: shop.variant.productId, variantId: shop.variant.id }
    const saved = await http.call<Item>('POST', '/api/v1/wishlist/items', { token, body })
    expect(saved.status).toBe(201)
    expect(saved.body.item).toMatchObject({ price: 700_000, availability: 'in_stock' })
    const again = await http.call<Item>('POST', '/api/v1/wishlist/items', {
      token,
      body: { ...body, alerts: { priceDrop: true } },
    })
    expect(again.status).toBe(200)
    expect(again.body.item).toMatchObject({ id: saved.body.item.id, alerts: { priceDrop: true } })

    const alerts = await http.call<Item>(
      'PUT',
      `/api/v1/wishlist/items/${saved.body.item.id}/alerts`,
      { token, body: { backInStock: true, priceDrop: false } },
    )
    expect(alerts.body.item.alerts).toEqual({ backInStock: true, priceDrop: false })
    const list = await http.call<Page<WishlistItemDTO>>('GET', '/api/v1/wishlist', { token })
    expect(list.body.items.map((i) => i.id)).toEqual([saved.body.item.id])

    const removed = await http.call('DELETE', `/api/v1/wishlist/items/${saved.body.item.id}`, {
      token,
    })
    expect(removed.body).toEqual({ removed: true })
    const gone = await http.call('DELETE', `/api/v1/wishlist/items/${saved.body.item.id}`, {
      token,
    })
    expect(gone.status).toBe(404)
  })

  it('answers 400 for unknown fields or an empty alerts change, 404 for an unknown product, 401 signed out', async () => {
    const shop = await aStoreSelling(world)
    const { session } = await aBuyer(world)
    const token = session.accessToken
    const extra = await http.call('POST', '/api/v1/wishlist/items', {
      token,
      body: { productId: shop.variant.productId, note: 'gift' },
    })
    expect(extra.status).toBe(400)
    const unknown = await http.call('POST', '/api/v1/wishlist/items', {
      token,
      body: { productId: '65f000000000000000000001' },
    })
    expect(unknown.status).toBe(404)
    const { body } = await http.call<Item>('POST', '/api/v1/wishlist/items', {
      token,
      body: { productId: shop.variant.productId },
    })
    const empty = await http.call('PUT', `/api/v1/wishlist/items/${body.item.id}/alerts`, {
      token,
      body: {},
    })
    expect(empty.status).toBe(400)
    expect((await http.call('GET', '/api/v1/wishlist')).status).toBe(401)
    const list = await http.call<Page<WishlistItemDTO>>('GET', '/api/v1/wishlist', { token })
    expect(list.body.items).toHaveLength(1)
  })
})

describe('recommendations over REST', () => {
  it('serves also-bought with an ETag (304 on a match) and 404 for an unknown product', async () => {
    const shop = await aStoreSelling(world)
    const first = await http.call<{ items: { reason: string }[] }>(
      'GET',
      `/api/v1/products/${shop.variant.productId}/also-bought`,
    )
    expect(first.status).toBe(200)
    expect(first.body.items.length).toBeGreaterThan(0)
    expect(first.body.items[0]?.reason).toMatch(/^Similar category/)
    const etag = first.headers.get('etag') ?? ''
    const again = await http.call('GET', `/api/v1/products/${shop.variant.productId}/also-bought`, {
      headers: { 'if-none-match': etag },
    })
    expect(again.status).toBe(304)
    const missing = await http.call('GET', '/api/v1/products/65f000000000000000000001/also-bought')
    expect(missing.status).toBe(404)
  })

  it('records a view (201) and answers for-you privately; 401 signed out', async () => {
    const shop = await aStoreSelling(world)
    const { session } = await aBuyer(world)
    const token = session.accessToken
    const view = await http.call('POST', '/api/v1/recommendations/views', {
      token,
      body: { productId: shop.variant.productId },
    })
    expect(view.status).toBe(201)
    const mine = await http.call<{ source: string }>('GET', '/api/v1/recommendations/for-you', {
      token,
    })
    expect(mine.status).toBe(200)
    expect(mine.body.source).toBe('trending')
    expect(mine.headers.get('cache-control')).toBe('private, no-cache')
    expect((await http.call('GET', '/api/v1/recommendations/for-you')).status).toBe(401)
  })

  it('lists the catalog by popular (200)', async () => {
    const popular = await http.call('GET', '/api/v1/products?sort=popular&limit=5')
    expect(popular.status).toBe(200)
  })
})

describe('the OpenAPI document', () => {
  it('describes the wishlist and recommendation routes with their bodies', async () => {
    const doc = await http.call<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/v1/openapi.json',
    )
    expect(Object.keys(doc.body.paths['/api/v1/wishlist/items/{id}'] ?? {})).toEqual(['delete'])
    const save = JSON.stringify(doc.body.paths['/api/v1/wishlist/items']?.post)
    for (const field of ['productId', 'variantId', 'backInStock', 'priceDrop'])
      expect(save).toContain(`"${field}"`)
    expect(doc.body.paths['/api/v1/products/{id}/also-bought']).toHaveProperty('get')
    expect(doc.body.paths['/api/v1/recommendations/for-you']).toHaveProperty('get')
    expect(doc.body.paths['/api/v1/recommendations/views']).toHaveProperty('post')
  })
})
