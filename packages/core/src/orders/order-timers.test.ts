import { describe, expect, it } from '@jest/globals'
import type { Ctx } from '../shared/ctx.js'
import { adminCliCtx } from '../test-support/harness.js'
import { aBuyer, aCheckout, aPaidOrder, aStoreSelling } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

// The timers as loadConfig maps ORDER_RESERVATION_MINUTES=45, ORDER_AUTO_DELIVER_DAYS=3 and
// ORDER_RETURN_WINDOW_DAYS=2; none of them is a default.
const { pw, world } = paystackWorldForSuite({
  config: { orders: { reservationMinutes: 45, autoDeliverDays: 3, returnWindowDays: 2 } },
})

const DAY = 24 * 3600 * 1000
const admin = () => adminCliCtx(world.clock.now())
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })
const ship = { carrier: 'GIG Logistics', trackingNumber: 'GIG-654321' }

describe('order timers from configuration', () => {
  it('holds a checkout for the configured reservation minutes', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const result = await aCheckout(world, buyer.ctx, [{ variantId: store.variant.id, quantity: 1 }])
    const held = Date.parse(result.orderGroup.expiresAt) - buyer.ctx.now.getTime()
    expect(held).toBe(45 * 60_000)
  })

  it('counts a shipped order as delivered after the configured days', async () => {
    const { store, order } = await aPaidOrder(pw)
    await world.core.orders.ship(as(store.seller), order.id, ship)
    world.clock.advance(3 * DAY + 1000)
    await world.core.jobs.run(admin(), 'auto-deliver-shipped-orders')
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('delivered')
  })

  it('completes a delivered order once the configured return window ends', async () => {
    const { store, order } = await aPaidOrder(pw)
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await world.core.orders.markDelivered(as(store.seller), order.id)
    world.clock.advance(2 * DAY + 1000)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('completed')
  })
})
