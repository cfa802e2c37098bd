import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, StockMovementDTO, VariantDTO } from '@kloset/core'
import { aSignedUpSeller } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let token: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  token = (await aSignedUpSeller(world)).token
})

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

let skus = 0
async function aVariant(stock: number): Promise<VariantDTO> {
  const created = await http.call<{ product: { id: string } }>('POST', '/api/v1/seller/products', {
    token,
    body: { title: 'Leather slides', category: 'shoes' },
  })
  const res = await http.call<{ variant: VariantDTO }>(
    'POST',
    `/api/v1/seller/products/${created.body.product.id}/variants`,
    {
      token,
      body: { sku: `SLD-${skus++}`, price: 950_000, stock },
    },
  )
  expect(res.status).toBe(201)
  return res.body.variant
}

describe('PATCH /api/v1/seller/variants/:id/stock', () => {
  it.each([
    ['both set and delta', { set: 3, delta: 1, reason: 'recount' }],
    ['neither set nor delta', { reason: 'recount' }],
    ['a negative set', { set: -1, reason: 'recount' }],
    ['no reason', { delta: 2 }],
  ])('refuses %s with 400', async (_label, body) => {
    const variant = await aVariant(2)
    const res = await http.call<ErrorBody>('PATCH', `/api/v1/seller/variants/${variant.id}/stock`, {
      token,
      body,
    })
    expect(res.status).toBe(400)
  })

  it('answers 409 insufficient_stock for a delta below zero and keeps the stock', async () => {
    const variant = await aVariant(2)
    const res = await http.call<ErrorBody>('PATCH', `/api/v1/seller/variants/${variant.id}/stock`, {
      token,
      body: { delta: -3, reason: 'damaged' },
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('insufficient_stock')
    const movements = await http.call<Page<StockMovementDTO>>(
      'GET',
      `/api/v1/seller/variants/${variant.id}/stock-movements`,
      { token },
    )
    expect(movements.body.items.map((m) => m.stockAfter)).toEqual([2])
  })

  it('applies a delta and lists it first among the movements', async () => {
    const variant = await aVariant(2)
    const res = await http.call<{ variant: VariantDTO; previous: number }>(
      'PATCH',
      `/api/v1/seller/variants/${variant.id}/stock`,
      { token, body: { delta: 4, reason: 'delivery from the tailor' } },
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ previous: 2, variant: { stock: 6 } })
    const movements = await http.call<Page<StockMovementDTO>>(
      'GET',
      `/api/v1/seller/variants/${variant.id}/stock-movements?limit=1`,
      { token },
    )
    expect(movements.body.items).toEqual([
      expect.objectContaining({
        kind: 'adjust',
        delta: 4,
        stockAfter: 6,
        reason: 'delivery from the tailor',
      }),
    ])
    expect(movements.body.nextCursor).toEqual(expect.any(String))
  })
})
