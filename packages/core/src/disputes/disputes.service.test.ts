import { describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import type { Ctx } from '../shared/ctx.js'
import { A_PASSWORD, adminCliCtx } from '../test-support/harness.js'
import { aJpeg } from '../test-support/image-fixtures.js'
import { aBuyer, aPaidOrder } from '../test-support/order-builders.js'
import { anAccountNumber } from '../test-support/payout-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { pw, world } = paystackWorldForSuite()

const DAY = 24 * 3600 * 1000
const admin = () => adminCliCtx(world.clock.now())
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })
const ship = { carrier: 'GIG Logistics', trackingNumber: 'GIG-778899' }
const claim = { reason: 'not_as_described' as const, description: 'The dress is torn at the seam' }
const journals = async (orderId: string) =>
  (await world.core.ledger.journalsForOrder(admin(), orderId)).map((j) => j.kind)

/** A paid order of 2 × ₦10,000 (commission 5%), shipped and delivered. */
async function aDeliveredOrder() {
  const made = await aPaidOrder(pw, { quantity: 2 })
  await world.core.orders.ship(as(made.store.seller), made.order.id, ship)
  await world.core.orders.confirmDelivery(as(made.buyer.ctx), made.order.id)
  return made
}

async function anOpenDispute() {
  const made = await aDeliveredOrder()
  const dispute = await world.core.disputes.open(as(made.buyer.ctx), made.order.id, claim)
  return { ...made, dispute }
}

