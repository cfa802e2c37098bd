import { describe, expect, it } from '@jest/globals'
import type { PayoutDetailDTO, PayoutRunResult, RevenueSummary } from '@kloset/core'
import {
  adminCliCtx,
  aReleasedSale,
  aSellerWithPayoutAccount,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { resultOf, runCommand } from '../test-support/run-command.js'
import JobsList from './jobs/list.js'
import JobsRun from './jobs/run.js'
import PayoutsList from './payouts/list.js'
import PayoutsRetry from './payouts/retry.js'
import PayoutsRun from './payouts/run.js'
import PayoutsShow from './payouts/show.js'
import RevenueSummaryCommand from './revenue/summary.js'

const { pw, world } = paystackWorldForSuite({ topUp: 10_000_000_000 })

const admin = () => adminCliCtx(world.clock.now())

/** Paystack transfers of any period and attempt for the store (references `po_<storeId>_...`). */
const transfersFor = (storeId: string) =>
  pw.sandbox.state.transfers.filter((t) => t.reference.startsWith(`po_${storeId}_`))
const payoutsOf = async (storeId: string) =>
  (await world.core.payouts.list(admin(), { storeId })).items

describe('kloset payouts run', () => {
  it('refuses under --json without --yes, with exit code 3, and pays nobody', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 300_000)
    const run = await runCommand(world, PayoutsRun, ['--json'])
    expect(run.exitCode).toBe(3)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'confirmation_required' } })
    expect(await payoutsOf(store.id)).toEqual([])
    expect(transfersFor(store.id)).toHaveLength(0)
  })

  it('shows what it would pay on --dry-run and sends nothing', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 310_000)
    const run = await runCommand(world, PayoutsRun, ['--dry-run', '--json'])
    const result = resultOf<PayoutRunResult>(run)
    expect(result.dryRun).toBe(true)
    expect(result.items).toContainEqual(
      expect.objectContaining({ storeId: store.id, amount: 310_000, outcome: 'would_pay' }),
    )
    expect(await payoutsOf(store.id)).toEqual([])
    expect(transfersFor(store.id)).toHaveLength(0)
  })

  it('pays with --yes, and a second run pays the same seller nothing more', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 320_000)
    const first = await runCommand(world, PayoutsRun, ['--yes', '--json'])
    const second = await runCommand(world, PayoutsRun, ['--yes', '--json'])
    expect(first.exitCode).toBe(0)
    // `sent`, or `paid` when the sandbox's transfer.success webhook lands before the run reads
    // the transfer back (both are what happened; under load the webhook sometimes wins).
    expect(resultOf<PayoutRunResult>(first).items).toContainEqual(
      expect.objectContaining({
        storeId: store.id,
        amount: 320_000,
        outcome: expect.stringMatching(/^(sent|paid)$/),
      }),
    )
    expect(resultOf<PayoutRunResult>(second).items).toContainEqual(
      expect.objectContaining({ storeId: store.id, outcome: 'exists' }),
    )
    expect(transfersFor(store.id)).toHaveLength(1)
  })

  it('prints a table with money formatted for people', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 330_000)
    const run = await runCommand(world, PayoutsRun, ['--dry-run'])
    expect(run.stdout).toContain('₦3,300.00')
    expect(run.stdout).toMatch(/would_pay/)
  })
})

/** `kloset jobs run <job> --json` without `--yes`: exit 3, `confirmation_required`. */
async function expectRefusedWithoutYes(job: string) {
  const run = await runCommand(world, JobsRun, [job, '--json'])
  expect(run.exitCode).toBe(3)
  expect(run.json).toMatchObject({
    status: 'error',
    error: { code: 'confirmation_required', message: `${job} moves money: pass --yes to confirm` },
  })
}

