import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import type { Ctx } from '../shared/ctx.js'
import type { AnyDelivered } from '../shared/events.js'
import { A_PASSWORD, adminCliCtx, anonCtx, type TestWorld } from '../test-support/harness.js'
import {
  aBuyer,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  createPaystackWorld,
  type PaystackWorld,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { describeTransitionTable } from '../test-support/transition-tables.js'
import { fraudCaseTransitions } from './fraud-case.transitions.js'

let pw: PaystackWorld
let world: TestWorld
const published: AnyDelivered[] = []
beforeAll(async () => {
  pw = await createPaystackWorld({ kv: 'redis' })
  world = pw.world
  world.core.events.onAny((event) => {
    if (event.event.startsWith('fraud.')) published.push(event)
  })
})
afterAll(() => pw.close())

const DAY = 24 * 3600 * 1000
const admin = () => adminCliCtx(world.clock.now())
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })
const ship = { carrier: 'GIG Logistics', trackingNumber: 'GIG-123456' }
let address = 10
/** A fresh client address per test, so velocity counters of one test do not leak into another. */
const anAddress = () => `198.51.100.${address++}`

/** A store, and a buyer checking out one unit from a fresh address. */
async function aScene(options: { price?: number } = {}) {
  const store = await aStoreSelling(world, { price: options.price ?? 1_000_000, stock: 20 })
  const buyer = await aBuyer(world)
  const ip = anAddress()
  const buyerCtx = (): Ctx => ({ ...buyer.ctx, now: world.clock.now(), ip })
  /** The seller signs in from the buyer's address (a self-purchase tell). */
  const sellerSignsInFromBuyerAddress = () =>
    world.core.accounts.login(anonCtx(world.clock.now(), ip), {
      email: store.email,
      password: A_PASSWORD,
    })
  const checkout = async (extra: { deviceId?: string } = {}) => {
    await world.core.cart.addItem(buyerCtx(), { variantId: store.variant.id, quantity: 1 })
    return (
      await world.core.checkout.checkout(
        buyerCtx(),
        { shippingAddress: aShippingAddress(), ...extra },
        anIdempotencyKey(),
      )
    ).body
  }
  return { store, buyer, ip, buyerCtx, sellerSignsInFromBuyerAddress, checkout }
}

async function paid(result: { payment: { authorizationUrl: string } }) {
  await payOnCheckoutPage(result.payment.authorizationUrl)
  await pw.settle()
}

const flagChat = (buyerId: string, storeId: string) =>
  world.core.events.emit('chat.message_flagged', {
    conversationId: 'c1',
    storeId,
    buyerId,
    senderId: buyerId,
    reasons: ['payment_diversion'],
  })

describeTransitionTable('fraud case', fraudCaseTransitions, [
  ['open', 'cleared'],
  ['open', 'confirmed'],
])

