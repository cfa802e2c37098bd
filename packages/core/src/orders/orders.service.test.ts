import { describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import { adminCliCtx } from '../test-support/harness.js'
import { aBuyer, aCheckout, aPaidOrder, aStoreSelling } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { pw, world } = paystackWorldForSuite()

const DAY = 24 * 3600 * 1000
const admin = () => adminCliCtx(world.clock.now())
const ship = { carrier: 'GIG Logistics', trackingNumber: 'GIG-123456' }
const journals = async (orderId: string) =>
  (await world.core.ledger.journalsForOrder(admin(), orderId)).map((j) => j.kind)
const stockOf = async (seller: Ctx, productId: string) =>
  (await world.core.products.get(seller, productId)).variants[0]?.stock

/** Each call is a fresh request: contexts carry the clock's time. */
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })

describe('who sees an order', () => {
  it('gives another buyer a 404 for someone else’s order', async () => {
    const { order } = await aPaidOrder(pw, { quantity: 2 })
    const other = await aBuyer(world)
    await expect(world.core.orders.getOwn(other.ctx, order.id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('gives another seller a 404 and leaves the order out of their list', async () => {
    const { order } = await aPaidOrder(pw, { quantity: 2 })
    const other = await aStoreSelling(world)
    await expect(world.core.orders.getForSeller(other.seller, order.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    const list = await world.core.orders.listForSeller(other.seller, { limit: 100 })
    expect(list.items.map((o) => o.id)).not.toContain(order.id)
  })

  it('shows the seller only their own store’s order of a two-store checkout, without the group', async () => {
    const a = await aStoreSelling(world)
    const b = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [
      { variantId: a.variant.id, quantity: 1 },
      { variantId: b.variant.id, quantity: 1 },
    ])
    const list = await world.core.orders.listForSeller(a.seller, { limit: 100 })
    const mine = result.orders.find((o) => o.storeId === a.store.id)!
    const theirs = result.orders.find((o) => o.storeId === b.store.id)!
    expect(list.items.map((o) => o.id)).toContain(mine.id)
    expect(list.items.map((o) => o.id)).not.toContain(theirs.id)
    const seen = await world.core.orders.getForSeller(a.seller, mine.id)
    expect(seen).not.toHaveProperty('orderGroupId')
    expect(seen).toMatchObject({ commissionRateBps: 500, commission: 75_000, sellerNet: 1_425_000 })
  })

  it('lists the buyer’s own orders, newest first', async () => {
    const { buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    const list = await world.core.orders.listOwn(buyer.ctx, { limit: 10 })
    expect(list.items.map((o) => o.id)).toEqual([order.id])
  })
})

describe('the lifecycle of a paid order', () => {
  it('runs from accepted to shipped, delivered and completed, releasing the seller share', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    const accepted = await world.core.orders.accept(as(store.seller), order.id)
    expect(accepted).toMatchObject({ status: 'processing', acceptedAt: expect.any(String) })
    const shipped = await world.core.orders.ship(as(store.seller), order.id, ship)
    expect(shipped.shipment).toMatchObject(ship)
    await world.smtp.waitFor(buyer.email, /: shipped/)
    const delivered = await world.core.orders.confirmDelivery(as(buyer.ctx), order.id)
    expect(delivered.status).toBe('delivered')
    world.clock.advance(7 * DAY + 1000)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    const done = await world.core.orders.get(admin(), order.id)
    expect(done).toMatchObject({ status: 'completed', fundsReleased: true })
    expect(await journals(order.id)).toEqual(['sale', 'release'])
    expect(done.timeline.map((t) => `${t.from}->${t.to}`)).toEqual([
      'null->pending',
      'pending->processing',
      'processing->processing',
      'processing->shipped',
      'shipped->delivered',
      'delivered->completed',
    ])
  })

  it('counts a shipped order as delivered after 14 days', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    world.clock.advance(14 * DAY + 1000)
    await world.core.jobs.run(admin(), 'auto-deliver-shipped-orders')
    const delivered = await world.core.orders.get(admin(), order.id)
    expect(delivered.status).toBe('delivered')
    expect(delivered.timeline.at(-1)?.actor).toBe('system:auto-deliver-shipped-orders')
  })

  it('does not complete a delivered order before the return window ends', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.markDelivered(as(store.seller), order.id)
    world.clock.advance(6 * DAY)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('delivered')
  })

  it('refuses the buyer shipping an order', async () => {
    const { buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await expect(world.core.orders.ship(buyer.ctx, order.id, ship)).rejects.toMatchObject({
      kind: 'forbidden',
    })
  })

  it('refuses shipping an order that is not paid', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: store.variant.id, quantity: 1 }])
    await expect(
      world.core.orders.ship(store.seller, result.orders[0]!.id, ship),
    ).rejects.toMatchObject({ code: 'invalid_transition' })
  })

  it('refuses the buyer cancelling an order once shipped', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await expect(world.core.orders.cancel(as(buyer.ctx), order.id)).rejects.toMatchObject({
      code: 'invalid_transition',
    })
  })

  it('emails buyer and seller when the order is delivered', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.confirmDelivery(as(buyer.ctx), order.id)
    await world.smtp.waitFor(buyer.email, /: delivered/)
    await world.smtp.waitFor(store.email, /: delivered/)
  })
})