describe('opening a dispute', () => {
  it('opens a case on a delivered order, moves the order to disputed and gives the seller 3 days', async () => {
    const { order, dispute } = await anOpenDispute()
    expect(dispute).toMatchObject({
      status: 'awaiting_seller',
      source: 'platform',
      reason: 'not_as_described',
      amount: 2_000_000,
      deadlines: { sellerDueAt: new Date(world.clock.now().getTime() + 3 * DAY).toISOString() },
    })
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('disputed')
  })

  it('tells both parties by mail and in their inbox', async () => {
    const { buyer, store, dispute } = await anOpenDispute()
    await world.smtp.waitFor(buyer.email, /Dispute on order .*: a dispute was opened/)
    await world.smtp.waitFor(store.email, /Dispute on order .*: a dispute was opened/)
    const title = `Dispute on order ${dispute.orderId}: a dispute was opened`
    for (const who of [store.seller, buyer.ctx]) {
      const inbox = await world.core.notifications.list(as(who), { limit: 10 })
      expect(inbox.items.map((n) => n.title)).toContain(title)
    }
  })

  it('refuses a dispute more than 14 days after delivery', async () => {
    const { buyer, order } = await aDeliveredOrder()
    world.clock.advance(15 * DAY)
    await expect(world.core.disputes.open(as(buyer.ctx), order.id, claim)).rejects.toMatchObject({
      code: 'dispute_window_closed',
    })
    expect((await world.core.orders.get(admin(), order.id)).status).not.toBe('disputed')
  })

  it('refuses a shipped order that is not overdue yet, and accepts it 7 days after shipping', async () => {
    const { store, buyer, order } = await aPaidOrder(pw, { quantity: 1 })
    await world.core.orders.ship(as(store.seller), order.id, ship)
    await expect(world.core.disputes.open(as(buyer.ctx), order.id, claim)).rejects.toMatchObject({
      code: 'not_disputable',
    })
    world.clock.advance(7 * DAY + 60_000)
    const opened = await world.core.disputes.open(as(buyer.ctx), order.id, {
      reason: 'not_received',
      description: 'Nothing arrived after a week',
    })
    expect(opened.status).toBe('awaiting_seller')
  })

  it('refuses a second case on the same order', async () => {
    const { buyer, order } = await anOpenDispute()
    await expect(world.core.disputes.open(as(buyer.ctx), order.id, claim)).rejects.toMatchObject({
      kind: 'invalid_state',
    })
  })

  it('hides a case from another buyer', async () => {
    const { dispute } = await anOpenDispute()
    const other = await aBuyer(world)
    await expect(world.core.disputes.get(other.ctx, dispute.id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})

describe('the seller’s answer and the buyer’s escalation', () => {
  it('lets the seller answer, the buyer add a photo and escalate, with a 48-hour decision clock', async () => {
    const { store, buyer, dispute } = await anOpenDispute()
    const answered = await world.core.disputes.answer(as(store.seller), dispute.id, {
      message: 'It left our shop whole; see the packing photo',
    })
    expect(answered.status).toBe('seller_answered')
    const withPhoto = await world.core.disputes.addPhoto(as(buyer.ctx), dispute.id, {
      bytes: await aJpeg(),
    })
    expect(withPhoto.evidence.at(-1)).toMatchObject({
      by: 'buyer',
      kind: 'photo',
      photo: { url: expect.stringMatching(/^http/) },
    })
    const escalated = await world.core.disputes.escalate(as(buyer.ctx), dispute.id, {
      note: 'The seam is clearly torn',
    })
    expect(escalated).toMatchObject({
      status: 'escalated',
      deadlines: {
        adminDueAt: new Date(world.clock.now().getTime() + 48 * 3600_000).toISOString(),
      },
    })
  })

  it('refuses the buyer escalating before the seller answered', async () => {
    const { buyer, dispute } = await anOpenDispute()
    await expect(world.core.disputes.escalate(as(buyer.ctx), dispute.id)).rejects.toMatchObject({
      code: 'transition_not_allowed',
    })
  })

  it('refuses the seller answering for another store', async () => {
    const { dispute } = await anOpenDispute()
    const { store: other } = await aPaidOrder(pw)
    await expect(
      world.core.disputes.answer(as(other.seller), dispute.id, { message: 'Not mine to say' }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('escalates by itself when the seller does not answer within 3 days', async () => {
    const { dispute } = await anOpenDispute()
    world.clock.advance(3 * DAY + 60_000)
    const run = await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect(run.result).toMatchObject({ escalated: expect.any(Number) })
    expect((await world.core.disputes.get(admin(), dispute.id)).status).toBe('escalated')
  })

  it('closes for the seller when the buyer does not escalate within 3 days of the answer', async () => {
    const { store, order, dispute } = await anOpenDispute()
    await world.core.disputes.answer(as(store.seller), dispute.id, { message: 'Arrived whole' })
    world.clock.advance(3 * DAY + 60_000)
    await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect(await world.core.disputes.get(admin(), dispute.id)).toMatchObject({
      status: 'resolved',
      resolution: { outcome: 'release', amount: 0 },
    })
    expect(await journals(order.id)).toEqual(['sale', 'release'])
  })

  it('marks an escalated case overdue once after 48 hours', async () => {
    const { dispute } = await anOpenDispute()
    world.clock.advance(3 * DAY + 60_000)
    await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    world.clock.advance(48 * 3600_000 + 60_000)
    await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect((await world.core.disputes.get(admin(), dispute.id)).overdue).toBe(true)
    const overdue = await world.core.disputes.list(admin(), { overdue: true, limit: 100 })
    expect(overdue.items.map((d) => d.id)).toContain(dispute.id)
  })
})

describe('deciding', () => {
  it('refunds in full when the seller accepts, reversing the commission', async () => {
    const { store, buyer, order, dispute } = await anOpenDispute()
    const accepted = await world.core.disputes.accept(as(store.seller), dispute.id, {
      refund: 'full',
    })
    expect(accepted.resolution).toMatchObject({ outcome: 'refund_full', amount: 2_000_000 })
    await pw.settle()
    expect(await journals(order.id)).toEqual(['sale', 'refund'])
    const balances = await world.core.ledger.storeBalances(admin(), store.store.id, 'NGN')
    expect(balances).toMatchObject({ pending: 0, available: 0 })
    await world.smtp.waitFor(buyer.email, /Refund of ₦20,000.00/)
  })

  it('refunds part on an administrator’s decision and releases the rest of the seller’s share', async () => {
    const { store, order, dispute } = await anOpenDispute()
    const resolved = await world.core.disputes.resolve(admin(), dispute.id, {
      decision: 'refund',
      refund: 'partial',
      amount: 500_000,
      reason: 'One of the two dresses is torn',
    })
    expect(resolved.resolution).toMatchObject({ outcome: 'refund_partial', amount: 500_000 })
    await pw.settle()
    expect(await journals(order.id)).toEqual(['sale', 'refund', 'release'])
    // Seller share 1,900,000 less the refund's seller part (500,000 less 5% = 475,000).
    const balances = await world.core.ledger.storeBalances(admin(), store.store.id, 'NGN')
    expect(balances).toMatchObject({ pending: 0, available: 1_425_000 })
  })

  it('refuses a partial refund larger than what was paid and changes nothing', async () => {
    const { order, dispute } = await anOpenDispute()
    await expect(
      world.core.disputes.resolve(admin(), dispute.id, {
        decision: 'refund',
        refund: 'partial',
        amount: 2_000_001,
        reason: 'Too much',
      }),
    ).rejects.toMatchObject({ code: 'refund_exceeds_paid' })
    expect((await world.core.disputes.get(admin(), dispute.id)).status).toBe('awaiting_seller')
    expect(await journals(order.id)).toEqual(['sale'])
  })

  it('refuses deciding a resolved case twice', async () => {
    const { dispute } = await anOpenDispute()
    const release = { decision: 'release' as const, reason: 'Photos show it whole' }
    await world.core.disputes.resolve(admin(), dispute.id, release)
    await expect(world.core.disputes.resolve(admin(), dispute.id, release)).rejects.toMatchObject({
      code: 'invalid_transition',
    })
  })
})

describe('a decision whose money a crash kept from moving', () => {
  it('is refunded once by the deadlines job, and a second run moves nothing', async () => {
    const { order, dispute } = await anOpenDispute()
    // The state a crash right after the resolving write leaves: the case resolved and marked,
    // the order still disputed, no refund.
    await world.core.connection.collection('disputes').updateOne(
      { _id: new Types.ObjectId(dispute.id) },
      {
        $set: {
          status: 'resolved',
          settlementPending: true,
          updatedAt: world.clock.now(),
          resolution: {
            outcome: 'refund_partial',
            amount: 500_000,
            reason: 'One of the two dresses is torn',
            decidedBy: 'admin-cli:test',
            at: world.clock.now(),
          },
        },
      },
    )
    expect((await world.core.orders.get(admin(), order.id)).status).toBe('disputed')
    const early = await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect(early.result).toMatchObject({ settledLate: 0 }) // a decision in flight is left alone
    world.clock.advance(2 * 60_000)
    const run = await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect(run.result).toMatchObject({ settledLate: 1 })
    await pw.settle()
    const after = await world.core.orders.get(admin(), order.id)
    expect(after).toMatchObject({ status: 'resolved', refundedAmount: 500_000 })
    expect(await journals(order.id)).toEqual(['sale', 'refund', 'release'])
    const again = await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
    expect(again.result).toMatchObject({ settledLate: 0 })
    await pw.settle()
    expect((await world.core.orders.get(admin(), order.id)).refundedAmount).toBe(500_000)
    expect(await journals(order.id)).toEqual(['sale', 'refund', 'release'])
  })

  it('leaves no mark on a decision that moved its money', async () => {
    const { dispute } = await anOpenDispute()
    await world.core.disputes.resolve(admin(), dispute.id, {
      decision: 'release',
      reason: 'Photos show it whole',
    })
    const stored = await world.core.connection
      .collection('disputes')
      .findOne({ _id: new Types.ObjectId(dispute.id) })
    expect(stored?.settlementPending).toBeUndefined()
  })
})

describe('the payout freeze', () => {
  it('holds back money released before the dispute from the payout, and pays it after a release', async () => {
    const made = await aDeliveredOrder()
    await world.core.payoutAccounts.setOwn(as(made.store.seller), {
      bankCode: '058',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    // Past the return window: completed and released to available.
    world.clock.advance(8 * DAY)
    await world.core.jobs.run(admin(), 'complete-delivered-orders')
    const storeId = made.store.store.id
    expect((await world.core.ledger.storeBalances(admin(), storeId, 'NGN')).available).toBe(
      1_900_000,
    )
    const dispute = await world.core.disputes.open(as(made.buyer.ctx), made.order.id, claim)
    expect(await world.core.disputes.frozenAmount(admin(), storeId, 'NGN')).toBe(1_900_000)
    const plan = await world.core.payouts.runPeriod(admin(), { dryRun: true })
    expect(plan.items.find((i) => i.storeId === storeId)).toMatchObject({
      outcome: 'skipped',
      reason: 'frozen_by_disputes',
      amount: 0,
    })
    await world.core.disputes.resolve(admin(), dispute.id, {
      decision: 'release',
      reason: 'Arrived whole',
    })
    expect(await world.core.disputes.frozenAmount(admin(), storeId, 'NGN')).toBe(0)
    const again = await world.core.payouts.runPeriod(admin(), { dryRun: true })
    expect(again.items.find((i) => i.storeId === storeId)).toMatchObject({
      outcome: 'would_pay',
      amount: 1_900_000,
    })
  })
})
