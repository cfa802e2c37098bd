import { describe, expect, it, jest } from '@jest/globals'
import type { VariantDTO } from '../catalog/product.types.js'
import type { Ctx } from '../shared/ctx.js'
import { adminCliCtx } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  anIdempotencyKey,
  aPaidOrder,
  aStoreSelling,
  aVariantOf,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { pw, world } = paystackWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())

const refunded = async (orderId: string) => {
  const journals = await world.core.ledger.journalsForOrder(admin(), orderId)
  return journals.filter((j) => j.kind === 'refund').length
}

/** The variant's stock as its seller reads it. */
const stockOf = async (seller: Ctx, variant: VariantDTO) =>
  (await world.core.products.get(seller, variant.productId)).variants.find(
    (v) => v.id === variant.id,
  )?.stock

/** A paid order of 2 units of `a` and 3 of `b` (10 in stock each) from one store. */
async function aPaidTwoLineOrder() {
  const store = await aStoreSelling(world, { price: 500_000, stock: 10 })
  const a = store.variant
  const b = await aVariantOf(world, store.seller, { price: 250_000, stock: 10 })
  const buyer = await aBuyer(world)
  const result = await aCheckout(world, buyer.ctx, [
    { variantId: a.id, quantity: 2 },
    { variantId: b.id, quantity: 3 },
  ])
  await payOnCheckoutPage(result.payment.authorizationUrl)
  await pw.settle()
  return { seller: store.seller, a, b, buyer, order: result.orders[0]! }
}

const cancelAndSettle = async (buyer: Ctx, orderId: string) => {
  await world.core.orders.cancel({ ...buyer, now: world.clock.now() }, orderId, {
    reason: 'Changed my mind',
  })
  await pw.settle()
}

const retryRestocks = async () =>
  world.core.jobs.run(adminCliCtx(world.clock.now()), 'retry-pending-restocks')

describe('admin refunds', () => {
  it('refunds part of an order, then the rest, and never more than was paid', async () => {
    const { order } = await aPaidOrder(pw)
    const part = await world.core.refunds.refund(
      admin(),
      order.id,
      { amount: 300_000, reason: 'Late delivery' },
      anIdempotencyKey(),
    )
    expect(part.status).toBe(201)
    expect(part.body.refund).toMatchObject({ amount: 300_000 })
    const rest = await world.core.refunds.refund(
      admin(),
      order.id,
      { reason: 'Goodwill' },
      anIdempotencyKey(),
    )
    expect(rest.body.refund.amount).toBe(700_000)
    await expect(
      world.core.refunds.refund(
        admin(),
        order.id,
        { amount: 1, reason: 'One more kobo' },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_paid' })
    await pw.settle()
    expect(await refunded(order.id)).toBe(2)
    expect((await world.core.orders.get(admin(), order.id)).refundedAmount).toBe(1_000_000)
  })

  it('refuses a refund larger than the order', async () => {
    const { order } = await aPaidOrder(pw)
    await expect(
      world.core.refunds.refund(
        admin(),
        order.id,
        { amount: 1_000_001, reason: 'Too much' },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'refund_exceeds_paid' })
  })

  it('lets only one of two concurrent full refunds through', async () => {
    const { order } = await aPaidOrder(pw)
    const results = await Promise.allSettled([
      world.core.refunds.refund(
        admin(),
        order.id,
        { reason: 'Duplicate click' },
        anIdempotencyKey(),
      ),
      world.core.refunds.refund(
        admin(),
        order.id,
        { reason: 'Duplicate click' },
        anIdempotencyKey(),
      ),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    await pw.settle()
    expect(await refunded(order.id)).toBe(1)
  })

  it('replays the same refund for the same Idempotency-Key', async () => {
    const { order } = await aPaidOrder(pw)
    const key = anIdempotencyKey()
    const first = await world.core.refunds.refund(
      admin(),
      order.id,
      { amount: 100_000, reason: 'Scuffed box' },
      key,
    )
    const again = await world.core.refunds.refund(
      admin(),
      order.id,
      { amount: 100_000, reason: 'Scuffed box' },
      key,
    )
    expect(again).toEqual({ ...first, replayed: true })
    await pw.settle()
    expect(await refunded(order.id)).toBe(1)
  })

  it('posts the reversing journal once however often refund.processed is replayed', async () => {
    const { order } = await aPaidOrder(pw)
    const { body } = await world.core.refunds.refund(
      admin(),
      order.id,
      { reason: 'Not as described' },
      anIdempotencyKey(),
    )
    await pw.settle()
    const reference = (await world.core.orders.get(admin(), order.id)).paymentReference
    await Promise.all(
      Array.from({ length: 5 }, () => world.core.refunds.settle(admin(), reference)),
    )
    expect(await refunded(order.id)).toBe(1)
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.refunds).toEqual([
      expect.objectContaining({ id: body.refund.id, status: 'processed' }),
    ])
  })

  it('refuses refunding an order that was never paid', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: store.variant.id, quantity: 1 }])
    await expect(
      world.core.refunds.refund(
        admin(),
        result.orders[0]!.id,
        { reason: 'Hmm' },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'not_paid' })
  })

  it('restocks a cancelled order under the refund’s key, as the refund job', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    await world.core.orders.cancel({ ...buyer.ctx, now: world.clock.now() }, order.id, {
      reason: 'Changed my mind',
    })
    await pw.settle()
    const [refund] = (await world.core.orders.explain(admin(), order.id)).refunds
    const movements = await world.core.inventory.movements(store.seller, store.variant.id, {
      limit: 10,
    })
    expect(movements.items.filter((m) => m.kind === 'restock')).toEqual([
      expect.objectContaining({ delta: 1, actor: 'system:refunds.settle' }),
    ])
    const key = `refund:${refund!.id}:${store.variant.id}`
    expect(await world.core.connection.collection('stock_movements').countDocuments({ key })).toBe(
      1,
    )
  })

  it('refuses a buyer refunding their own order', async () => {
    const { buyer, order } = await aPaidOrder(pw)
    await expect(
      world.core.refunds.refund(buyer.ctx, order.id, { reason: 'Free money' }, anIdempotencyKey()),
    ).rejects.toMatchObject({ kind: 'forbidden' })
  })
})

