import { beforeAll, describe, expect, it } from '@jest/globals'
import type { ProductDetailDTO, ProductDTO, VariantDTO } from '@kloset/core'
import { aSignedUpSeller, aVerifiedUser } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let tokenA: string
let tokenB: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  tokenA = (await aSignedUpSeller(world)).token
  tokenB = (await aSignedUpSeller(world)).token
})

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

const aProduct = {
  title: 'Adire tunic',
  description: 'Hand-dyed indigo cotton.',
  category: 'women',
  tags: ['adire'],
  options: [{ name: 'size', values: ['S', 'M'] }],
}

let skus = 0
const aVariant = (overrides: Record<string, unknown> = {}) => ({
  sku: `ADR-${Date.now().toString(36)}-${skus++}`,
  options: { size: 'S' },
  price: 2_000_000,
  stock: 5,
  ...overrides,
})

async function aProductWithVariant(token = tokenA) {
  const created = await http.call<{ product: ProductDTO }>('POST', '/api/v1/seller/products', {
    token,
    body: aProduct,
  })
  expect(created.status).toBe(201)
  const product = created.body.product
  const added = await http.call<{ variant: VariantDTO }>(
    'POST',
    `/api/v1/seller/products/${product.id}/variants`,
    {
      token,
      body: aVariant(),
    },
  )
  expect(added.status).toBe(201)
  return { product, variant: added.body.variant }
}

