import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { PayoutRunResult } from '../payouts/payout.types.js'
import { systemCtx } from '../shared/ctx.js'
import { adminCliCtx } from '../test-support/harness.js'
import { createPaystackWorld, type PaystackWorld } from '../test-support/order-builders.js'
import { aReleasedSale, aSellerWithPayoutAccount } from '../test-support/payout-builders.js'
import { FREE_PLAN_DEFAULTS } from './plan.types.js'

let pw: PaystackWorld
beforeAll(async () => {
  pw = await createPaystackWorld()
  pw.sandbox.topUp(10_000_000_000)
})
afterAll(() => pw.close())

const admin = () => adminCliCtx(pw.world.clock.now())
const itemFor = (run: PayoutRunResult, storeId: string) =>
  run.items.find((item) => item.storeId === storeId)

describe('a plan’s payout minimum', () => {
  it('replaces the marketplace minimum for the stores on the plan', async () => {
    const { core } = pw.world
    const strict = await aSellerWithPayoutAccount(pw.world)
    const lenient = await aSellerWithPayoutAccount(pw.world)
    await aReleasedSale(pw.world, strict.store.id, 150_000)
    await aReleasedSale(pw.world, lenient.store.id, 80_000)
    const system = systemCtx('test')
    await core.stores.applyPlanPolicy(system, strict.store.id, {
      ...FREE_PLAN_DEFAULTS,
      code: 'strict',
      payoutMinimumKobo: 200_000,
    })
    await core.stores.applyPlanPolicy(system, lenient.store.id, {
      ...FREE_PLAN_DEFAULTS,
      code: 'lenient',
      payoutMinimumKobo: 50_000,
    })
    const run = await core.payouts.runPeriod(admin(), { dryRun: true })
    expect(itemFor(run, strict.store.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'below_minimum',
    })
    expect(itemFor(run, lenient.store.id)).toMatchObject({ amount: 80_000, outcome: 'would_pay' })
  })
})

describe('editing the free tier', () => {
  it('puts its commission in force at once at every store on it, old and new', async () => {
    const { core } = pw.world
    const before = await aSellerWithPayoutAccount(pw.world)
    expect(before.store.plan).toMatchObject({ code: 'free', commissionRateBps: 500 })
    await core.plans.update(admin(), 'free', { commissionRateBps: 450, featured: true })
    expect((await core.stores.getStore(before.store.id)).plan).toMatchObject({
      code: 'free',
      commissionRateBps: 450,
      featured: true,
    })
    const after = await aSellerWithPayoutAccount(pw.world)
    expect(after.store.commissionRateBps).toBe(450)
    await core.plans.update(admin(), 'free', { commissionRateBps: 500, featured: false })
  })

  it('refuses to archive the free tier', async () => {
    await expect(pw.world.core.plans.archive(admin(), 'free')).rejects.toMatchObject({
      code: 'free_plan',
    })
  })
})
