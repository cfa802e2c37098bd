import { describe, expect, it } from '@jest/globals'
import { signPaystackPayload } from '../payments/paystack/paystack.signature.js'
import { adminCliCtx, anonCtx, createTestWorld } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { pw, world } = paystackWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())
const stockOf = async (seller: Parameters<typeof world.core.products.get>[0], productId: string) =>
  (await world.core.products.get(seller, productId)).variants[0]?.stock
const saleJournals = async (orderId: string) =>
  (await world.core.ledger.journalsForOrder(admin(), orderId)).filter((j) => j.kind === 'sale')

/** A `charge.success` webhook body for a reference, as Paystack signs it. */
function chargeSuccess(
  reference: string,
  amount: number,
  id = 9_000_000 + Math.floor(Math.random() * 1e6),
) {
  const body = JSON.stringify({
    event: 'charge.success',
    data: {
      id,
      status: 'success',
      reference,
      amount,
      currency: 'NGN',
      customer: { id: 1, email: 'b@example.test', customer_code: 'CUS_x' },
    },
  })
  return { rawBody: Buffer.from(body), signature: signPaystackPayload(pw.secretKey, body) }
}

describe('checkout', () => {
  it('creates one order per store with frozen commission, and one charge for the group total', async () => {
    const a = await aStoreSelling(world, { price: 1_250_000, stock: 5 })
    const b = await aStoreSelling(world, { price: 730_050, stock: 5 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [
      { variantId: a.variant.id, quantity: 2 },
      { variantId: b.variant.id, quantity: 3 },
    ])
    expect(result.orders).toHaveLength(2)
    const totals = Object.fromEntries(result.orders.map((o) => [o.storeId, o.total]))
    expect(totals).toEqual({ [a.store.id]: 2_500_000, [b.store.id]: 2_190_150 })
    expect(result.orderGroup).toMatchObject({
      status: 'awaiting_payment',
      total: 4_690_150,
      currency: 'NGN',
    })
    expect(result.payment.reference).toBe(`kg-${result.orderGroup.id}`)
    const charged = pw.sandbox.state.transactions.find(
      (t) => t.reference === result.payment.reference,
    )
    expect(charged?.amount).toBe(4_690_150)
    const admin = await world.core.orders.get(adminCliCtx(), result.orders[0]!.id)
    expect(admin.commissionRateBps).toBe(500)
  })

  it('holds the stock while the payment is awaited and empties the cart', async () => {
    const s = await aStoreSelling(world, { stock: 3 })
    const buyer = await aBuyer(world)
    await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 2 }])
    expect(await stockOf(s.seller, s.variant.productId)).toBe(1)
    expect((await world.core.cart.get(buyer.ctx)).lines).toEqual([])
  })

  it('refuses an empty cart', async () => {
    const buyer = await aBuyer(world)
    await expect(
      world.core.checkout.checkout(
        buyer.ctx,
        { shippingAddress: aShippingAddress() },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'cart_empty' })
  })

  it('refuses a cart with a line whose price changed since it was added', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    await world.core.products.updateVariant(s.seller, s.variant.id, { price: 1_600_000 })
    await expect(
      world.core.checkout.checkout(
        buyer.ctx,
        { shippingAddress: aShippingAddress() },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'cart_has_issues' })
  })
})