describe('POST /api/v1/seller/products', () => {
  it('answers 201 with a draft in the seller’s store', async () => {
    const res = await http.call<{ product: ProductDTO }>('POST', '/api/v1/seller/products', {
      token: tokenA,
      body: aProduct,
    })
    expect(res.status).toBe(201)
    expect(res.body.product).toMatchObject({
      status: 'draft',
      title: 'Adire tunic',
      variantCount: 0,
    })
  })

  it.each([
    ['status', 'approved'],
    ['storeId', '0123456789abcdef01234567'],
    ['approvedBy', 'me'],
    ['minPrice', 1],
    ['publishedAt', '2026-01-01T00:00:00Z'],
  ])('refuses a client-set %s with 400', async (field, value) => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/products', {
      token: tokenA,
      body: { ...aProduct, [field]: value },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details?.body).toContain(field)
  })

  it('refuses a category outside the list', async () => {
    const res = await http.call<ErrorBody>('POST', '/api/v1/seller/products', {
      token: tokenA,
      body: { ...aProduct, category: 'electronics' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('category')
  })

  it('is closed to buyers', async () => {
    const buyer = (await aVerifiedUser(world, 'buyer')).session.accessToken
    const res = await http.call('POST', '/api/v1/seller/products', { token: buyer, body: aProduct })
    expect(res.status).toBe(403)
  })
})

describe('PATCH /api/v1/seller/products/:id', () => {
  it.each([
    ['status', 'approved'],
    ['storeId', '0123456789abcdef01234567'],
    ['approvedBy', 'me'],
    ['stock', 99],
    ['pendingRevision', { title: 'x' }],
  ])('refuses a client-set %s with 400 and changes nothing', async (field, value) => {
    const { product } = await aProductWithVariant()
    const res = await http.call<ErrorBody>('PATCH', `/api/v1/seller/products/${product.id}`, {
      token: tokenA,
      body: { title: 'Changed', [field]: value },
    })
    expect(res.status).toBe(400)
    const seen = await http.call<{ product: ProductDetailDTO }>(
      'GET',
      `/api/v1/seller/products/${product.id}`,
      {
        token: tokenA,
      },
    )
    expect(seen.body.product).toMatchObject({ status: 'draft', title: 'Adire tunic' })
  })

  it('edits a draft at once', async () => {
    const { product } = await aProductWithVariant()
    const res = await http.call<{ product: ProductDTO }>(
      'PATCH',
      `/api/v1/seller/products/${product.id}`,
      {
        token: tokenA,
        body: { title: 'Adire tunic, long' },
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.product.title).toBe('Adire tunic, long')
  })
})

describe('variants', () => {
  it('refuses a stock field in a variant edit with 400', async () => {
    const { variant } = await aProductWithVariant()
    const res = await http.call<ErrorBody>('PATCH', `/api/v1/seller/variants/${variant.id}`, {
      token: tokenA,
      body: { stock: 1000 },
    })
    expect(res.status).toBe(400)
  })

  it('refuses a compare-at price not above the price', async () => {
    const { product } = await aProductWithVariant()
    const res = await http.call<ErrorBody>(
      'POST',
      `/api/v1/seller/products/${product.id}/variants`,
      {
        token: tokenA,
        body: aVariant({ options: { size: 'M' }, compareAtPrice: 2_000_000 }),
      },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('compareAtPrice')
  })

  it('answers 409 sku_taken for a SKU the store already uses', async () => {
    const { product, variant } = await aProductWithVariant()
    const res = await http.call<ErrorBody>(
      'POST',
      `/api/v1/seller/products/${product.id}/variants`,
      {
        token: tokenA,
        body: aVariant({ sku: variant.sku, options: { size: 'M' } }),
      },
    )
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('sku_taken')
  })

  it('deletes a variant of a draft with 204', async () => {
    const { variant } = await aProductWithVariant()
    const res = await http.call('DELETE', `/api/v1/seller/variants/${variant.id}`, {
      token: tokenA,
    })
    expect(res.status).toBe(204)
  })
})

describe('submitting and archiving', () => {
  it('submits a draft for review and lists it by status', async () => {
    const { product } = await aProductWithVariant()
    const res = await http.call<{ product: ProductDTO }>(
      'POST',
      `/api/v1/seller/products/${product.id}/submit`,
      {
        token: tokenA,
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.product.status).toBe('pending_review')
    const list = await http.call<{ items: ProductDTO[] }>(
      'GET',
      '/api/v1/seller/products?status=pending_review',
      {
        token: tokenA,
      },
    )
    expect(list.body.items.map((p) => p.id)).toContain(product.id)
  })

  it('answers 409 invalid_transition for archiving a draft', async () => {
    const { product } = await aProductWithVariant()
    const res = await http.call<ErrorBody>(
      'POST',
      `/api/v1/seller/products/${product.id}/archive`,
      { token: tokenA },
    )
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('invalid_transition')
  })
})

describe('another seller', () => {
  it('gets 404 for every product, variant and stock route of someone else’s product', async () => {
    const { product, variant } = await aProductWithVariant(tokenA)
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/v1/seller/products/${product.id}`],
      ['PATCH', `/api/v1/seller/products/${product.id}`, { title: 'Mine' }],
      ['POST', `/api/v1/seller/products/${product.id}/submit`],
      [
        'POST',
        `/api/v1/seller/products/${product.id}/variants`,
        aVariant({ options: { size: 'M' } }),
      ],
      ['PATCH', `/api/v1/seller/variants/${variant.id}`, { price: 100 }],
      ['DELETE', `/api/v1/seller/variants/${variant.id}`],
      ['PATCH', `/api/v1/seller/variants/${variant.id}/stock`, { set: 0, reason: 'gone' }],
      ['GET', `/api/v1/seller/variants/${variant.id}/stock-movements`],
    ]
    for (const [method, path, body] of calls) {
      const res = await http.call<ErrorBody>(method, path, {
        token: tokenB,
        ...(body ? { body } : {}),
      })
      expect([method, path, res.status]).toEqual([method, path, 404])
    }
    const seen = await http.call<{ product: ProductDetailDTO }>(
      'GET',
      `/api/v1/seller/products/${product.id}`,
      {
        token: tokenA,
      },
    )
    expect(seen.body.product).toMatchObject({
      status: 'draft',
      title: 'Adire tunic',
      variants: [{ stock: 5 }],
    })
  })
})
