import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import type { AnyDelivered } from '../shared/events.js'
import { adminCliCtx } from '../test-support/harness.js'
import { aBuyer, aPaidOrder, aStoreSelling } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const heard: AnyDelivered[] = []
const { pw, world } = paystackWorldForSuite()
beforeAll(async () => {
  world.core.events.onAny((event) => {
    heard.push(event)
  })
})

const ship = { carrier: 'GIG Logistics', trackingNumber: 'GIG-123456' }
const admin = () => adminCliCtx(world.clock.now())
/** Each call is a fresh request: contexts carry the clock's time. */
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })
const eventsOf = (orderId: string) =>
  heard.filter((e) => 'orderId' in e && e.orderId === orderId).map((e) => e.event)

async function aShippedOrder() {
  const paid = await aPaidOrder(pw, { quantity: 1 })
  await world.core.orders.ship(as(paid.store.seller), paid.order.id, ship)
  return paid
}

describe('tracking checkpoints', () => {
  it('stores the seller’s checkpoint on the order and announces it to the order', async () => {
    const { store, buyer, order } = await aShippedOrder()
    const tracking = await world.core.orders.addTrackingCheckpoint(as(store.seller), order.id, {
      status: 'in_transit',
      location: 'Ibadan hub',
      note: 'left the sorting centre',
      estimatedDeliveryDate: '2026-12-10',
    })
    expect(tracking.checkpoints).toEqual([
      expect.objectContaining({
        status: 'in_transit',
        location: 'Ibadan hub',
        note: 'left the sorting centre',
        carrier: 'GIG Logistics',
        trackingNumber: 'GIG-123456',
        postedBy: 'seller',
        at: world.clock.now().toISOString(),
      }),
    ])
    const seen = await world.core.orders.tracking(as(buyer.ctx), order.id)
    expect(seen).toMatchObject({
      status: 'shipped',
      shipment: { estimatedDeliveryDate: '2026-12-10' },
      checkpoints: tracking.checkpoints,
    })
    await world.core.events.drain()
    const event = heard.find((e) => e.event === 'order.tracking_updated' && e.orderId === order.id)
    expect(event).toMatchObject({
      storeId: store.store.id,
      buyerId: buyer.user.id,
      checkpoint: tracking.checkpoints[0],
    })
  })

  it('moves the order to delivered on a delivered checkpoint, after announcing the checkpoint', async () => {
    const { store, buyer, order } = await aShippedOrder()
    const tracking = await world.core.orders.addTrackingCheckpoint(as(store.seller), order.id, {
      status: 'delivered',
      location: 'Lekki Phase 1',
    })
    expect(tracking).toMatchObject({ status: 'delivered', deliveredAt: expect.any(String) })
    const moved = await world.core.orders.get(admin(), order.id)
    expect(moved.timeline.at(-1)).toMatchObject({
      from: 'shipped',
      to: 'delivered',
      reason: 'delivered at Lekki Phase 1, per tracking',
    })
    await world.core.events.drain()
    expect(eventsOf(order.id).slice(-2)).toEqual(['order.tracking_updated', 'order.delivered'])
    await world.smtp.waitFor(buyer.email, /: delivered/)
  })

  it('takes a hand-over to another carrier as the shipment’s new carrier and number', async () => {
    const { store, order } = await aShippedOrder()
    const tracking = await world.core.orders.addTrackingCheckpoint(as(store.seller), order.id, {
      status: 'out_for_delivery',
      carrier: 'Kwik',
      trackingNumber: 'KWIK-99',
    })
    expect(tracking.shipment).toMatchObject({ carrier: 'Kwik', trackingNumber: 'KWIK-99' })
    expect(tracking.checkpoints[0]).toMatchObject({ carrier: 'Kwik', trackingNumber: 'KWIK-99' })
  })

  it('lists checkpoints by when they happened, a late post of an earlier scan included', async () => {
    const { store, order } = await aShippedOrder()
    const seller = as(store.seller)
    await world.core.orders.addTrackingCheckpoint(seller, order.id, { status: 'in_transit' })
    const earlier = new Date(world.clock.now().getTime() - 3600_000).toISOString()
    const tracking = await world.core.orders.addTrackingCheckpoint(seller, order.id, {
      status: 'picked_up',
      at: earlier,
    })
    expect(tracking.checkpoints.map((c) => c.status)).toEqual(['picked_up', 'in_transit'])
  })

  it('refuses a checkpoint dated in the future', async () => {
    const { store, order } = await aShippedOrder()
    const later = new Date(world.clock.now().getTime() + 5 * 60_000).toISOString()
    await expect(
      world.core.orders.addTrackingCheckpoint(as(store.seller), order.id, {
        status: 'in_transit',
        at: later,
      }),
    ).rejects.toMatchObject({ code: 'checkpoint_in_future' })
  })

  it('refuses a checkpoint on an order that is not shipped', async () => {
    const { store, order } = await aPaidOrder(pw, { quantity: 1 })
    await expect(
      world.core.orders.addTrackingCheckpoint(as(store.seller), order.id, { status: 'in_transit' }),
    ).rejects.toMatchObject({ code: 'order_not_shipped' })
  })

  it('lets an administrator post a checkpoint but not deliver the order by one', async () => {
    const { order } = await aShippedOrder()
    const tracking = await world.core.orders.addTrackingCheckpoint(admin(), order.id, {
      status: 'failed_attempt',
      note: 'nobody home',
    })
    expect(tracking.checkpoints[0]).toMatchObject({ status: 'failed_attempt', postedBy: 'admin' })
    await expect(
      world.core.orders.addTrackingCheckpoint(admin(), order.id, { status: 'delivered' }),
    ).rejects.toMatchObject({ code: 'transition_not_allowed' })
    const after = await world.core.orders.tracking(admin(), order.id)
    expect(after.status).toBe('shipped')
    expect(after.checkpoints).toHaveLength(1)
  })

  it('hides the tracking from another buyer and another store’s seller', async () => {
    const { order } = await aShippedOrder()
    const otherBuyer = await aBuyer(world)
    const otherStore = await aStoreSelling(world)
    await expect(world.core.orders.tracking(otherBuyer.ctx, order.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(world.core.orders.tracking(otherStore.seller, order.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(
      world.core.orders.addTrackingCheckpoint(otherStore.seller, order.id, {
        status: 'in_transit',
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('shows the tracking to the store’s seller', async () => {
    const { store, order } = await aShippedOrder()
    const seen = await world.core.orders.tracking(as(store.seller), order.id)
    expect(seen).toMatchObject({ orderId: order.id, status: 'shipped', checkpoints: [] })
  })
})