describe('disputes', () => {
  it('stops completion, and an administrator releasing it pays the seller', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.confirmDelivery(as(buyer.ctx), order.id)
    await world.core.orders.dispute(as(buyer.ctx), order.id, { reason: 'The dress is torn' })
    world.clock.advance(8 * DAY)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('disputed')
    const resolved = await world.core.orders.resolve(admin(), order.id, {
      resolution: 'release',
      reason: 'Photos show it arrived whole',
    })
    expect(resolved).toMatchObject({ status: 'resolved', fundsReleased: true })
    expect(await journals(order.id)).toEqual(['sale', 'release'])
  })

  it('refunds the buyer when an administrator resolves it for them', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.dispute(as(buyer.ctx), order.id, { reason: 'Never arrived' })
    await world.core.orders.resolve(admin(), order.id, {
      resolution: 'refund',
      reason: 'Lost by the carrier',
    })
    await pw.settle()
    expect(await journals(order.id)).toEqual(['sale', 'refund'])
    await world.smtp.waitFor(buyer.email, /Refund of ₦20,000.00/)
  })

  it('refuses a seller opening a dispute', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await expect(
      world.core.orders.dispute(store.seller, order.id, { reason: 'Buyer is rude' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('refuses a buyer resolving their own dispute', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.dispute(as(buyer.ctx), order.id, { reason: 'Wrong size' })
    await expect(
      world.core.orders.resolve(buyer.ctx, order.id, { resolution: 'refund', reason: 'I win' }),
    ).rejects.toMatchObject({ kind: 'forbidden' })
  })
})

describe('cancelling', () => {
  it('cancels the whole unpaid checkout and gives its stock back when the buyer cancels', async () => {
    const store = await aStoreSelling(world, { stock: 5 })
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: store.variant.id, quantity: 2 }])
    const cancelled = await world.core.orders.cancel(as(buyer.ctx), result.orders[0]!.id, {})
    expect(cancelled.status).toBe('cancelled')
    expect(await stockOf(store.seller, store.variant.productId)).toBe(5)
  })

  it('refunds a paid order the buyer cancels, books the refund and restocks once Paystack processes it', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { stock: 10, quantity: 2 })
    expect(await stockOf(store.seller, store.variant.productId)).toBe(8)
    await world.core.orders.cancel(as(buyer.ctx), order.id, { reason: 'Ordered the wrong size' })
    await pw.settle()
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.order).toMatchObject({ status: 'cancelled', refundedAmount: 2_000_000 })
    expect(explained.refunds).toEqual([
      expect.objectContaining({ status: 'processed', amount: 2_000_000, restock: true }),
    ])
    expect(await journals(order.id)).toEqual(['sale', 'refund'])
    expect(await stockOf(store.seller, store.variant.productId)).toBe(10)
    await world.smtp.waitFor(buyer.email, /Refund of ₦20,000.00/)
  })

  it('refunds a paid order the seller cancels', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.cancelForSeller(as(store.seller), order.id, { reason: 'Out of fabric' })
    await pw.settle()
    expect(await journals(order.id)).toEqual(['sale', 'refund'])
  })
})

describe('explain', () => {
  it('shows the moves open next and the auto-delivery timer of a shipped order', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 2 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.next).toEqual([
      { to: 'delivered', who: ['seller', 'buyer', 'system'] },
      { to: 'disputed', who: ['buyer'] },
    ])
    expect(explained.timers.map((t) => t.name)).toEqual(['auto-deliver'])
  })
})
