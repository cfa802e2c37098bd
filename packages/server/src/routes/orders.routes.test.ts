import { beforeAll, describe, expect, it } from '@jest/globals'
import type { OrderDTO, OrderExplanation, SellerOrderDTO } from '@kloset/core'
import {
  aBuyer,
  anAdminToken,
  anIdempotencyKey,
  aPaidOrder,
  aStoreSelling,
} from '@kloset/core/testing'
import { allRoutes } from '../api.js'
import { paystackApiForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite()
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type ErrorBody = { error: { code: string } }

/** A paid store order, with the tokens of its buyer and seller. */
async function aPaidOrderWithTokens() {
  const { store, buyer, order } = await aPaidOrder(pw)
  return {
    orderId: order.id,
    buyerToken: buyer.session.accessToken,
    sellerToken: store.token,
    buyerEmail: buyer.email,
  }
}

describe('who may call the order routes', () => {
  it('covers the buyer, seller and admin verbs', () => {
    const paths = allRoutes
      .filter((r) => /\/(orders|cart|checkout)/.test(r.path))
      .map((r) => `${r.method} ${r.path}`)
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /api/v1/orders',
        'GET /api/v1/orders/:id',
        'POST /api/v1/orders/:id/cancel',
        'POST /api/v1/orders/:id/confirm-delivery',
        'POST /api/v1/orders/:id/dispute',
        'GET /api/v1/seller/orders',
        'GET /api/v1/seller/orders/:id',
        'POST /api/v1/seller/orders/:id/accept',
        'POST /api/v1/seller/orders/:id/ship',
        'POST /api/v1/seller/orders/:id/deliver',
        'POST /api/v1/seller/orders/:id/cancel',
        'GET /api/v1/admin/orders',
        'GET /api/v1/admin/orders/:id',
        'POST /api/v1/admin/orders/:id/refund',
        'POST /api/v1/admin/orders/:id/resolve',
      ]),
    )
  })

  it('answers 404 to a buyer asking for another buyer’s order', async () => {
    const { orderId } = await aPaidOrderWithTokens()
    const other = await aBuyer(world)
    const res = await http.call('GET', `/api/v1/orders/${orderId}`, {
      token: other.session.accessToken,
    })
    expect(res.status).toBe(404)
  })

  it('answers 404 to a seller asking for another store’s order', async () => {
    const { orderId } = await aPaidOrderWithTokens()
    const other = await aStoreSelling(world)
    const res = await http.call('GET', `/api/v1/seller/orders/${orderId}`, { token: other.token })
    expect(res.status).toBe(404)
  })

  it('answers 403 to a buyer on the admin orders', async () => {
    const { buyerToken } = await aPaidOrderWithTokens()
    expect((await http.call('GET', '/api/v1/admin/orders', { token: buyerToken })).status).toBe(403)
  })
})

