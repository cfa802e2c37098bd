import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Dashboard, RevenueReport } from '@kloset/core'
import {
  adminCliCtx,
  aReleasedSale,
  aSellerWithStore,
  testWorldForSuite,
} from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import DashboardCommand from './dashboard.js'
import RevenueReportCommand from './revenue/report.js'

let from: string
let to: string
const world = testWorldForSuite()
beforeAll(async () => {
  const store = (await aSellerWithStore(world)).store
  await aReleasedSale(world, store.id, 1_250_000, { commissionRateBps: 500 })
  const now = world.clock.now().getTime()
  from = new Date(now - 86_400_000).toISOString()
  to = new Date(now + 86_400_000).toISOString()
})

describe('kloset revenue report', () => {
  it('gives the ledger’s figures per bucket under --json', async () => {
    const run = await runCommand(world, RevenueReportCommand, [
      '--from',
      from,
      '--to',
      to,
      '--json',
    ])
    expect(run.exitCode).toBe(0)
    const report = run.json!.result as RevenueReport
    const ledger = await world.core.ledger.revenueSummary(adminCliCtx(), {
      from,
      to,
      currency: 'NGN',
    })
    expect(report.totals).toEqual(ledger.totals)
    expect(report.totals).toMatchObject({ grossSales: 1_250_000, commission: 62_500 })
  })

  it('prints CSV in kobo, and a table with a bar per bucket', async () => {
    const csv = await runCommand(world, RevenueReportCommand, ['--from', from, '--to', to, '--csv'])
    expect(csv.stdout).toContain(
      'start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue',
    )
    expect(csv.stdout).toContain('total,,NGN,1250000,62500,0,0')
    const table = await runCommand(world, RevenueReportCommand, ['--from', from, '--to', to])
    expect(table.stdout).toContain('█')
  })

  it('refuses a period that ends before it starts', async () => {
    const run = await runCommand(world, RevenueReportCommand, [
      '--from',
      to,
      '--to',
      from,
      '--json',
    ])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'validation_failed' } })
  })
})

describe('kloset dashboard', () => {
  it('shows the period beside the previous one', async () => {
    const run = await runCommand(world, DashboardCommand, ['--from', from, '--to', to, '--json'])
    const board = run.json!.result as Dashboard
    expect(board.period.revenue.grossSales).toBe(1_250_000)
    expect(board.period.takeRateBps).toBe(500)
    expect(board.previous.revenue.grossSales).toBe(0)
  })
  it('prints the active buyers and sellers and what waits for an administrator', async () => {
    await aSellerWithStore(world, 'pending')
    const run = await runCommand(world, DashboardCommand, ['--from', from, '--to', to])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/active buyers\s.*\d/)
    expect(run.stdout).toMatch(/active sellers\s.*\d/)
    expect(run.stdout).toContain('Waiting now: 1 stores to approve, 0 products to review')
    expect(run.stdout).toContain('0 disputes open, 0 fraud cases open')
    const board = (await runCommand(world, DashboardCommand, ['--json'])).json!.result as Dashboard
    expect(board.approvalsWaiting).toEqual({ stores: 1, products: 0 })
  })
})
