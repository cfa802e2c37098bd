import { beforeAll, describe, expect, it } from '@jest/globals'
import type { DisputeDTO } from '@kloset/core'
import { aBuyer, aJpeg, anAdminToken, aPaidOrder } from '@kloset/core/testing'
import { allRoutes } from '../api.js'
import { paystackApiForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite()
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type DisputeBody = { dispute: DisputeDTO; error?: { code: string } }
type ErrorBody = { error: { code: string } }

/** A delivered order of ₦10,000 and an open case on it, opened over HTTP. */
async function anOpenCase() {
  const { store, buyer, order } = await aPaidOrder(pw)
  const sellerToken = store.token
  const buyerToken = buyer.session.accessToken
  await http.call('POST', `/api/v1/seller/orders/${order.id}/ship`, {
    token: sellerToken,
    body: { carrier: 'DHL', trackingNumber: 'DHL-11223344' },
  })
  await http.call('POST', `/api/v1/seller/orders/${order.id}/deliver`, { token: sellerToken })
  const opened = await http.call<DisputeBody>('POST', `/api/v1/orders/${order.id}/dispute`, {
    token: buyerToken,
    body: { reason: 'damaged', description: 'The zip is broken' },
  })
  expect(opened.status).toBe(201)
  return { orderId: order.id, disputeId: opened.body.dispute.id, buyerToken, sellerToken, buyer }
}

async function uploadPhoto(path: string, token: string) {
  const form = new FormData()
  form.append('image', new Blob([new Uint8Array(await aJpeg())]), 'zip.jpg')
  const response = await http.send(
    new Request(`http://localhost:8080${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    }),
  )
  return { status: response.status, body: (await response.json()) as DisputeBody }
}

describe('the dispute routes', () => {
  it('registers the buyer, seller and admin verbs', () => {
    const paths = allRoutes
      .filter((r) => r.path.includes('/disputes'))
      .map((r) => `${r.method} ${r.path}`)
    expect(paths.sort()).toEqual(
      [
        'GET /api/v1/disputes',
        'GET /api/v1/disputes/:id',
        'POST /api/v1/disputes/:id/evidence',
        'POST /api/v1/disputes/:id/photos',
        'POST /api/v1/disputes/:id/escalate',
        'GET /api/v1/seller/disputes',
        'GET /api/v1/seller/disputes/:id',
        'POST /api/v1/seller/disputes/:id/answer',
        'POST /api/v1/seller/disputes/:id/accept',
        'POST /api/v1/seller/disputes/:id/evidence',
        'POST /api/v1/seller/disputes/:id/photos',
        'GET /api/v1/admin/disputes',
        'GET /api/v1/admin/disputes/:id',
        'POST /api/v1/admin/disputes/:id/evidence',
        'POST /api/v1/admin/disputes/:id/resolve',
      ].sort(),
    )
  })

  it('runs a case from opening to an administrator’s partial refund', async () => {
    const { disputeId, buyerToken, sellerToken, orderId } = await anOpenCase()
    const answered = await http.call<DisputeBody>(
      'POST',
      `/api/v1/seller/disputes/${disputeId}/answer`,
      { token: sellerToken, body: { message: 'The zip worked when packed' } },
    )
    expect(answered.body.dispute.status).toBe('seller_answered')
    const photo = await uploadPhoto(`/api/v1/disputes/${disputeId}/photos`, buyerToken)
    expect(photo.status).toBe(201)
    expect(photo.body.dispute.evidence.at(-1)).toMatchObject({ by: 'buyer', kind: 'photo' })
    const escalated = await http.call<DisputeBody>(
      'POST',
      `/api/v1/disputes/${disputeId}/escalate`,
      { token: buyerToken, body: {} },
    )
    expect(escalated.body.dispute.status).toBe('escalated')
    const queue = await http.call<{ items: DisputeDTO[] }>(
      'GET',
      '/api/v1/admin/disputes?status=escalated',
      { token: adminToken },
    )
    expect(queue.body.items.map((d) => d.id)).toContain(disputeId)
    const resolved = await http.call<DisputeBody>(
      'POST',
      `/api/v1/admin/disputes/${disputeId}/resolve`,
      {
        token: adminToken,
        body: { decision: 'refund', refund: 'partial', amount: 300_000, reason: 'Zip repair cost' },
      },
    )
    expect(resolved.status).toBe(200)
    expect(resolved.body.dispute.resolution).toMatchObject({
      outcome: 'refund_partial',
      amount: 300_000,
    })
    await pw.settle()
    const order = await http.call<{ order: { refundedAmount: number; status: string } }>(
      'GET',
      `/api/v1/orders/${orderId}`,
      { token: buyerToken },
    )
    expect(order.body.order).toMatchObject({ status: 'resolved', refundedAmount: 300_000 })
  })

  it('lets the seller accept with a full refund', async () => {
    const { disputeId, sellerToken } = await anOpenCase()
    const accepted = await http.call<DisputeBody>(
      'POST',
      `/api/v1/seller/disputes/${disputeId}/accept`,
      { token: sellerToken, body: { refund: 'full' } },
    )
    expect(accepted.status).toBe(200)
    expect(accepted.body.dispute).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'refund_full', amount: 1_000_000 },
    })
  })

  it('answers 400 to a partial acceptance without an amount, and changes nothing', async () => {
    const { disputeId, sellerToken } = await anOpenCase()
    const res = await http.call<ErrorBody>('POST', `/api/v1/seller/disputes/${disputeId}/accept`, {
      token: sellerToken,
      body: { refund: 'partial' },
    })
    expect(res.status).toBe(400)
    const seen = await http.call<DisputeBody>('GET', `/api/v1/seller/disputes/${disputeId}`, {
      token: sellerToken,
    })
    expect(seen.body.dispute.status).toBe('awaiting_seller')
  })

  it('answers 404 to another buyer reading the case', async () => {
    const { disputeId } = await anOpenCase()
    const other = await aBuyer(world)
    const res = await http.call('GET', `/api/v1/disputes/${disputeId}`, {
      token: other.session.accessToken,
    })
    expect(res.status).toBe(404)
  })

  it('answers 403 to the buyer escalating before the seller answered', async () => {
    const { disputeId, buyerToken } = await anOpenCase()
    const res = await http.call<ErrorBody>('POST', `/api/v1/disputes/${disputeId}/escalate`, {
      token: buyerToken,
      body: {},
    })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('transition_not_allowed')
  })

  it('answers 409 to a dispute on an order not delivered yet', async () => {
    const { buyer, order } = await aPaidOrder(pw)
    const res = await http.call<ErrorBody>('POST', `/api/v1/orders/${order.id}/dispute`, {
      token: buyer.session.accessToken,
      body: { reason: 'not_received', description: 'Still waiting' },
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('not_disputable')
  })

  it('settles the open case through the older order route', async () => {
    const { disputeId, orderId } = await anOpenCase()
    const res = await http.call<{ order: { status: string } }>(
      'POST',
      `/api/v1/admin/orders/${orderId}/resolve`,
      { token: adminToken, body: { resolution: 'release', reason: 'Zip works in the photo' } },
    )
    expect(res.body.order.status).toBe('resolved')
    const seen = await http.call<DisputeBody>('GET', `/api/v1/admin/disputes/${disputeId}`, {
      token: adminToken,
    })
    expect(seen.body.dispute.resolution).toMatchObject({ outcome: 'release' })
  })
})

describe('the OpenAPI document', () => {
  it('describes the dispute routes with the resolve body', async () => {
    const doc = await http.call<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }>('GET', '/api/v1/openapi.json')
    expect(doc.status).toBe(200)
    expect(Object.keys(doc.body.paths).filter((p) => p.includes('/disputes'))).toHaveLength(15)
    expect(doc.body.paths['/api/v1/admin/disputes/{id}/resolve']?.post?.requestBody).toBeDefined()
  })
})
