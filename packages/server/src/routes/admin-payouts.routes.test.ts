import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, PayoutDetailDTO, PayoutDTO } from '@kloset/core'
import {
  adminCliCtx,
  anAdminToken,
  aReleasedSale,
  aSellerWithPayoutAccount,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite({ topUp: 10_000_000_000 })
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

/** A store paid `gross` kobo by this week's run: its payout id and period, and the sale's order. */
async function aPaidStore(gross: number) {
  const { store, token } = await aSellerWithPayoutAccount(world)
  const orderId = await aReleasedSale(world, store.id, gross)
  const run = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
  await pw.settle()
  const payoutId = run.items.find((item) => item.storeId === store.id)?.payoutId
  expect(payoutId).toBeDefined()
  return { storeId: store.id, sellerToken: token, orderId, payoutId: payoutId!, period: run.period }
}

describe('GET /api/v1/admin/payouts', () => {
  it('lists the payouts of a period for an administrator', async () => {
    const paid = await aPaidStore(400_000)
    const res = await http.call<Page<PayoutDTO>>(
      'GET',
      `/api/v1/admin/payouts?period=${paid.period}&limit=100`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.items).toContainEqual(
      expect.objectContaining({ id: paid.payoutId, storeId: paid.storeId, amount: 400_000 }),
    )
  })

  it('leaves out payouts of another status', async () => {
    const paid = await aPaidStore(410_000)
    const res = await http.call<Page<PayoutDTO>>(
      'GET',
      `/api/v1/admin/payouts?status=failed&storeId=${paid.storeId}`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.items).toEqual([])
  })

  it('pages with a cursor', async () => {
    await aPaidStore(420_000)
    await aPaidStore(430_000)
    const first = await http.call<Page<PayoutDTO>>('GET', '/api/v1/admin/payouts?limit=1', {
      token: adminToken,
    })
    const second = await http.call<Page<PayoutDTO>>(
      'GET',
      `/api/v1/admin/payouts?limit=1&cursor=${first.body.nextCursor}`,
      { token: adminToken },
    )
    expect(second.status).toBe(200)
    expect(second.body.items[0]?.id).not.toBe(first.body.items[0]?.id)
  })

  it('answers 400 to a status that does not exist', async () => {
    const res = await http.call<ErrorBody>('GET', '/api/v1/admin/payouts?status=lost', {
      token: adminToken,
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toHaveProperty('status')
  })

  it('answers 403 to a seller', async () => {
    const { sellerToken } = await aPaidStore(440_000)
    const res = await http.call('GET', '/api/v1/admin/payouts', { token: sellerToken })
    expect(res.status).toBe(403)
  })
})

describe('GET /api/v1/admin/payouts/:id', () => {
  it('shows a payout with the orders it covers', async () => {
    const paid = await aPaidStore(450_000)
    const res = await http.call<{ payout: PayoutDetailDTO }>(
      'GET',
      `/api/v1/admin/payouts/${paid.payoutId}`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.payout).toMatchObject({ id: paid.payoutId, storeId: paid.storeId })
    expect(res.body.payout.covers.orderIds).toEqual([paid.orderId])
  })

  it('answers 404 to an unknown id', async () => {
    const res = await http.call<ErrorBody>(
      'GET',
      '/api/v1/admin/payouts/0123456789abcdef01234567',
      {
        token: adminToken,
      },
    )
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('not_found')
  })

  it('answers 403 to the seller the payout belongs to', async () => {
    const paid = await aPaidStore(460_000)
    const res = await http.call('GET', `/api/v1/admin/payouts/${paid.payoutId}`, {
      token: paid.sellerToken,
    })
    expect(res.status).toBe(403)
  })
})
