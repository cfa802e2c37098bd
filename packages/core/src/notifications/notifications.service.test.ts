import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Delivered } from '../shared/events.js'
import { aSignedUpSeller } from '../test-support/catalog-builders.js'
import { adminCliCtx, aVerifiedUser, userCtx } from '../test-support/harness.js'
import {
  aPaidOrder,
  aVariantOf,
  createPaystackWorld,
  type PaystackWorld,
} from '../test-support/order-builders.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { UNREAD_COUNT_CAP } from './notifications.service.js'

const world = testWorldForSuite()

const settle = async () => {
  // A subscriber's own event (`notification.created`) starts handlers of its own.
  await world.core.events.drain()
  await world.core.events.drain()
}
const inboxOf = (userId: string) =>
  world.core.notifications.list(userCtx(userId, 'buyer', world.clock.now()), { limit: 100 })

describe('inbox items made from events', () => {
  it("tells a store's owner their store was approved, once, with a link to the store", async () => {
    const { store, userId } = await aSignedUpSeller(world)
    await settle()
    const inbox = await inboxOf(userId)
    expect(inbox.items).toMatchObject([
      { type: 'store_decision', link: { storeId: store.id }, readAt: null, archivedAt: null },
    ])
    expect(inbox.items[0]!.title).toContain(store.name)
  })

  it("tells the owner of a product's store that the product was approved", async () => {
    const { seller, store, userId } = await aSignedUpSeller(world)
    const variant = await aVariantOf(world, seller)
    await settle()
    const decisions = await world.core.notifications.list(userCtx(userId, 'seller'), {
      limit: 10,
      type: 'product_decision',
    })
    expect(decisions.items).toMatchObject([
      {
        title: 'A product of yours was approved',
        link: { storeId: store.id, productId: variant.productId },
      },
    ])
  })

  it('makes one item per event and user however often the subscriber is retried', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    const item = {
      userId: user.id,
      eventId: '65f000000000000000000001',
      type: 'security' as const,
      title: 'Your password was reset',
      body: 'If this was not you, contact support at once.',
    }
    const first = await world.core.notifications.deliver(world.clock.now(), item)
    const again = await Promise.all([
      world.core.notifications.deliver(world.clock.now(), item),
      world.core.notifications.deliver(world.clock.now(), item),
    ])
    expect([first, ...again]).toEqual([true, false, false])
    expect((await inboxOf(user.id)).items).toHaveLength(1)
  })

  it('tells a suspended user with a security item that names the reason', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    await world.core.users.suspend(adminCliCtx(world.clock.now()), user.id, {
      reason: 'chargeback fraud',
    })
    await settle()
    expect((await inboxOf(user.id)).items).toMatchObject([
      { type: 'security', title: 'Your account was suspended', body: 'Reason: chargeback fraud' },
    ])
  })

  it('announces a new item with the absolute unread count and the inbox seq', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    const heard: Delivered<'notification.created'>[] = []
    const off = world.core.events.on('notification.created', (event) => {
      if (event.userId === user.id) heard.push(event)
    })
    for (const n of [1, 2])
      await world.core.notifications.deliver(world.clock.now(), {
        userId: user.id,
        eventId: `65f00000000000000000010${n}`,
        type: 'order_update',
        title: `Update ${n}`,
        body: 'b',
      })
    await settle()
    off()
    expect(heard.map((e) => [e.title, e.unreadCount, e.seq])).toEqual([
      ['Update 1', 1, 1],
      ['Update 2', 2, 2],
    ])
    expect(heard[1]!.notificationId).toBe((await inboxOf(user.id)).items[0]!.id)
  })
})

