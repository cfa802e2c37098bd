import { beforeAll, describe, expect, it } from '@jest/globals'
import type { OrderTrackingDTO } from '@kloset/core'
import { aBuyer, anAdminToken, aPaidOrder } from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite()
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type Tracking = { tracking: OrderTrackingDTO }
type ErrorBody = { error: { code: string } }

/** A shipped store order, with the tokens of its buyer and seller. */
async function aShippedOrder() {
  const { store, buyer, order } = await aPaidOrder(pw)
  await world.core.orders.ship(store.seller, order.id, {
    carrier: 'DHL',
    trackingNumber: 'DHL-1234',
  })
  return { orderId: order.id, buyerToken: buyer.session.accessToken, sellerToken: store.token }
}

const track = (orderId: string, token: string, body: unknown, as: 'seller' | 'admin' = 'seller') =>
  http.call<Tracking & ErrorBody>('POST', `/api/v1/${as}/orders/${orderId}/tracking`, {
    token,
    body,
  })

describe('tracking over HTTP', () => {
  it('takes the seller’s checkpoint with 201 and shows it to the buyer and an administrator', async () => {
    const { orderId, buyerToken, sellerToken } = await aShippedOrder()
    const posted = await track(orderId, sellerToken, {
      status: 'picked_up',
      location: 'Ikeja',
      estimatedDeliveryDate: '2026-12-12',
    })
    expect(posted.status).toBe(201)
    for (const token of [buyerToken, adminToken, sellerToken]) {
      const seen = await http.call<Tracking>('GET', `/api/v1/orders/${orderId}/tracking`, { token })
      expect(seen.status).toBe(200)
      expect(seen.body.tracking).toMatchObject({
        orderId,
        status: 'shipped',
        shipment: {
          carrier: 'DHL',
          trackingNumber: 'DHL-1234',
          estimatedDeliveryDate: '2026-12-12',
        },
        checkpoints: [{ status: 'picked_up', location: 'Ikeja', postedBy: 'seller' }],
      })
    }
  })

  it('answers 404 to another buyer reading the tracking', async () => {
    const { orderId } = await aShippedOrder()
    const other = await aBuyer(world)
    const res = await http.call('GET', `/api/v1/orders/${orderId}/tracking`, {
      token: other.session.accessToken,
    })
    expect(res.status).toBe(404)
  })

  it('answers 400 to an unknown status and to a date that does not exist', async () => {
    const { orderId, sellerToken } = await aShippedOrder()
    expect((await track(orderId, sellerToken, { status: 'lost' })).status).toBe(400)
    const res = await track(orderId, sellerToken, {
      status: 'in_transit',
      estimatedDeliveryDate: '2026-02-30',
    })
    expect(res.status).toBe(400)
  })

  it('answers 409 order_not_shipped once a delivered checkpoint has moved the order', async () => {
    const { orderId, sellerToken } = await aShippedOrder()
    const delivered = await track(orderId, sellerToken, { status: 'delivered' })
    expect(delivered.body.tracking.status).toBe('delivered')
    const res = await track(orderId, sellerToken, { status: 'in_transit' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('order_not_shipped')
  })

  it('lets an administrator post a checkpoint, and answers 403 to their delivered one', async () => {
    const { orderId } = await aShippedOrder()
    const posted = await track(orderId, adminToken, { status: 'failed_attempt' }, 'admin')
    expect(posted.status).toBe(201)
    expect(posted.body.tracking.checkpoints[0]?.postedBy).toBe('admin')
    const refused = await track(orderId, adminToken, { status: 'delivered' }, 'admin')
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('transition_not_allowed')
  })
})

describe('the OpenAPI document', () => {
  it('describes the tracking routes and the checkpoint statuses', async () => {
    const res = await http.call<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/v1/openapi.json',
    )
    expect(Object.keys(res.body.paths['/api/v1/orders/{id}/tracking'] ?? {})).toContain('get')
    expect(Object.keys(res.body.paths['/api/v1/admin/orders/{id}/tracking'] ?? {})).toContain(
      'post',
    )
    const post = JSON.stringify(res.body.paths['/api/v1/seller/orders/{id}/tracking']?.post)
    for (const status of ['picked_up', 'in_transit', 'out_for_delivery', 'delivered'])
      expect(post).toContain(`"${status}"`)
  })
})