describe('an order through its life over HTTP', () => {
  it('is accepted, shipped and confirmed delivered, with the timeline shown to the buyer', async () => {
    const { orderId, buyerToken, sellerToken } = await aPaidOrderWithTokens()
    const accepted = await http.call<{ order: SellerOrderDTO }>(
      'POST',
      `/api/v1/seller/orders/${orderId}/accept`,
      {
        token: sellerToken,
      },
    )
    expect(accepted.body.order.acceptedAt).toBeDefined()
    const shipped = await http.call<{ order: SellerOrderDTO }>(
      'POST',
      `/api/v1/seller/orders/${orderId}/ship`,
      {
        token: sellerToken,
        body: { carrier: 'DHL', trackingNumber: 'DHL-99887766' },
      },
    )
    expect(shipped.body.order.status).toBe('shipped')
    const delivered = await http.call<{ order: OrderDTO }>(
      'POST',
      `/api/v1/orders/${orderId}/confirm-delivery`,
      {
        token: buyerToken,
      },
    )
    expect(delivered.body.order.status).toBe('delivered')
    const seen = await http.call<{ order: OrderDTO }>('GET', `/api/v1/orders/${orderId}`, {
      token: buyerToken,
    })
    expect(seen.body.order.timeline.map((t) => t.to)).toEqual([
      'pending',
      'processing',
      'processing',
      'shipped',
      'delivered',
    ])
    expect(seen.body.order).not.toHaveProperty('commissionRateBps')
  })

  it('refuses shipping without a tracking number', async () => {
    const { orderId, sellerToken } = await aPaidOrderWithTokens()
    const res = await http.call<ErrorBody>('POST', `/api/v1/seller/orders/${orderId}/ship`, {
      token: sellerToken,
      body: { carrier: 'DHL' },
    })
    expect(res.status).toBe(400)
  })

  it('answers 409 to the buyer cancelling a shipped order', async () => {
    const { orderId, buyerToken, sellerToken } = await aPaidOrderWithTokens()
    await http.call('POST', `/api/v1/seller/orders/${orderId}/ship`, {
      token: sellerToken,
      body: { carrier: 'DHL', trackingNumber: 'DHL-11223344' },
    })
    const res = await http.call<ErrorBody>('POST', `/api/v1/orders/${orderId}/cancel`, {
      token: buyerToken,
      body: {},
    })
    expect(res.status).toBe(409)
  })

  it('lists the seller’s orders by status', async () => {
    const { orderId, sellerToken } = await aPaidOrderWithTokens()
    const res = await http.call<{ items: SellerOrderDTO[] }>(
      'GET',
      '/api/v1/seller/orders?status=processing',
      {
        token: sellerToken,
      },
    )
    expect(res.body.items.map((o) => o.id)).toEqual([orderId])
  })
})

describe('admin refunds and disputes over HTTP', () => {
  it('refunds part of an order with an Idempotency-Key, and replays it', async () => {
    const { orderId } = await aPaidOrderWithTokens()
    const key = anIdempotencyKey()
    const call = () =>
      http.call<{ refund: { amount: number } }>('POST', `/api/v1/admin/orders/${orderId}/refund`, {
        token: adminToken,
        body: { amount: 250_000, reason: 'Missing belt' },
        headers: { 'idempotency-key': key },
      })
    const first = await call()
    expect(first.status).toBe(201)
    expect(first.body.refund.amount).toBe(250_000)
    const again = await call()
    expect(again.body).toEqual(first.body)
    await pw.settle()
    const explained = await http.call<OrderExplanation>('GET', `/api/v1/admin/orders/${orderId}`, {
      token: adminToken,
    })
    expect(explained.body.refunds).toEqual([
      expect.objectContaining({ amount: 250_000, status: 'processed' }),
    ])
  })

  it('answers 409 to a refund larger than what is left', async () => {
    const { orderId } = await aPaidOrderWithTokens()
    const res = await http.call<ErrorBody>('POST', `/api/v1/admin/orders/${orderId}/refund`, {
      token: adminToken,
      body: { amount: 1_000_001, reason: 'Too much' },
      headers: { 'idempotency-key': anIdempotencyKey() },
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('refund_exceeds_paid')
  })

  it('resolves a dispute for the seller', async () => {
    const { orderId, buyerToken, sellerToken } = await aPaidOrderWithTokens()
    await http.call('POST', `/api/v1/seller/orders/${orderId}/ship`, {
      token: sellerToken,
      body: { carrier: 'DHL', trackingNumber: 'DHL-55667788' },
    })
    await http.call('POST', `/api/v1/seller/orders/${orderId}/deliver`, { token: sellerToken })
    const disputed = await http.call('POST', `/api/v1/orders/${orderId}/dispute`, {
      token: buyerToken,
      body: { reason: 'wrong_item', description: 'Wrong colour sent' },
    })
    expect(disputed.status).toBe(201)
    const resolved = await http.call<{ order: { status: string } }>(
      'POST',
      `/api/v1/admin/orders/${orderId}/resolve`,
      {
        token: adminToken,
        body: { resolution: 'release', reason: 'Colour matches the listing' },
      },
    )
    expect(resolved.body.order.status).toBe('resolved')
  })
})
