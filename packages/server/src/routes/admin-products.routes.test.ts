import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Ctx, Page, ProductDTO } from '@kloset/core'
import { anAdminToken, aProductIn, aSignedUpSeller } from '@kloset/core/testing'
import { testApiForSuite } from '../test-support/suite.js'

let adminToken: string
let sellerToken: string
let seller: Ctx
let storeId: string
const { world, http } = testApiForSuite()
beforeAll(async () => {
  adminToken = await anAdminToken(world)
  const made = await aSignedUpSeller(world)
  sellerToken = made.token
  seller = made.seller
  storeId = made.store.id
})

type ErrorBody = { error: { code: string } }

describe('the review queue', () => {
  it('lists products pending review for a store', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const res = await http.call<Page<ProductDTO>>(
      'GET',
      `/api/v1/admin/products?status=pending_review&store=${storeId}`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.items.map((p) => p.id)).toContain(product.id)
    expect(res.body.items.every((p) => p.status === 'pending_review')).toBe(true)
  })

  it('is closed to sellers', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const res = await http.call('POST', `/api/v1/admin/products/${product.id}/approve`, {
      token: sellerToken,
    })
    expect(res.status).toBe(403)
  })
})

describe('decisions', () => {
  it('approves a product under review', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const res = await http.call<{ product: ProductDTO }>(
      'POST',
      `/api/v1/admin/products/${product.id}/approve`,
      {
        token: adminToken,
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.product.status).toBe('approved')
  })

  it('requires a reason to reject', async () => {
    const { product } = await aProductIn(world, seller, 'pending_review')
    const res = await http.call<ErrorBody>('POST', `/api/v1/admin/products/${product.id}/reject`, {
      token: adminToken,
      body: {},
    })
    expect(res.status).toBe(400)
  })

  it('approves a pending revision, making the new title live', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    await world.core.products.update(seller, product.id, { title: 'Ankara wrap dress, midi' })
    const res = await http.call<{ product: ProductDTO }>(
      'POST',
      `/api/v1/admin/products/${product.id}/revision/approve`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.product.title).toBe('Ankara wrap dress, midi')
  })

  it('answers 409 no_pending_revision when rejecting a revision that is not there', async () => {
    const { product } = await aProductIn(world, seller, 'approved')
    const res = await http.call<ErrorBody>(
      'POST',
      `/api/v1/admin/products/${product.id}/revision/reject`,
      {
        token: adminToken,
        body: { reason: 'nothing to reject' },
      },
    )
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('no_pending_revision')
  })
})