describe('paying', () => {
  it('moves every order to processing and books one sale each after paying on the checkout page', async () => {
    const a = await aStoreSelling(world, { price: 1_000_000 })
    const b = await aStoreSelling(world, { price: 2_000_000 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [
      { variantId: a.variant.id, quantity: 1 },
      { variantId: b.variant.id, quantity: 1 },
    ])
    const paid = await payOnCheckoutPage(result.payment.authorizationUrl)
    expect(paid.status).toBe(302)
    expect(paid.headers.get('location')).toContain('/checkout/complete')
    await pw.settle()
    for (const order of result.orders) {
      expect((await world.core.orders.get(admin(), order.id)).status).toBe('processing')
      expect(await saleJournals(order.id)).toHaveLength(1)
    }
    const status = await world.core.checkout.status(buyer.ctx, result.payment.reference)
    expect(status.orderGroup.status).toBe('paid')
  })

  it('emails the buyer and each seller once the payment is verified', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    await payOnCheckoutPage(result.payment.authorizationUrl)
    await pw.settle()
    const toBuyer = await world.smtp.waitFor(buyer.email, /order is confirmed/)
    expect(toBuyer.text).toContain('₦15,000.00')
    await world.smtp.waitFor(s.email, /New order .* to ship/)
  })

  it('credits once when the same charge.success is delivered 5 times in a row and 5 at once', async () => {
    const s = await aStoreSelling(world, { price: 800_000 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    pw.sandbox.setWebhookUrl(null)
    await payOnCheckoutPage(result.payment.authorizationUrl)
    const delivery = chargeSuccess(result.payment.reference, 800_000, 77_000_001)
    for (let i = 0; i < 5; i++) {
      await world.core.payments.receivePaystackWebhook(anonCtx(), delivery)
      await world.core.checkout.confirmPayment(admin(), result.payment.reference, 'webhook')
    }
    await Promise.all(
      Array.from({ length: 5 }, () => [
        world.core.payments.receivePaystackWebhook(anonCtx(), delivery),
        world.core.checkout.confirmPayment(admin(), result.payment.reference, 'webhook'),
      ]).flat(),
    )
    await world.core.events.drain()
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
    const orderId = result.orders[0]!.id
    expect(await saleJournals(orderId)).toHaveLength(1)
    const order = await world.core.orders.get(admin(), orderId)
    expect(order.timeline.filter((t) => t.to === 'processing')).toHaveLength(1)
    expect(await stockOf(s.seller, s.variant.productId)).toBe(9)
  })

  it('changes nothing but flags the group when verify says the charge did not succeed', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    await world.core.payments.receivePaystackWebhook(
      anonCtx(),
      chargeSuccess(result.payment.reference, 1_500_000),
    )
    await world.core.events.drain()
    const order = await world.core.orders.get(admin(), result.orders[0]!.id)
    expect(order.status).toBe('pending')
    expect(await saleJournals(order.id)).toHaveLength(0)
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.orderGroup.paymentIssue?.code).toBe('verify_contradicts')
  })

  it('changes nothing for a webhook with a bad signature', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    pw.sandbox.setWebhookUrl(null)
    await payOnCheckoutPage(result.payment.authorizationUrl)
    const forged = {
      ...chargeSuccess(result.payment.reference, 1_500_000),
      signature: 'ab'.repeat(64),
    }
    await expect(
      world.core.payments.receivePaystackWebhook(anonCtx(), forged),
    ).rejects.toMatchObject({
      code: 'invalid_signature',
    })
    await world.core.events.drain()
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
    expect((await world.core.orders.get(admin(), result.orders[0]!.id)).status).toBe('pending')
  })

  it('changes nothing for a charge of a reference that is not ours', async () => {
    const outcome = await world.core.checkout.confirmPayment(
      admin(),
      'kg-000000000000000000000000',
      'webhook',
    )
    expect(outcome).toBe('unknown_reference')
  })

  it('changes nothing but flags the group when the amount paid is not the group total', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    // As if the group had been priced differently from the charge Paystack holds.
    await world.core.connection
      .collection('order_groups')
      .updateOne({ reference: result.payment.reference }, { $set: { total: 1_400_000 } })
    pw.sandbox.setWebhookUrl(null)
    await payOnCheckoutPage(result.payment.authorizationUrl)
    const outcome = await world.core.checkout.confirmPayment(
      admin(),
      result.payment.reference,
      'webhook',
    )
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
    expect(outcome).toBe('mismatch')
    const explained = await world.core.orders.explain(admin(), result.orders[0]!.id)
    expect(explained.order.status).toBe('pending')
    expect(explained.orderGroup.paymentIssue?.code).toBe('amount_mismatch')
    expect(await saleJournals(result.orders[0]!.id)).toHaveLength(0)
  })

  it('lets the buyer poll a paid checkout whose webhook never came', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    pw.sandbox.setWebhookUrl(null)
    await payOnCheckoutPage(result.payment.authorizationUrl)
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
    const status = await world.core.checkout.status(buyer.ctx, result.payment.reference)
    expect(status.orderGroup.status).toBe('paid')
    expect(status.orders.map((o) => o.status)).toEqual(['processing'])
  })

  it('hides a checkout from another buyer', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const other = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    await expect(
      world.core.checkout.status(other.ctx, result.payment.reference),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})

