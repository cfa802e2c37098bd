import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { KeyValueStore } from '../adapters/kv.js'
import type { Ctx } from '../shared/ctx.js'
import type { EventBus } from '../shared/events.js'
import { adminCliCtx, type TestWorld, testKv } from '../test-support/harness.js'
import {
  aBuyer,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  aVariantOf,
  createPaystackWorld,
  type PaystackWorld,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { anAccountNumber, aSellerWithPayoutAccount } from '../test-support/payout-builders.js'
import { FraudSignals, payoutAccountHash } from './fraud.signals.js'

// The in-process key-value store (no REDIS_URL): the same counters as on Redis, per process.
let pw: PaystackWorld
let world: TestWorld
beforeAll(async () => {
  pw = await createPaystackWorld({ kv: 'memory' })
  world = pw.world
})
afterAll(() => pw.close())

const admin = () => adminCliCtx(world.clock.now())
let address = 10
const anAddress = () => `100.64.0.${address++}`

/** Checks out one unit of the variant as `buyer` from a fresh address; returns the decision. */
async function decisionOf(buyer: Ctx, variantId: string) {
  const ip = buyer.ip?.startsWith('100.64.') ? buyer.ip : anAddress()
  const ctx = { ...buyer, now: world.clock.now(), ip }
  await world.core.cart.addItem(ctx, { variantId, quantity: 1 })
  const result = await world.core.checkout.checkout(
    ctx,
    { shippingAddress: aShippingAddress() },
    anIdempotencyKey(),
  )
  const decision = await world.core.fraud.decisionFor(admin(), result.body.orderGroup.id)
  return { decision: decision!, result: result.body }
}

describe('fraud signals', () => {
  it('holds a purchase between two stores paid into the same bank account', async () => {
    const account = anAccountNumber()
    const selling = await aSellerWithPayoutAccount(world, account)
    const variant = await aVariantOf(world, selling.seller)
    const buying = await aSellerWithPayoutAccount(world, account)
    await world.core.events.drain()
    const { decision } = await decisionOf(buying.seller, variant.id)
    expect(decision.inputs).toMatchObject({ sharedPayoutAccount: 1, payoutAccountStores: 2 })
    expect(decision.outcome).toBe('hold')
  })

  it('keys the payout-account hash: another key gives another hash, and the number is not in it', () => {
    const a = payoutAccountHash(Buffer.alloc(32, 1), '058', '0123456789')
    const b = payoutAccountHash(Buffer.alloc(32, 2), '058', '0123456789')
    expect(a).not.toBe(b)
    expect(a).not.toContain('0123456789')
    expect(a).toMatch(/^[0-9a-f]{64}$/)
  })

  it("counts a buyer's paid orders, refunds and card payments", async () => {
    const store = await aStoreSelling(world, { stock: 10 })
    const buyer = await aBuyer(world)
    const ctx = { ...buyer.ctx, ip: anAddress() }
    const first = await decisionOf(ctx, store.variant.id)
    await payOnCheckoutPage(first.result.payment.authorizationUrl)
    await pw.settle()
    const orderId = first.result.orders[0]!.id
    await world.core.refunds.refund(
      admin(),
      orderId,
      { reason: 'Not as described' },
      anIdempotencyKey(),
    )
    await pw.settle()
    const { decision } = await decisionOf(ctx, store.variant.id)
    expect(decision.inputs).toMatchObject({
      buyerPastOrders: 1,
      buyerRefundRate: 1,
      cardOrdersDay: 1,
    })
  })

  it("counts card velocity per physical card: two buyers' sandbox cards differ unless they share one", async () => {
    const store = await aStoreSelling(world, { stock: 10 })
    /** Two buyers each pay one checkout, then the second checks out again: its card count. */
    const secondBuyersCardCount = async (signature?: string) => {
      const [first, second] = [await aBuyer(world), await aBuyer(world)]
      for (const buyer of [first, second]) {
        const paying = await decisionOf(buyer.ctx, store.variant.id)
        await payOnCheckoutPage(paying.result.payment.authorizationUrl, 'success', signature)
        await pw.settle()
      }
      return (await decisionOf(second.ctx, store.variant.id)).decision.inputs.cardOrdersDay
    }
    expect(await secondBuyersCardCount()).toBe(1)
    expect(await secondBuyersCardCount(`SIG_shared_${Date.now()}`)).toBe(2)
  })

  it('counts a payment issue against the buyer, the address and the card', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const ctx = { ...buyer.ctx, ip: anAddress() }
    const first = await decisionOf(ctx, store.variant.id)
    await world.core.events.emit('order_group.payment_issue', {
      orderGroupId: first.result.orderGroup.id,
      code: 'amount_mismatch',
    })
    await world.core.events.drain()
    const { decision } = await decisionOf(ctx, store.variant.id)
    expect(decision.inputs).toMatchObject({ buyerFailedPaymentsDay: 1, ipFailedPaymentsDay: 1 })
  })

  it('reads a price far from its category median in a new store selling dear items', async () => {
    for (let i = 0; i < 5; i++) await aStoreSelling(world, { price: 1_000_000 })
    await world.core.events.drain()
    const dear = await aStoreSelling(world, { price: 20_000_000 })
    await world.core.events.drain()
    const buyer = await aBuyer(world)
    const { decision } = await decisionOf(buyer.ctx, dear.variant.id)
    expect(decision.inputs.newStoreHighValue).toBe(1)
    expect(decision.inputs.priceDeviation).toBeGreaterThan(3)
    expect(decision.fired.map((f) => f.id)).toEqual(
      expect.arrayContaining(['new_store_high_value', 'price_far_from_median']),
    )
  })

  it('links a buyer and a seller who share a device', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    // The seller checked out from the device before (as a buyer of another store).
    const other = await aStoreSelling(world)
    const sellerCtx = { ...store.seller, ip: anAddress() }
    await world.core.cart.addItem(sellerCtx, { variantId: other.variant.id, quantity: 1 })
    await world.core.checkout.checkout(
      sellerCtx,
      { shippingAddress: aShippingAddress(), deviceId: 'phone-0001-shared' },
      anIdempotencyKey(),
    )
    const ctx = { ...buyer.ctx, now: world.clock.now(), ip: anAddress() }
    await world.core.cart.addItem(ctx, { variantId: store.variant.id, quantity: 1 })
    const result = await world.core.checkout.checkout(
      ctx,
      { shippingAddress: aShippingAddress(), deviceId: 'phone-0001-shared' },
      anIdempotencyKey(),
    )
    const decision = await world.core.fraud.decisionFor(admin(), result.body.orderGroup.id)
    expect(decision?.inputs.sharedDeviceWithSeller).toBe(1)
    expect(decision?.fired.map((f) => f.id)).toContain('shared_device_with_seller')
  })

  it('refuses a device id that is too short, writing nothing', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: store.variant.id, quantity: 1 })
    await expect(
      world.core.checkout.checkout(
        buyer.ctx,
        { shippingAddress: aShippingAddress(), deviceId: 'short' },
        anIdempotencyKey(),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    const decisions = await world.core.fraud.listDecisions(admin(), { buyerId: buyer.user.id })
    expect(decisions.items).toHaveLength(0)
  })
})

