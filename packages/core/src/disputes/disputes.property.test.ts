import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { Ctx } from '../shared/ctx.js'
import { A_PASSWORD, adminCliCtx } from '../test-support/harness.js'
import {
  aBuyer,
  aCheckout,
  anIdempotencyKey,
  aStoreSelling,
  payOnCheckoutPage,
} from '../test-support/order-builders.js'
import { anAccountNumber } from '../test-support/payout-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

/*
 * Seeded random sequences of dispute, refund, completion and payout steps on one store's orders,
 * against the real engine, Redis-free core and the Paystack sandbox. After every payout run the
 * store was paid at most what was available less what open disputes froze; after every step no
 * order has refunds beyond what was paid, and the books balance.
 */

const { pw, world } = paystackWorldForSuite()

const DAY = 24 * 3600_000
const ORDERS = 3
const admin = () => adminCliCtx(world.clock.now())
const as = (ctx: Ctx): Ctx => ({ ...ctx, now: world.clock.now() })

type Step =
  | { t: 'dispute'; pick: number }
  | { t: 'answer'; pick: number }
  | { t: 'accept'; pick: number; permille: number }
  | { t: 'resolve'; pick: number; decision: 'release' | 'full' | 'partial'; permille: number }
  | { t: 'refund'; pick: number; permille: number }
  | { t: 'time'; days: number }
  | { t: 'payout' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('dispute' as const), pick: fc.nat(ORDERS - 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('answer' as const), pick: fc.nat(ORDERS - 1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('accept' as const),
      pick: fc.nat(ORDERS - 1),
      permille: fc.integer({ min: 1, max: 1000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('resolve' as const),
      pick: fc.nat(ORDERS - 1),
      decision: fc.constantFrom('release' as const, 'full' as const, 'partial' as const),
      permille: fc.integer({ min: 1, max: 999 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      pick: fc.nat(ORDERS - 1),
      permille: fc.integer({ min: 1, max: 1000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('time' as const), days: fc.constantFrom(1, 4, 8) }),
  },
  { weight: 3, arbitrary: fc.constant({ t: 'payout' as const }) },
)

/** A store with a payout account and ORDERS paid, delivered orders of one buyer. */
async function aShop() {
  const store = await aStoreSelling(world, { price: 1_000_000, stock: 50 })
  await world.core.payoutAccounts.setOwn(as(store.seller), {
    bankCode: '058',
    accountNumber: anAccountNumber(),
    password: A_PASSWORD,
  })
  const buyer = await aBuyer(world)
  const orderIds: string[] = []
  for (let i = 0; i < ORDERS; i++) {
    const result = await aCheckout(world, as(buyer.ctx), [
      { variantId: store.variant.id, quantity: 1 + i },
    ])
    await payOnCheckoutPage(result.payment.authorizationUrl)
    await pw.settle()
    const orderId = result.orders[0]!.id
    await world.core.orders.ship(as(store.seller), orderId, {
      carrier: 'GIG',
      trackingNumber: `GIG-${i}`,
    })
    await world.core.orders.confirmDelivery(as(buyer.ctx), orderId)
    orderIds.push(orderId)
  }
  return { store, buyer, orderIds }
}

/** A refusal the rules allow (wrong state, too much, too late) is fine; anything else is not. */
const refused = (error: unknown) => {
  const kind = (error as { kind?: string }).kind
  if (
    kind === 'invalid_state' ||
    kind === 'forbidden' ||
    kind === 'conflict' ||
    kind === 'not_found'
  )
    return undefined
  throw error
}

describe('disputes, refunds and payouts together', () => {
  it('never pays a seller frozen money nor refunds more than was paid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 9 }), async (steps) => {
        const { store, buyer, orderIds } = await aShop()
        const storeId = store.store.id
        const cases = new Map<string, string>()
        for (const s of steps) {
          if (s.t === 'time') {
            world.clock.advance(s.days * DAY)
            await world.core.jobs.run(admin(), 'complete-delivered-orders')
            await world.core.jobs.run(admin(), 'advance-dispute-deadlines')
          } else if (s.t === 'payout') {
            const before = await world.core.ledger.storeBalances(admin(), storeId, 'NGN')
            const frozen = await world.core.disputes.frozenAmount(admin(), storeId, 'NGN')
            await world.core.payouts.runPeriod(admin(), {}).catch(refused)
            const after = await world.core.ledger.storeBalances(admin(), storeId, 'NGN')
            const paid = after.inTransit + after.paid - (before.inTransit + before.paid)
            expect(paid).toBeLessThanOrEqual(Math.max(0, before.available - frozen))
          } else {
            const orderId = orderIds[s.pick]!
            const order = await world.core.orders.get(admin(), orderId)
            const left = order.total - order.refundedAmount
            const part = (permille: number) =>
              Math.max(1, Math.floor((order.total * permille) / 1000))
            const disputeId = cases.get(orderId)
            if (s.t === 'dispute') {
              const opened = await world.core.disputes
                .open(as(buyer.ctx), orderId, { reason: 'damaged', description: 'Torn on arrival' })
                .catch(refused)
              if (opened) cases.set(orderId, opened.id)
            } else if (s.t === 'refund') {
              await world.core.refunds
                .refund(
                  admin(),
                  orderId,
                  { amount: part(s.permille), reason: 'Goodwill' },
                  anIdempotencyKey(),
                )
                .catch(refused)
            } else if (disputeId && s.t === 'answer') {
              await world.core.disputes
                .answer(as(store.seller), disputeId, { message: 'It left whole' })
                .catch(refused)
            } else if (disputeId && s.t === 'accept') {
              await world.core.disputes
                .accept(as(store.seller), disputeId, {
                  refund: 'partial',
                  amount: part(s.permille),
                })
                .catch(refused)
            } else if (disputeId && s.t === 'resolve') {
              const body =
                s.decision === 'release'
                  ? { decision: 'release' as const, reason: 'Whole' }
                  : s.decision === 'full'
                    ? { decision: 'refund' as const, refund: 'full' as const, reason: 'Torn' }
                    : {
                        decision: 'refund' as const,
                        refund: 'partial' as const,
                        amount: Math.min(left, part(s.permille)) || 1,
                        reason: 'Torn',
                      }
              await world.core.disputes.resolve(admin(), disputeId, body).catch(refused)
            }
          }
          await pw.settle()
          for (const orderId of orderIds) {
            const explained = await world.core.orders.explain(admin(), orderId)
            const processed = explained.refunds
              .filter((r) => r.status === 'processed')
              .reduce((sum, r) => sum + r.amount, 0)
            expect(explained.order.refundedAmount).toBeLessThanOrEqual(explained.order.total)
            expect(processed).toBeLessThanOrEqual(explained.order.total)
          }
        }
        expect((await world.core.ledger.trialBalance(admin(), 'NGN')).balanced).toBe(true)
      }),
      {
        seed: 20_261_207,
        numRuns: 6,
        endOnFailure: true,
        // The case that matters most runs every time: money released, then disputed, then a run.
        examples: [
          [
            [
              { t: 'time', days: 8 },
              { t: 'dispute', pick: 0 },
              { t: 'payout' },
              { t: 'resolve', pick: 0, decision: 'partial', permille: 400 },
              { t: 'payout' },
            ],
          ],
        ],
      },
    )
  }, 600_000)
})