describe('restocking a refunded cancelled order', () => {
  it('finishes a restock interrupted after its first line when the retry job runs', async () => {
    const { seller, a, b, buyer, order } = await aPaidTwoLineOrder()
    const { inventory } = world.core
    const restock = inventory.restock.bind(inventory)
    let crashed = false
    // What a crash after the first line leaves: b's restock never happens.
    const spy = jest.spyOn(inventory, 'restock').mockImplementation(async (ctx, input) => {
      if (input.variantId === b.id && !crashed) {
        crashed = true
        throw new Error('process died')
      }
      return restock(ctx, input)
    })
    try {
      await cancelAndSettle(buyer.ctx, order.id)
    } finally {
      spy.mockRestore()
    }
    expect([await stockOf(seller, a), await stockOf(seller, b)]).toEqual([10, 7])
    world.clock.advance(61_000)
    await retryRestocks()
    expect([await stockOf(seller, a), await stockOf(seller, b)]).toEqual([10, 10])
    await retryRestocks()
    expect([await stockOf(seller, a), await stockOf(seller, b)]).toEqual([10, 10])
  })

  it('leaves a restock pending for less than a minute to the settlement in flight', async () => {
    const { seller, b, buyer, order } = await aPaidTwoLineOrder()
    const { inventory } = world.core
    const restock = inventory.restock.bind(inventory)
    const spy = jest.spyOn(inventory, 'restock').mockImplementation(async (ctx, input) => {
      if (input.variantId === b.id) throw new Error('process died')
      return restock(ctx, input)
    })
    try {
      await cancelAndSettle(buyer.ctx, order.id)
    } finally {
      spy.mockRestore()
    }
    await retryRestocks()
    expect(await stockOf(seller, b)).toBe(7)
  })

  it('restocks each line once and marks the restock done under replayed refund.processed', async () => {
    const { seller, a, b, buyer, order } = await aPaidTwoLineOrder()
    await cancelAndSettle(buyer.ctx, order.id)
    const reference = (await world.core.orders.get(admin(), order.id)).paymentReference
    await Promise.all(
      Array.from({ length: 5 }, () => world.core.refunds.settle(admin(), reference)),
    )
    world.clock.advance(61_000)
    await retryRestocks()
    expect([await stockOf(seller, a), await stockOf(seller, b)]).toEqual([10, 10])
    const refunds = await world.core.refunds.forOrder(order.id)
    expect(refunds.map((r) => r.restockState)).toEqual(['done'])
    const restocks = await world.core.connection
      .collection('stock_movements')
      .countDocuments({ kind: 'restock', orderGroupId: order.orderGroupId })
    expect(restocks).toBe(2)
  })

  it('marks nothing to restock on a refund of an order that is not cancelled', async () => {
    const { order } = await aPaidOrder(pw)
    await world.core.refunds.refund(admin(), order.id, { reason: 'Goodwill' }, anIdempotencyKey())
    await pw.settle()
    const [refund] = await world.core.refunds.forOrder(order.id)
    expect(refund).toMatchObject({ status: 'processed', restock: false })
    expect(refund?.restockState).toBeUndefined()
  })
})