describe('kloset jobs run on a job that moves money', () => {
  it('refuses weekly-payouts under --json without --yes, with exit code 3, and pays nobody', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 330_000)
    await expectRefusedWithoutYes('weekly-payouts')
    expect(await payoutsOf(store.id)).toEqual([])
    expect(transfersFor(store.id)).toHaveLength(0)

    const paid = await runCommand(world, JobsRun, ['weekly-payouts', '--yes', '--json'])
    expect(paid.exitCode).toBe(0)
    expect(resultOf<{ ran: boolean }>(paid).ran).toBe(true)
    expect(transfersFor(store.id)).toHaveLength(1)
  })

  it('runs a job that moves no money without --yes, and marks the money movers in the list', async () => {
    const run = await runCommand(world, JobsRun, ['deliver-mail', '--json'])
    expect(resultOf<{ job: string; ran: boolean }>(run)).toMatchObject({
      job: 'deliver-mail',
      ran: true,
    })
    const list = resultOf<{ jobs: { name: string; movesMoney: boolean }[] }>(
      await runCommand(world, JobsList, ['--json']),
    )
    // The payment sweeps refund a payment that arrives for a checkout cancelled meanwhile; the
    // dispute deadlines finish half-done settlements, refunds included.
    expect(list.jobs.filter((j) => j.movesMoney).map((j) => j.name)).toEqual([
      'advance-dispute-deadlines',
      'expire-unpaid-orders',
      'recheck-unconfirmed-payments',
      'weekly-payouts',
    ])
  })

  it('refuses recheck-unconfirmed-payments under --json without --yes: it may refund a payment', async () => {
    await expectRefusedWithoutYes('recheck-unconfirmed-payments')
    const run = await runCommand(world, JobsRun, [
      'recheck-unconfirmed-payments',
      '--yes',
      '--json',
    ])
    expect(resultOf<{ ran: boolean }>(run).ran).toBe(true)
  })

  it('refuses advance-dispute-deadlines under --json without --yes: it may finish a refund', async () => {
    await expectRefusedWithoutYes('advance-dispute-deadlines')
  })

  it('answers an unknown job with not found before asking anything', async () => {
    const run = await runCommand(world, JobsRun, ['pay-everyone', '--json'])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'not_found' } })
  })
})

describe('kloset payouts list, show and retry', () => {
  it('lists failed payouts and shows the orders one covers', async () => {
    const { store } = await aSellerWithPayoutAccount(world, '1111111111')
    const orderId = await aReleasedSale(world, store.id, 340_000)
    await world.core.payouts.runPeriod(admin())
    await pw.settle()
    const list = await runCommand(world, PayoutsList, [
      '--status',
      'failed',
      '--store',
      store.id,
      '--json',
    ])
    const [failed] = resultOf<{ items: { id: string; status: string }[] }>(list).items
    expect(failed?.status).toBe('failed')
    const show = await runCommand(world, PayoutsShow, [failed!.id, '--json'])
    expect(resultOf<{ payout: PayoutDetailDTO }>(show).payout.covers.orderIds).toEqual([orderId])
  })

  it('refuses to retry under --json without --yes', async () => {
    const { store } = await aSellerWithPayoutAccount(world, '1111111111')
    await aReleasedSale(world, store.id, 350_000)
    await world.core.payouts.runPeriod(admin())
    await pw.settle()
    const [failed] = await payoutsOf(store.id)
    const run = await runCommand(world, PayoutsRetry, [failed!.id, '--json'])
    expect(run.exitCode).toBe(3)
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'confirmation_required' } })
    expect((await payoutsOf(store.id))[0]?.attempt).toBe(1)
  })
})

describe('kloset revenue summary', () => {
  it('reports gross sales, net commission, refunds and settled payouts per store', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    // 10,000.00 sold at 5%: 500.00 commission; 1,000.00 refunded reverses 50.00 of it.
    await aReleasedSale(world, store.id, 1_000_000, { commissionRateBps: 500, refund: 100_000 })
    await world.core.payouts.runPeriod(admin())
    await pw.settle()
    const run = await runCommand(world, RevenueSummaryCommand, [
      '--from',
      '2000-01-01',
      '--to',
      '2100-01-01',
      '--by-store',
      '--json',
    ])
    const summary = resultOf<RevenueSummary>(run)
    expect(summary.stores?.find((line) => line.storeId === store.id)).toEqual({
      storeId: store.id,
      grossSales: 1_000_000,
      commission: 45_000,
      refunds: 100_000,
      payouts: 855_000,
      fees: 0,
      netRevenue: 45_000,
    })
  })

  it('formats the figures for people without --json', async () => {
    const run = await runCommand(world, RevenueSummaryCommand, [
      '--from',
      '2000-01-01',
      '--to',
      '2100-01-01',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/gross sales/)
    expect(run.stdout).toMatch(/₦[\d,]+\.\d\d/)
  })
})