describe('fraud decisions at checkout', () => {
  it('allows an ordinary checkout and stores its score, inputs and rules', async () => {
    const scene = await aScene()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision).toMatchObject({
      outcome: 'allow',
      score: 0,
      fired: [],
      ruleSetVersion: 1,
      ip: scene.ip,
      buyerId: scene.buyer.user.id,
    })
    expect(decision?.inputs).toMatchObject({
      buyerOrdersHour: 1,
      ipOrdersDay: 1,
      orderValue: 10_000,
    })
  })

  it('pushes every decision to the admin channel as a durable event', async () => {
    const scene = await aScene()
    const result = await scene.checkout()
    await world.core.events.drain()
    const event = published.find(
      (e) => e.event === 'fraud.decision_made' && e.orderGroupId === result.orderGroup.id,
    )
    expect(event).toMatchObject({ outcome: 'allow', buyerId: scene.buyer.user.id })
    const { channelsOf } = await import('../realtime/channels.js')
    expect(channelsOf(event as AnyDelivered)).toEqual(['admin'])
  })

  it('counts checkouts per buyer in Redis across checkouts', async () => {
    const scene = await aScene()
    await scene.checkout()
    const second = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), second.orderGroup.id)
    expect(decision?.inputs.buyerOrdersHour).toBe(2)
    expect(decision?.inputs.ipOrdersHour).toBe(2)
  })

  it('sends a buyer who shares an address with the seller to review', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision).toMatchObject({ outcome: 'review', score: 40 })
    expect(decision?.fired.map((f) => f.id)).toEqual(['shared_ip_with_seller'])
    expect(decision?.caseId).toBeDefined()
  })

  it('reads a chat payment-diversion flag as a signal', async () => {
    const scene = await aScene()
    await flagChat(scene.buyer.user.id, scene.store.store.id)
    await world.core.events.drain()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision?.inputs.chatFlags).toBe(2)
    expect(decision?.fired.map((f) => f.id)).toContain('chat_payment_diversion')
  })

  it('keeps a held order from shipping until its case is cleared', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    await flagChat(scene.buyer.user.id, scene.store.store.id)
    await world.core.events.drain()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision?.outcome).toBe('hold')
    await paid(result)
    const orderId = result.orders[0]!.id
    await expect(
      world.core.orders.ship(as(scene.store.seller), orderId, ship),
    ).rejects.toMatchObject({
      code: 'order_on_hold',
    })
    const cleared = await world.core.fraud.clearCase(admin(), decision!.caseId!, {
      reason: 'Known family account',
    })
    expect(cleared).toMatchObject({ status: 'cleared', label: 'legit' })
    const shipped = await world.core.orders.ship(as(scene.store.seller), orderId, ship)
    expect(shipped.status).toBe('shipped')
  })

  describe('a decision whose case a crash kept from being written', () => {
    /** A held checkout, then the state a crash between the two writes leaves. */
    async function crashedHold() {
      const scene = await aScene()
      await scene.sellerSignsInFromBuyerAddress()
      await flagChat(scene.buyer.user.id, scene.store.store.id)
      await world.core.events.drain()
      const result = await scene.checkout()
      const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
      expect(decision?.outcome).toBe('hold')
      const { _id } = await world.core.connection
        .collection('fraud_cases')
        .findOneAndDelete({ decisionId: decision!.id })
        .then((deleted) => deleted!)
      await world.core.connection
        .collection('fraud_decisions')
        .updateOne({ orderGroupId: result.orderGroup.id }, { $set: { casePending: true } })
      return { scene, result, caseId: String(_id), orderId: result.orders[0]!.id }
    }
    const caseCount = (caseId: string) =>
      world.core.connection
        .collection('fraud_cases')
        .countDocuments({ _id: new Types.ObjectId(caseId) })

    it('gets its case back from the repair job, once', async () => {
      const { caseId } = await crashedHold()
      const run = await world.core.jobs.run(admin(), 'repair-fraud-cases')
      expect(run.result).toMatchObject({ repaired: expect.any(Number) })
      expect((run.result as { repaired: number }).repaired).toBeGreaterThanOrEqual(1)
      const repaired = await world.core.fraud.getCase(admin(), caseId)
      expect(repaired).toMatchObject({ id: caseId, status: 'open', outcome: 'hold' })
      const again = await world.core.jobs.run(admin(), 'repair-fraud-cases')
      expect(again.result).toEqual({ repaired: 0 })
      expect(await caseCount(caseId)).toBe(1)
    })

    it('still keeps its order from shipping, writing the case on the check', async () => {
      const { scene, result, caseId, orderId } = await crashedHold()
      await paid(result)
      await expect(
        world.core.orders.ship(as(scene.store.seller), orderId, ship),
      ).rejects.toMatchObject({ code: 'order_on_hold' })
      expect(await caseCount(caseId)).toBe(1)
    })

    it('shows its case to an administrator who opens it by id', async () => {
      const { caseId } = await crashedHold()
      const shown = await world.core.fraud.getCase(admin(), caseId)
      expect(shown).toMatchObject({ id: caseId, status: 'open' })
      expect(await caseCount(caseId)).toBe(1)
    })
  })

  it("holds the seller's share of a reviewed order until the case is cleared", async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    await paid(result)
    const orderId = result.orders[0]!.id
    await world.core.orders.ship(as(scene.store.seller), orderId, ship)
    await world.core.orders.markDelivered(as(scene.store.seller), orderId)
    world.clock.advance(8 * DAY)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    const completed = await world.core.orders.get(admin(), orderId)
    expect(completed).toMatchObject({ status: 'completed', fundsReleased: false })
    const { caseId } = (await world.core.fraud.decisionFor(admin(), result.orderGroup.id))!
    await world.core.fraud.clearCase(admin(), caseId!, { reason: 'Checked with the seller' })
    expect((await world.core.orders.get(admin(), orderId)).fundsReleased).toBe(true)
  })

  it('refunds a confirmed case through the refunds service, blocks the address and audits it', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    await paid(result)
    const { caseId } = (await world.core.fraud.decisionFor(admin(), result.orderGroup.id))!
    const confirmed = await world.core.fraud.confirmCase(admin(), caseId!, {
      reason: 'Seller buying from own store',
      refund: true,
      blockIp: true,
    })
    expect(confirmed).toMatchObject({ status: 'confirmed', label: 'fraud' })
    expect(confirmed.resolution?.refunded).toEqual([result.orders[0]!.id])
    expect(confirmed.resolution?.blockedIp).toBe(scene.ip)
    await pw.settle()
    const order = await world.core.orders.get(admin(), result.orders[0]!.id)
    expect(order.refundedAmount).toBe(order.total)
    const audit = await world.core.audit.list(admin(), { limit: 20 })
    expect(audit.items.map((a) => a.action)).toContain('fraud.case_confirmed')
  })

  it('declines with a neutral message a checkout from a blocked address, writing no order', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const first = await scene.checkout()
    const { caseId } = (await world.core.fraud.decisionFor(admin(), first.orderGroup.id))!
    await world.core.fraud.confirmCase(admin(), caseId!, { reason: 'Fraud ring', blockIp: true })
    const other = await aScene()
    await world.core.cart.addItem(as(other.buyer.ctx), {
      variantId: other.store.variant.id,
      quantity: 1,
    })
    const attempt = world.core.checkout.checkout(
      { ...as(other.buyer.ctx), ip: scene.ip },
      { shippingAddress: aShippingAddress() },
      anIdempotencyKey(),
    )
    await expect(attempt).rejects.toMatchObject({
      code: 'checkout_declined',
      message: 'We could not complete this checkout. Please contact support.',
    })
    const declined = await world.core.fraud.listDecisions(admin(), {
      buyerId: other.buyer.user.id,
    })
    expect(declined.items[0]).toMatchObject({ outcome: 'decline' })
    const orders = await world.core.orders.listOwn(as(other.buyer.ctx), { limit: 10 })
    expect(orders.items).toHaveLength(0)
  })

  it('refuses to clear a case that is already confirmed', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    const { caseId } = (await world.core.fraud.decisionFor(admin(), result.orderGroup.id))!
    await world.core.fraud.confirmCase(admin(), caseId!, { reason: 'Confirmed by phone' })
    await expect(
      world.core.fraud.clearCase(admin(), caseId!, { reason: 'Changed my mind' }),
    ).rejects.toMatchObject({ code: 'invalid_transition' })
  })

  it('cancels the unpaid orders of a confirmed case', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    const { caseId } = (await world.core.fraud.decisionFor(admin(), result.orderGroup.id))!
    const confirmed = await world.core.fraud.confirmCase(admin(), caseId!, {
      reason: 'Stolen card',
    })
    expect(confirmed.resolution?.cancelled).toEqual([result.orders[0]!.id])
    expect((await world.core.orders.get(admin(), result.orders[0]!.id)).status).toBe('cancelled')
  })

  it('silences a snoozed rule for that buyer until the date', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    await world.core.fraud.snooze(admin(), {
      buyerId: scene.buyer.user.id,
      ruleId: 'shared_ip_with_seller',
      until: new Date(world.clock.now().getTime() + DAY),
      reason: 'Seller and buyer are flatmates',
    })
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision).toMatchObject({ outcome: 'allow', snoozed: ['shared_ip_with_seller'] })
  })

  it('refuses a snooze of a rule that does not exist, and keeps nothing', async () => {
    const scene = await aScene()
    await expect(
      world.core.fraud.snooze(admin(), {
        buyerId: scene.buyer.user.id,
        ruleId: 'no_such_rule',
        until: new Date(world.clock.now().getTime() + DAY),
        reason: 'typo',
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('runs a shadow rule set next to the live one and reports what it would have done', async () => {
    await world.core.fraud.publishRuleSet(admin(), { version: 2, shadow: true })
    const scene = await aScene()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision?.ruleSetVersion).toBe(1)
    expect(decision?.shadow).toMatchObject({ version: 2, outcome: 'allow' })
    const sets = await world.core.fraud.listRuleSets(admin())
    expect(sets.map((s) => [s.version, s.mode])).toEqual([
      [1, 'unpublished'],
      [2, 'shadow'],
    ])
  })

  it('replays recent decisions through a rule set without changing them', async () => {
    const report = await world.core.fraud.testRuleSet(admin(), { version: 2 })
    expect(report.replayed).toBeGreaterThan(5)
    const total = Object.values(report.outcomes).reduce((a, b) => a + b, 0)
    expect(total).toBe(report.replayed)
  })

  it('lists open cases for the review queue with their evidence', async () => {
    const scene = await aScene()
    await scene.sellerSignsInFromBuyerAddress()
    const result = await scene.checkout()
    const page = await world.core.fraud.listCases(admin(), {
      status: 'open',
      buyerId: scene.buyer.user.id,
    })
    expect(page.items).toHaveLength(1)
    const evidence = await world.core.fraud.getCase(admin(), page.items[0]!.id)
    expect(evidence.orders[0]).toMatchObject({ id: result.orders[0]!.id, status: 'pending' })
    expect(evidence.relatedAccounts).toContainEqual({
      userId: scene.store.store.ownerId,
      via: 'ip',
    })
    expect(evidence.decision.inputs.sharedIpWithSeller).toBe(1)
  })
})

describe('the learned risk score at checkout', () => {
  it('trains on the labelled cases too, and scores checkouts once promoted', async () => {
    const window = { seed: 7, days: 20, holdoutDays: 5, dailyBudget: 12 }
    const resolved = (await world.core.fraud.listCases(admin(), { limit: 100 })).items.filter(
      (c) => c.status !== 'open',
    )
    expect(resolved.length).toBeGreaterThan(0)
    const { syntheticTraffic, splitByTime } = await import('./index.js')
    const synthetic = splitByTime(syntheticTraffic({ seed: 7, days: 20 }), 5).train.length
    const trained = await world.core.fraud.trainModel(admin(), { ...window, epochs: 100 })
    expect(trained.model.trainedOn.samples).toBe(synthetic + resolved.length)
    await world.core.fraud.promoteModel(admin(), { ...window, version: trained.model.version })
    const scene = await aScene()
    const result = await scene.checkout()
    const decision = await world.core.fraud.decisionFor(admin(), result.orderGroup.id)
    expect(decision?.modelVersion).toBe(trained.model.version)
    expect(decision?.inputs.riskScore).toBe(decision?.riskScore)
    expect(decision?.riskScore).toBeGreaterThanOrEqual(0)
    expect(decision?.riskScore).toBeLessThanOrEqual(99)
  }, 120_000)
})