describe('reading, archiving and the unread count', () => {
  it('counts unread unarchived items and bumps the seq on each change', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    const ctx = userCtx(user.id, 'buyer', world.clock.now())
    const svc = world.core.notifications
    for (const n of [1, 2, 3])
      await svc.deliver(world.clock.now(), {
        userId: user.id,
        eventId: `65f00000000000000000020${n}`,
        type: 'order_update',
        title: `Update ${n}`,
        body: 'b',
      })
    const [third, second] = (await inboxOf(user.id)).items
    expect(await svc.unreadCount(ctx)).toEqual({ unreadCount: 3, seq: 3 })
    expect((await svc.markRead(ctx, third!.id)).readAt).toBe(ctx.now.toISOString())
    await svc.markRead(ctx, third!.id) // already read: no change, no bump
    expect(await svc.unreadCount(ctx)).toEqual({ unreadCount: 2, seq: 4 })
    await svc.archive(ctx, second!.id)
    expect(await svc.unreadCount(ctx)).toEqual({ unreadCount: 1, seq: 5 })
    expect((await svc.list(ctx, { limit: 10, archived: true })).items.map((i) => i.id)).toEqual([
      second!.id,
    ])
    expect((await svc.list(ctx, { limit: 10, unread: true })).items).toHaveLength(1)
    expect(await svc.markAllRead(ctx)).toEqual({ updated: 2, unreadCount: 0, seq: 6 })
    expect(await svc.markAllSeen(ctx)).toEqual({ updated: 3 })
  })

  it('reports an unread count of 100 or more as 100', async () => {
    const { user } = await aVerifiedUser(world, 'seller')
    const ctx = userCtx(user.id, 'seller', world.clock.now())
    await world.core.connection.collection('notifications').insertMany(
      Array.from({ length: UNREAD_COUNT_CAP + 5 }, (_, n) => ({
        userId: user.id,
        eventId: `cap-${n}`,
        type: 'order_update',
        title: `Order ${n}`,
        body: 'b',
        link: {},
        createdAt: world.clock.now(),
      })),
    )
    expect((await world.core.notifications.unreadCount(ctx)).unreadCount).toBe(UNREAD_COUNT_CAP)
  })

  it("refuses another user's item as not found", async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    const other = await aVerifiedUser(world, 'buyer')
    await world.core.notifications.deliver(world.clock.now(), {
      userId: user.id,
      eventId: '65f000000000000000000301',
      type: 'order_update',
      title: 't',
      body: 'b',
    })
    const [item] = (await inboxOf(user.id)).items
    const stranger = userCtx(other.user.id, 'buyer', world.clock.now())
    await expect(world.core.notifications.markRead(stranger, item!.id)).rejects.toMatchObject({
      kind: 'not_found',
    })
    await expect(world.core.notifications.archive(stranger, item!.id)).rejects.toMatchObject({
      kind: 'not_found',
    })
  })
})

describe('preferences', () => {
  it('makes no inbox item for a type muted in the app, and still delivers critical ones', async () => {
    const { user } = await aVerifiedUser(world, 'seller')
    const ctx = userCtx(user.id, 'seller', world.clock.now())
    const prefs = await world.core.notifications.updatePreferences(ctx, {
      types: { payout: { inApp: false } },
    })
    expect(prefs.payout).toEqual({ inApp: false, email: true, mutable: true })
    const payout = { userId: user.id, type: 'payout' as const, title: 't', body: 'b' }
    expect(
      await world.core.notifications.deliver(world.clock.now(), {
        ...payout,
        eventId: '65f000000000000000000401',
      }),
    ).toBe(false)
    expect(
      await world.core.notifications.deliver(world.clock.now(), {
        ...payout,
        eventId: '65f000000000000000000402',
        critical: true,
      }),
    ).toBe(true)
    expect((await inboxOf(user.id)).items).toHaveLength(1)
  })

  it('sends no store or product decision mail to a seller who muted them by email', async () => {
    const { seller, store, email, userId } = await aSignedUpSeller(world, 'pending')
    const { core, clock, smtp } = world
    const sellerCtx = userCtx(userId, 'seller', clock.now())
    await core.notifications.updatePreferences(sellerCtx, {
      types: { store_decision: { email: false }, product_decision: { email: false } },
    })
    await core.stores.approve(adminCliCtx(clock.now()), store.id)
    await aVariantOf(world, seller)
    // Unmuted again, the next decision's mail arrives; the muted ones would have come before it.
    await core.notifications.updatePreferences(sellerCtx, {
      types: { product_decision: { email: true } },
    })
    await aVariantOf(world, seller)
    await smtp.waitFor(email, /is live/)
    await core.stores.suspend(adminCliCtx(clock.now()), store.id, { reason: 'Counterfeit goods' })
    await core.notifications.updatePreferences(sellerCtx, {
      types: { store_decision: { email: true } },
    })
    await core.stores.reinstate(adminCliCtx(clock.now()), store.id)
    await smtp.waitFor(email, /is open again/)
    const subjects = smtp.to(email).map((m) => m.subject)
    expect(subjects.filter((s) => /is live/.test(s))).toHaveLength(1)
    expect(subjects).not.toContainEqual(expect.stringMatching(/is approved/))
    expect(subjects).not.toContainEqual(expect.stringMatching(/is suspended/))
    // The inbox still has the decisions: only the email channel was muted.
    await settle()
    const decisions = await core.notifications.list(sellerCtx, {
      limit: 10,
      type: 'store_decision',
    })
    expect(decisions.items.map((i) => i.title)).toEqual([
      expect.stringMatching(/is suspended$/),
      expect.stringMatching(/is approved/),
    ])
    // Each item stands on its own (the email was muted): the reason given, or that none was.
    expect(decisions.items.map((i) => i.body)).toEqual([
      'Reason: Counterfeit goods',
      'No reason was given.',
    ])
  })

  it('refuses to mute security or payment, naming the type', async () => {
    const { user } = await aVerifiedUser(world, 'buyer')
    const ctx = userCtx(user.id, 'buyer', world.clock.now())
    await expect(
      world.core.notifications.updatePreferences(ctx, { types: { security: { email: false } } }),
    ).rejects.toMatchObject({ kind: 'validation', message: expect.stringContaining('security') })
    expect((await world.core.notifications.preferences(ctx)).security).toEqual({
      inApp: true,
      email: true,
      mutable: false,
    })
  })
})

