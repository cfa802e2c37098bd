import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  aBuyer,
  adminCliCtx,
  aShippingAddress,
  aStoreSelling,
  aVariantOf,
  createPaystackWorld,
  type PaystackWorld,
  payOnCheckoutPage,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from './server.js'
import { checkedFetch } from './test-support/checked-fetch.js'

/**
 * The whole money path over HTTP, with real parts only: two sellers, a buyer's cart across both
 * stores, checkout, payment on the Paystack sandbox's checkout page, the signed webhook into our
 * server, shipping, delivery, completion after the return window, the weekly payout run, the
 * transfer webhooks, and the books at the end.
 */
let pw: PaystackWorld
let server: RunningServer
const DAY = 24 * 3600 * 1000

beforeAll(async () => {
  pw = await createPaystackWorld()
  server = await startServer(pw.world.core, { port: 0, host: '127.0.0.1' })
  pw.sandbox.setWebhookUrl(`${server.url}/api/v1/webhooks/paystack`)
})
afterAll(async () => {
  await server.close()
  await pw.close()
})

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await checkedFetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  const parsed = text ? JSON.parse(text) : undefined
  return { status: response.status, body: parsed as T }
}

/** Signs in again: the clock jumps days ahead, so earlier 15-minute access tokens are stale. */
async function signIn(email: string): Promise<string> {
  const response = await checkedFetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: A_PASSWORD }),
  })
  return ((await response.json()) as { accessToken: string }).accessToken
}

type Order = { id: string; storeId: string; status: string; total: number }
type Balance = { pending: number; available: number; paid: number; inTransit: number }

