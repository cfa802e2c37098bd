import { describe, expect, it } from '@jest/globals'
import type { PlanDTO, SubscriptionDTO } from '@kloset/core'
import { aStoreSelling, payOnCheckoutPage, paystackWorldForSuite } from '@kloset/core/testing'
import { resultOf, runCommand } from '../test-support/run-command.js'
import PlansArchive from './plans/archive.js'
import PlansCreate from './plans/create.js'
import PlansList from './plans/list.js'
import PlansUpdate from './plans/update.js'
import SubscriptionsList from './subscriptions/list.js'
import SubscriptionsShow from './subscriptions/show.js'

const { pw, world } = paystackWorldForSuite()

describe('kloset plans', () => {
  it('creates a plan together with its Paystack plan', async () => {
    const run = await runCommand(world, PlansCreate, [
      'plus',
      '--name',
      'Plus',
      '--amount',
      '500000',
      '--commission-bps',
      '400',
      '--product-limit',
      '500',
      '--featured',
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const { plan } = resultOf<{ plan: PlanDTO }>(run)
    expect(plan).toMatchObject({
      code: 'plus',
      amount: 500_000,
      interval: 'monthly',
      commissionRateBps: 400,
      productLimit: 500,
      featured: true,
      payoutMinimumKobo: null,
      paystackPlanCode: expect.stringMatching(/^PLN_/),
    })
    expect(pw.sandbox.state.plans.map((p) => p.planCode)).toContain(plan.paystackPlanCode)
  })

  it('refuses a price under Paystack’s minimum with exit code 3 and creates nothing', async () => {
    const before = pw.sandbox.state.plans.length
    const run = await runCommand(world, PlansCreate, [
      'cheap',
      '--name',
      'Cheap',
      '--amount',
      '500',
      '--commission-bps',
      '400',
      '--unlimited',
      '--json',
    ])
    expect(run.exitCode).toBe(3)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
    expect(pw.sandbox.state.plans).toHaveLength(before)
  })

  it('lists the free tier first and changes its policy with update', async () => {
    const updated = await runCommand(world, PlansUpdate, [
      'free',
      '--product-limit',
      '40',
      '--json',
    ])
    expect(resultOf<{ plan: PlanDTO }>(updated).plan.productLimit).toBe(40)
    const list = await runCommand(world, PlansList, ['--json'])
    const { plans } = resultOf<{ plans: PlanDTO[] }>(list)
    expect(plans[0]).toMatchObject({ code: 'free', amount: 0, productLimit: 40 })
    const table = await runCommand(world, PlansList, [])
    expect(table.stdout).toContain('free')
  })

  it('archives only with --yes under --json, and never the free tier', async () => {
    const refused = await runCommand(world, PlansArchive, ['plus', '--json'])
    expect(refused.json).toMatchObject({ error: { code: 'confirmation_required' } })
    const free = await runCommand(world, PlansArchive, ['free', '--yes', '--json'])
    expect(free.json).toMatchObject({ error: { code: 'free_plan' } })
    const archived = await runCommand(world, PlansArchive, ['plus', '--yes', '--json'])
    expect(resultOf<{ plan: PlanDTO }>(archived).plan.status).toBe('archived')
  })
})

describe('kloset subscriptions', () => {
  it('lists and shows a store’s subscription with its paid invoice', async () => {
    await runCommand(world, PlansCreate, [
      'pro',
      '--name',
      'Pro',
      '--amount',
      '1500000',
      '--commission-bps',
      '300',
      '--unlimited',
      '--json',
    ])
    const { store, seller } = await aStoreSelling(world)
    const started = await world.core.subscriptions.subscribe(seller, { planCode: 'pro' })
    await payOnCheckoutPage(started.authorizationUrl!)
    await pw.settle()
    const list = await runCommand(world, SubscriptionsList, ['--status', 'active', '--json'])
    expect(resultOf<{ items: SubscriptionDTO[] }>(list).items.map((s) => s.storeId)).toContain(
      store.id,
    )
    const show = await runCommand(world, SubscriptionsShow, [store.id, '--json'])
    expect(resultOf<{ subscription: SubscriptionDTO; invoices: unknown[] }>(show)).toMatchObject({
      subscription: { status: 'active', planCode: 'pro' },
      invoices: [expect.objectContaining({ status: 'paid', amount: 1_500_000 })],
    })
    const missing = await runCommand(world, SubscriptionsShow, [
      '65f1c0ffee0000000000abcd',
      '--json',
    ])
    expect(missing.exitCode).toBe(5)
  })
})
