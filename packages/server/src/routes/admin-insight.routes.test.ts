import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Dashboard, RevenueReport } from '@kloset/core'
import {
  adminCliCtx,
  anAdminToken,
  aPaidOrder,
  aProductIn,
  aReleasedSale,
  aSellerWithStore,
  aVerifiedUser,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

let admin: string
let day: Date
let paidStoreId: string
let otherStoreId: string
const DAY = 86_400_000

const { pw, world, http } = paystackApiForSuite()
beforeAll(async () => {
  const now = world.clock.now()
  day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  // Day 0: a real checkout paid on the sandbox (5% commission). Day 1: a sale with a refund.
  const paid = await aPaidOrder(pw, { price: 2_000_000, quantity: 2 })
  paidStoreId = paid.store.store.id
  world.clock.advance(DAY)
  otherStoreId = (await aSellerWithStore(world)).store.id
  await aReleasedSale(world, otherStoreId, 700_000, { commissionRateBps: 1000, refund: 100_000 })
  // Signed in after the clock moved: access tokens live 15 minutes.
  admin = await anAdminToken(world)
})

const iso = (offsetDays: number) => new Date(day.getTime() + offsetDays * DAY).toISOString()

async function report(query: string, headers: Record<string, string> = {}) {
  return http.call<RevenueReport>('GET', `/api/v1/admin/reports/revenue?${query}`, {
    token: admin,
    headers,
  })
}

describe('GET /api/v1/admin/reports/revenue', () => {
  it('cuts the period into days whose sums are exactly the ledger’s summary', async () => {
    const answer = await report(`from=${iso(-1)}&to=${iso(3)}&granularity=day`)
    expect(answer.status).toBe(200)
    const ledger = await world.core.ledger.revenueSummary(adminCliCtx(), {
      from: iso(-1),
      to: iso(3),
      currency: 'NGN',
    })
    expect(answer.body.totals).toEqual(ledger.totals)
    expect(answer.body.buckets.map((b) => b.start)).toEqual([iso(-1), iso(0), iso(1), iso(2)])
    const [, first, second] = answer.body.buckets
    expect(first).toMatchObject({ grossSales: 4_000_000, commission: 200_000 })
    expect(second).toMatchObject({ grossSales: 700_000, refunds: 100_000 })
    const sum = answer.body.buckets.reduce((s, b) => s + b.grossSales + b.commission + b.refunds, 0)
    expect(sum).toBe(ledger.totals.grossSales + ledger.totals.commission + ledger.totals.refunds)
  })

  it('narrows to one store', async () => {
    const answer = await report(`from=${iso(-1)}&to=${iso(3)}&store=${otherStoreId}`)
    const byStore = await world.core.ledger.revenueSummary(adminCliCtx(), {
      from: iso(-1),
      to: iso(3),
      currency: 'NGN',
      byStore: true,
    })
    const { storeId: _id, ...expected } = byStore.stores!.find((s) => s.storeId === otherStoreId)!
    expect(answer.body.totals).toEqual(expected)
    expect(answer.body.totals.grossSales).toBe(700_000)
  })

  it('answers CSV in kobo when asked with Accept: text/csv', async () => {
    const answer = await http.call<string>(
      'GET',
      `/api/v1/admin/reports/revenue?from=${iso(0)}&to=${iso(2)}&granularity=week`,
      { token: admin, headers: { accept: 'text/csv' } },
    )
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (answer.body as string).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'start,end,currency,gross_sales,commission,refunds,payouts,fees,net_revenue',
    )
    const json = await report(`from=${iso(0)}&to=${iso(2)}&granularity=week`)
    expect(lines).toHaveLength(json.body.buckets.length + 2)
    const t = json.body.totals
    expect(lines.at(-1)).toBe(
      `total,,NGN,${t.grossSales},${t.commission},${t.refunds},${t.payouts},${t.fees},${t.netRevenue}`,
    )
  })

  it('refuses a period that ends before it starts, or too many buckets', async () => {
    expect((await report(`from=${iso(2)}&to=${iso(1)}`)).status).toBe(400)
    const long = await report('from=2020-01-01&to=2026-01-01&granularity=day')
    expect(long.status).toBe(400)
    expect(long.body).toMatchObject({ error: { code: 'validation_failed' } })
  })

  it('is for administrators only', async () => {
    const buyer = (await aVerifiedUser(world)).session.accessToken
    const answer = await http.call(
      'GET',
      `/api/v1/admin/reports/revenue?from=${iso(0)}&to=${iso(1)}`,
      {
        token: buyer,
      },
    )
    expect(answer.status).toBe(403)
  })
})

describe('GET /api/v1/admin/dashboard', () => {
  it('shows the period beside the previous one, from the ledger and the orders', async () => {
    const answer = await http.call<Dashboard>(
      'GET',
      `/api/v1/admin/dashboard?from=${iso(0)}&to=${iso(1)}`,
      { token: admin },
    )
    expect(answer.status).toBe(200)
    const { period, previous } = answer.body
    expect(period.revenue).toMatchObject({ grossSales: 4_000_000, commission: 200_000 })
    expect(period.takeRateBps).toBe(500)
    expect(period.ordersByStatus).toEqual({ processing: 1 })
    expect(previous).toMatchObject({ from: iso(-1), to: iso(0), ordersByStatus: {} })
    expect(previous.revenue.grossSales).toBe(0)
    // The paid order's seller share waits in pending, the refunded sale's rest is available.
    const available = await world.core.ledger.availableBalances(adminCliCtx(), 'NGN')
    const due = available.filter((s) => s.available >= world.config.payouts.minimumKobo)
    expect(answer.body.payoutsDue).toEqual({
      stores: due.length,
      amount: due.reduce((sum, s) => sum + s.available, 0),
    })
    expect(paidStoreId).not.toBe(otherStoreId)
  })
  it('counts the buyers and sellers active in each period, and what waits for an administrator now', async () => {
    const url = `/api/v1/admin/dashboard?from=${iso(0)}&to=${iso(1)}`
    const before = (await http.call<Dashboard>('GET', url, { token: admin })).body
    // Day 0 had the one paid checkout: one buyer, one store; the day before, nobody.
    expect(before.period).toMatchObject({ activeBuyers: 1, activeSellers: 1 })
    expect(before.previous).toMatchObject({ activeBuyers: 0, activeSellers: 0 })
    await aSellerWithStore(world, 'pending')
    await aProductIn(world, (await aSellerWithStore(world)).seller, 'pending_review')
    // A case in each state, written below the services: only the open ones count.
    const { connection } = world.core
    await connection
      .collection('disputes')
      .insertMany([{ status: 'escalated' }, { status: 'awaiting_seller' }, { status: 'resolved' }])
    await connection
      .collection('fraud_cases')
      .insertMany([{ status: 'open' }, { status: 'cleared' }])
    const after = await http.call<Dashboard>('GET', url, { token: admin })
    expect(after.status).toBe(200)
    expect(after.body.approvalsWaiting).toEqual({
      stores: before.approvalsWaiting.stores + 1,
      products: before.approvalsWaiting.products + 1,
    })
    expect(after.body.disputesOpen).toBe(before.disputesOpen + 2)
    expect(after.body.fraudCasesOpen).toBe(before.fraudCasesOpen + 1)
  })
})