describe('a marketplace day, end to end', () => {
  it('charges once, keeps 5%, and pays each seller the rest', async () => {
    const { world } = pw
    const admin = adminCliCtx(world.clock.now())

    // Two sellers, each with an approved store and live variants, and a payout account.
    const ada = await aStoreSelling(world, { price: 1_250_000, stock: 5 })
    const adaScarf = await aVariantOf(world, ada.seller, { price: 333_333, stock: 5 })
    const kano = await aStoreSelling(world, { price: 2_000_000, stock: 5 })
    for (const seller of [ada, kano]) {
      const account = await call('PUT', '/api/v1/seller/payout-account', seller.token, {
        bankCode: '058',
        accountNumber: seller === ada ? '0123456789' : '0987654321',
        password: A_PASSWORD,
      })
      expect(account.status).toBe(200)
    }

    // The buyer fills a cart across both stores and checks out.
    const buyer = await aBuyer(world)
    const token = buyer.session.accessToken
    for (const [variantId, quantity] of [
      [ada.variant.id, 2],
      [adaScarf.id, 1],
      [kano.variant.id, 1],
    ] as const) {
      expect(
        (await call('POST', '/api/v1/cart/items', token, { variantId, quantity })).status,
      ).toBe(200)
    }
    const checkout = await call<{
      orderGroup: { total: number }
      orders: Order[]
      payment: { authorizationUrl: string; reference: string }
    }>(
      'POST',
      '/api/v1/checkout',
      token,
      { shippingAddress: aShippingAddress() },
      { 'idempotency-key': 'e2e-checkout-0001' },
    )
    expect(checkout.status).toBe(201)
    const expectedGross = { [ada.store.id]: 2 * 1_250_000 + 333_333, [kano.store.id]: 2_000_000 }
    expect(checkout.body.orders).toHaveLength(2)
    for (const order of checkout.body.orders) expect(order.total).toBe(expectedGross[order.storeId])
    expect(checkout.body.orderGroup.total).toBe(2 * 1_250_000 + 333_333 + 2_000_000)

    // Payment on the sandbox's checkout page; its signed webhook reaches our server.
    const paid = await payOnCheckoutPage(checkout.body.payment.authorizationUrl)
    expect(paid.status).toBe(302)
    expect(paid.headers.get('location')).toContain(`reference=${checkout.body.payment.reference}`)
    await pw.settle()
    const status = await call<{ orderGroup: { status: string } }>(
      'GET',
      `/api/v1/checkout/${checkout.body.payment.reference}/status`,
      token,
    )
    expect(status.body.orderGroup.status).toBe('paid')
    const mine = await call<{ items: Order[] }>('GET', '/api/v1/orders', token)
    expect(mine.body.items.map((o) => o.status).sort()).toEqual(['processing', 'processing'])
    await world.smtp.waitFor(ada.email, /order/i)

    // Each seller ships and delivers its own order; neither can see the other's.
    for (const seller of [ada, kano]) {
      const own = checkout.body.orders.find((o) => o.storeId === seller.store.id)!
      const other = checkout.body.orders.find((o) => o.storeId !== seller.store.id)!
      expect((await call('GET', `/api/v1/seller/orders/${other.id}`, seller.token)).status).toBe(
        404,
      )
      const shipped = await call<{ order: Order }>(
        'POST',
        `/api/v1/seller/orders/${own.id}/ship`,
        seller.token,
        {
          carrier: 'GIG Logistics',
          trackingNumber: `GIG-${own.id.slice(-6)}`,
        },
      )
      expect(shipped.status).toBe(200)
      expect(
        (await call('POST', `/api/v1/seller/orders/${own.id}/deliver`, seller.token)).status,
      ).toBe(200)
    }

    // The return window passes; the scheduler's job completes both orders.
    world.clock.advance(8 * DAY)
    await world.core.jobs.run(adminCliCtx(world.clock.now()), 'complete-delivered-orders')
    const buyerToken = await signIn(buyer.email)
    for (const seller of [ada, kano]) seller.token = await signIn(seller.email)
    const done = await call<{ items: Order[] }>('GET', '/api/v1/orders', buyerToken)
    expect(done.body.items.map((o) => o.status)).toEqual(['completed', 'completed'])

    const commission = (gross: number) => Math.floor((gross * 500 + 5_000) / 10_000)
    for (const seller of [ada, kano]) {
      const gross = expectedGross[seller.store.id]!
      const balance = await call<{ balance: Balance }>(
        'GET',
        '/api/v1/seller/balance',
        seller.token,
      )
      expect(balance.body.balance).toMatchObject({
        pending: 0,
        available: gross - commission(gross),
        paid: 0,
      })
    }

    // Monday: the payout run pays each seller once; transfer webhooks settle the payouts.
    const run = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()), {})
    expect(run.totals.count).toBe(2)
    const again = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()), {})
    expect(again.totals.count).toBe(0)
    await pw.settle()
    await pw.sandbox.flush()
    await pw.settle()

    for (const seller of [ada, kano]) {
      const gross = expectedGross[seller.store.id]!
      const balance = await call<{ balance: Balance }>(
        'GET',
        '/api/v1/seller/balance',
        seller.token,
      )
      expect(balance.body.balance).toMatchObject({
        pending: 0,
        available: 0,
        inTransit: 0,
        paid: gross - commission(gross),
      })
    }
    const transfers = await fetch(`${pw.sandbox.url}/transfer`, {
      headers: { authorization: `Bearer ${pw.secretKey}` },
    }).then((r) => r.json() as Promise<{ data: { status: string }[] }>)
    expect(transfers.data.map((t) => t.status)).toEqual(['success', 'success'])

    // The books: commission is exactly 5% of each order, and every journal sums to zero.
    // balance() is the raw sum of entries: commission is credit-normal, so it reads negative.
    const commissionAccount = await world.core.ledger.balance(admin, 'platform:commission', 'NGN')
    expect(-commissionAccount).toBe(
      commission(expectedGross[ada.store.id]!) + commission(expectedGross[kano.store.id]!),
    )
    const trial = await world.core.ledger.trialBalance(admin, 'NGN')
    expect(trial).toMatchObject({ balanced: true, difference: 0 })
    const verified = await world.core.ledger.verifyAll(admin)
    expect(verified.invalid).toEqual([])
  })
})
