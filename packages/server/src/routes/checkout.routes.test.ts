import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  type CartDTO,
  type CheckoutResult,
  type CheckoutStatus,
  PAYSTACK_WEBHOOK_PATH,
  signPaystackPayload,
} from '@kloset/core'
import {
  aBuyer,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  payOnCheckoutPage,
} from '@kloset/core/testing'
import { allRoutes } from '../api.js'
import { paystackApiForSuite, serverForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite()
const server = serverForSuite(world)
beforeAll(async () => {
  // Webhooks go to the real HTTP server, through the real route.
  pw.sandbox.setWebhookUrl(
    `${server.url.replace('localhost', '127.0.0.1')}${PAYSTACK_WEBHOOK_PATH}`,
  )
})

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

/** A buyer with one item of a fresh store in their cart, added over HTTP. */
async function aBuyerWithCart(price = 1_500_000) {
  const store = await aStoreSelling(world, { price, stock: 5 })
  const buyer = await aBuyer(world)
  const token = buyer.session.accessToken
  const added = await http.call<{ cart: CartDTO }>('POST', '/api/v1/cart/items', {
    token,
    body: { variantId: store.variant.id, quantity: 1 },
  })
  expect(added.status).toBe(200)
  return { store, buyer, token }
}

const checkout = (
  token: string,
  key: string | undefined,
  body: unknown = { shippingAddress: aShippingAddress() },
) =>
  http.call<CheckoutResult & ErrorBody>('POST', '/api/v1/checkout', {
    token,
    body,
    headers: key ? { 'idempotency-key': key } : {},
  })

describe('the cart over HTTP', () => {
  it('refuses a price sent by the client as an unknown field', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const res = await http.call<ErrorBody>('POST', '/api/v1/cart/items', {
      token: buyer.session.accessToken,
      body: { variantId: store.variant.id, quantity: 1, price: 1 },
    })
    expect(res.status).toBe(400)
  })

  it('changes and removes a line', async () => {
    const { token } = await aBuyerWithCart()
    const cart = await http.call<{ cart: CartDTO }>('GET', '/api/v1/cart', { token })
    const lineId = cart.body.cart.lines[0]!.id
    const patched = await http.call<{ cart: CartDTO }>('PATCH', `/api/v1/cart/items/${lineId}`, {
      token,
      body: { quantity: 3 },
    })
    expect(patched.body.cart.lines[0]!.quantity).toBe(3)
    const removed = await http.call<{ cart: CartDTO }>('DELETE', `/api/v1/cart/items/${lineId}`, {
      token,
    })
    expect(removed.body.cart.lines).toEqual([])
  })

  it('keeps the cart from anyone signed out', async () => {
    expect((await http.call('GET', '/api/v1/cart')).status).toBe(401)
  })
})

describe('POST /api/v1/checkout', () => {
  it('answers 201 with the group, its orders and the payment link', async () => {
    const { token } = await aBuyerWithCart(1_500_000)
    const res = await checkout(token, anIdempotencyKey())
    expect(res.status).toBe(201)
    expect(res.body.orderGroup).toMatchObject({ status: 'awaiting_payment', total: 1_500_000 })
    expect(res.body.payment.authorizationUrl).toContain(pw.sandbox.url)
  })

  it('refuses a checkout without an Idempotency-Key with 400', async () => {
    const { token } = await aBuyerWithCart()
    const res = await checkout(token, undefined)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('idempotency_key_required')
  })

  it('replays the same status and body for the same key and body', async () => {
    const { token } = await aBuyerWithCart()
    const key = anIdempotencyKey()
    const first = await checkout(token, key)
    const again = await checkout(token, key)
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
  })

  it('answers 422 to the same key with another body', async () => {
    const { token } = await aBuyerWithCart()
    const key = anIdempotencyKey()
    await checkout(token, key)
    const res = await checkout(token, key, { shippingAddress: aShippingAddress({ city: 'Ikeja' }) })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('idempotency_key_reused')
  })

  it('answers 409 to a duplicate sent while the first is still running, and makes one group', async () => {
    const { token, buyer } = await aBuyerWithCart()
    const key = anIdempotencyKey()
    const [a, b] = await Promise.all([checkout(token, key), checkout(token, key)])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    expect((a.status === 409 ? a : b).body.error.code).toBe('idempotency_in_progress')
    const orders = await world.core.orders.listOwn(buyer.ctx, { limit: 10 })
    expect(orders.items).toHaveLength(1)
  })

  it('refuses unknown fields in the body', async () => {
    const { token } = await aBuyerWithCart()
    const res = await checkout(token, anIdempotencyKey(), {
      shippingAddress: aShippingAddress(),
      total: 100,
    })
    expect(res.status).toBe(400)
  })
})

describe('paying through the sandbox, with webhooks to the server', () => {
  it('reaches processing after paying on the checkout page, and the poll shows it paid', async () => {
    const { token } = await aBuyerWithCart()
    const placed = await checkout(token, anIdempotencyKey())
    const paid = await payOnCheckoutPage(placed.body.payment.authorizationUrl)
    expect(paid.status).toBe(302)
    await pw.settle()
    const status = await http.call<CheckoutStatus>(
      'GET',
      `/api/v1/checkout/${placed.body.payment.reference}/status`,
      { token },
    )
    expect(status.status).toBe(200)
    expect(status.body.orderGroup.status).toBe('paid')
    expect(status.body.orders.map((o) => o.status)).toEqual(['processing'])
    const webhooks = pw.sandbox.deliveries().filter((d) => d.event === 'charge.success')
    expect(webhooks.at(-1)?.status).toBe('delivered')
    expect(webhooks.at(-1)?.attempts.at(-1)?.statusCode).toBe(200)
  })

  it('refuses a webhook with a bad signature with 401 and leaves the order unpaid', async () => {
    const { token } = await aBuyerWithCart()
    const placed = await checkout(token, anIdempotencyKey())
    const body = JSON.stringify({
      event: 'charge.success',
      data: {
        id: 55,
        status: 'success',
        reference: placed.body.payment.reference,
        amount: 1_500_000,
        currency: 'NGN',
      },
    })
    const res = await http.call('POST', PAYSTACK_WEBHOOK_PATH, {
      raw: { bytes: body, contentType: 'application/json' },
      headers: { 'x-paystack-signature': signPaystackPayload('sk_test_not_ours', body) },
    })
    expect(res.status).toBe(401)
    await world.core.events.drain()
    const status = await http.call<CheckoutStatus>(
      'GET',
      `/api/v1/checkout/${placed.body.payment.reference}/status`,
      { token },
    )
    expect(status.body.orderGroup.status).toBe('awaiting_payment')
  })

  it('hides the status of another buyer’s checkout', async () => {
    const { token } = await aBuyerWithCart()
    const placed = await checkout(token, anIdempotencyKey())
    const other = await aBuyer(world)
    const res = await http.call('GET', `/api/v1/checkout/${placed.body.payment.reference}/status`, {
      token: other.session.accessToken,
    })
    expect(res.status).toBe(404)
  })
})

describe('route table', () => {
  it('marks checkout and admin refunds as taking an Idempotency-Key', () => {
    const idempotent = allRoutes.filter((r) => r.idempotent).map((r) => `${r.method} ${r.path}`)
    expect(idempotent).toEqual(
      expect.arrayContaining(['POST /api/v1/checkout', 'POST /api/v1/admin/orders/:id/refund']),
    )
  })
})