describe('fraud signals on Redis', () => {
  // Opened in beforeAll: a filtered run that skips these tests opens no connection to close.
  let kv: KeyValueStore
  let signals: FraudSignals
  const now = new Date('2026-03-02T10:00:00Z')
  beforeAll(() => {
    kv = testKv('redis')
    signals = new FraudSignals(kv)
  })
  afterAll(() => kv.close())

  it('keeps every user of concurrent checkouts from one address', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `user-${i}`)
    await Promise.all(users.map((u) => signals.sawUser(u, { ip: '198.51.100.7' })))
    expect((await signals.usersOn('ip', '198.51.100.7')).sort()).toEqual([...users].sort())
  })

  it('keeps every store of concurrent payout-account links, and moves a store that changes', async () => {
    const stores = Array.from({ length: 10 }, (_, i) => `store-${i}`)
    await Promise.all(stores.map((s) => signals.linkPayoutAccount(s, 'hash-shared')))
    expect((await signals.payoutAccountOf('store-3')).stores.sort()).toEqual([...stores].sort())
    await signals.linkPayoutAccount('store-3', 'hash-own')
    expect((await signals.payoutAccountOf('store-0')).stores).not.toContain('store-3')
    expect((await signals.payoutAccountOf('store-3')).stores).toEqual(['store-3'])
  })

  it('counts an event delivered twice once, and another event again', async () => {
    await signals.count('failed', 'buyer', 'buyer-r', now, 'event-1')
    await signals.count('failed', 'buyer', 'buyer-r', now, 'event-1')
    expect(await signals.read('failed', 'buyer', 'buyer-r', 'day', now)).toBe(1)
    expect(await signals.read('failed', 'buyer', 'buyer-r', 'hour', now)).toBe(1)
    await signals.count('failed', 'buyer', 'buyer-r', now, 'event-2')
    expect(await signals.read('failed', 'buyer', 'buyer-r', 'day', now)).toBe(2)
  })
})

describe('fraud signal subscribers', () => {
  it('count a retried delivery of the same event once', async () => {
    // The relay retries a subscriber with the same event id: capture the subscriber and run it
    // twice, as the relay would after a crash between the count and the `done` mark.
    const handlers = new Map<string, (event: unknown) => Promise<void>>()
    const bus = {
      subscribe: (name: string, _subscriber: string, handler: (event: unknown) => Promise<void>) =>
        handlers.set(name, handler),
    } as unknown as EventBus
    world.core.fraud.subscribe(bus)
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const flagged = {
      event: 'chat.message_flagged',
      eventId: `evt-${store.store.id}`,
      conversationId: 'c1',
      storeId: store.store.id,
      buyerId: buyer.user.id,
      senderId: buyer.user.id,
      reasons: ['off_platform_payment'],
    }
    await handlers.get('chat.message_flagged')!(flagged)
    await handlers.get('chat.message_flagged')!(flagged)
    const { decision } = await decisionOf(buyer.ctx, store.variant.id)
    expect(decision.inputs.chatFlags).toBe(2) // one against the buyer, one against the store
  })
})