describe('orders', () => {
  let pw: PaystackWorld
  beforeAll(async () => {
    pw = await createPaystackWorld()
  })
  afterAll(() => pw.close())

  it('tells the buyer and the seller of a newly paid order', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    await pw.settle()
    await pw.world.core.events.drain()
    const list = (userId: string) =>
      pw.world.core.notifications.list(userCtx(userId, 'buyer', pw.world.clock.now()), {
        limit: 10,
        type: 'order_update',
      })
    expect((await list(buyer.user.id)).items).toMatchObject([
      { type: 'order_update', link: { orderId: order.id, storeId: store.store.id } },
    ])
    const sellerItems = (
      await list(store.seller.actor.kind === 'user' ? store.seller.actor.id : '')
    ).items
    expect(sellerItems).toMatchObject([{ title: `New paid order for ${store.store.name}` }])
  })

  it('tells the buyer of a cancelled paid order and of its refund, found through the order', async () => {
    const { buyer, order } = await aPaidOrder(pw)
    const { core, clock } = pw.world
    const buyerCtx = userCtx(buyer.user.id, 'buyer', clock.now())
    await core.orders.cancel(buyerCtx, order.id, { reason: 'Changed my mind' })
    await pw.settle()
    await core.events.drain()
    const refunds = await core.notifications.list(buyerCtx, { limit: 10, type: 'refund' })
    expect(refunds.items).toMatchObject([
      {
        title: expect.stringMatching(/^Your refund of .+ was processed$/),
        link: { orderId: order.id },
      },
    ])
    expect(refunds.items[0]!.link.refundId).toEqual(expect.any(String))
    const updates = await core.notifications.list(buyerCtx, { limit: 10, type: 'order_update' })
    expect(updates.items[0]!.title).toMatch(/was cancelled$/)
  })

  it('sends no order status mail to a buyer who muted order updates by email', async () => {
    const { store, buyer, order } = await aPaidOrder(pw)
    const { core, clock, smtp } = pw.world
    const buyerCtx = userCtx(buyer.user.id, 'buyer', clock.now())
    await core.notifications.updatePreferences(buyerCtx, {
      types: { order_update: { email: false } },
    })
    await core.orders.ship(store.seller, order.id, { carrier: 'GIG', trackingNumber: 'G-1' })
    // Unmuted again, the next step's mail arrives; a shipped mail would have come before it.
    await core.notifications.updatePreferences(buyerCtx, {
      types: { order_update: { email: true } },
    })
    await core.orders.markDelivered(store.seller, order.id)
    await smtp.waitFor(buyer.email, /delivered/)
    expect(smtp.to(buyer.email).map((m) => m.subject)).not.toContainEqual(
      expect.stringMatching(/shipped/),
    )
    await pw.settle()
    await core.events.drain()
    // The inbox still has both steps: only the email channel was muted.
    const inbox = await core.notifications.list(buyerCtx, { limit: 10, type: 'order_update' })
    expect(inbox.items.map((i) => i.title)).toEqual([
      `Your order from ${store.store.name} was delivered`,
      `Your order from ${store.store.name} has shipped`,
      `Payment received: ${store.store.name} is preparing your order`,
    ])
  })
})