describe('the last unit', () => {
  it('goes to exactly one of 50 buyers checking out at once, and stock never goes below zero', async () => {
    const s = await aStoreSelling(world, { stock: 1 })
    const buyers = await Promise.all(Array.from({ length: 50 }, () => aBuyer(world)))
    for (const buyer of buyers)
      await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    const results = await Promise.allSettled(
      buyers.map((buyer) =>
        world.core.checkout.checkout(
          buyer.ctx,
          { shippingAddress: aShippingAddress() },
          anIdempotencyKey(),
        ),
      ),
    )
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.body] : []))
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    for (const r of lost)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'insufficient_stock' })
    expect(await stockOf(s.seller, s.variant.productId)).toBe(0)
    await payOnCheckoutPage(won[0]!.payment.authorizationUrl)
    await pw.settle()
    expect((await world.core.orders.get(admin(), won[0]!.orders[0]!.id)).status).toBe('processing')
    expect(await stockOf(s.seller, s.variant.productId)).toBe(0)
  })
})

describe('an abandoned checkout', () => {
  it('is cancelled with its stock back once the payment window passes', async () => {
    const s = await aStoreSelling(world, { stock: 4 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 3 }])
    expect(await stockOf(s.seller, s.variant.productId)).toBe(1)
    world.clock.advance(31 * 60 * 1000)
    const run = await world.core.jobs.run(admin(), 'expire-unpaid-orders')
    expect(run.result).toMatchObject({ expired: expect.any(Number) })
    expect(await stockOf(s.seller, s.variant.productId)).toBe(4)
    const order = await world.core.orders.get(admin(), result.orders[0]!.id)
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'payment_expired' })
    await world.smtp.waitFor(buyer.email, /cancelled before payment/)
  })

  it('is confirmed instead of cancelled when Paystack says it was paid but the webhook is late', async () => {
    const s = await aStoreSelling(world, { stock: 4 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: s.variant.id, quantity: 1 }])
    pw.sandbox.setWebhookUrl(null)
    await payOnCheckoutPage(result.payment.authorizationUrl)
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
    world.clock.advance(31 * 60 * 1000)
    await world.core.jobs.run(admin(), 'expire-unpaid-orders')
    expect((await world.core.orders.get(admin(), result.orders[0]!.id)).status).toBe('processing')
    expect(await stockOf(s.seller, s.variant.productId)).toBe(3)
  })
})

describe('a checkout whose payment cannot start', () => {
  it('releases the stock, cancels the orders with payment_init_failed and frees the key', async () => {
    const down = await createTestWorld({
      config: {
        paystack: {
          mode: 'test',
          secretKey: 'sk_test_unreachable',
          baseUrl: 'http://127.0.0.1:9',
          timeoutMs: 1_000,
          sandboxPort: 0,
        },
      },
    })
    try {
      const s = await aStoreSelling(down, { stock: 2 })
      const buyer = await aBuyer(down)
      await down.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 2 })
      const key = anIdempotencyKey()
      const attempt = () =>
        down.core.checkout.checkout(buyer.ctx, { shippingAddress: aShippingAddress() }, key)
      await expect(attempt()).rejects.toMatchObject({ code: 'paystack_unavailable' })
      const stock = (await down.core.products.get(s.seller, s.variant.productId)).variants[0]?.stock
      expect(stock).toBe(2)
      const orders = await down.core.orders.list(adminCliCtx(), { limit: 10 })
      expect(orders.items.map((o) => [o.status, o.cancelReason])).toEqual([
        ['cancelled', 'payment_init_failed'],
      ])
      // The key was released: the same key runs again (and fails the same way, Paystack still down).
      await expect(attempt()).rejects.toMatchObject({ code: 'paystack_unavailable' })
    } finally {
      await down.close()
    }
  })
})
