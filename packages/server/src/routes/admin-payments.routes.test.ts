import { beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, PaymentEventDTO } from '@kloset/core'
import {
  adminCliCtx,
  anAdminToken,
  aReleasedSale,
  aSellerWithPayoutAccount,
  aVerifiedUser,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { pw, world, http } = paystackApiForSuite({ topUp: 10_000_000_000 })
let adminToken = ''
beforeAll(async () => {
  adminToken = await anAdminToken(world)
})

/** Pays a new store this week and waits for Paystack's webhook: the transfer's reference. */
async function aSettledTransfer(): Promise<string> {
  const { store } = await aSellerWithPayoutAccount(world)
  await aReleasedSale(world, store.id, 500_000)
  const run = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
  await pw.settle()
  const payoutId = run.items.find((item) => item.storeId === store.id)?.payoutId
  return (await world.core.payouts.get(adminCliCtx(world.clock.now()), payoutId!)).reference
}

describe('GET /api/v1/admin/payment-events', () => {
  it('lists the Paystack events of a reference for an administrator', async () => {
    const reference = await aSettledTransfer()
    const res = await http.call<Page<PaymentEventDTO>>(
      'GET',
      `/api/v1/admin/payment-events?reference=${reference}`,
      { token: adminToken },
    )
    expect(res.status).toBe(200)
    expect(res.body.items).toEqual([
      expect.objectContaining({ provider: 'paystack', event: 'transfer.success', reference }),
    ])
  })

  it('answers 400 to a filter it does not take', async () => {
    const res = await http.call('GET', '/api/v1/admin/payment-events?rawBody=x', {
      token: adminToken,
    })
    expect(res.status).toBe(400)
  })

  it('answers 403 to a seller', async () => {
    const seller = await aVerifiedUser(world, 'seller')
    const res = await http.call('GET', '/api/v1/admin/payment-events', {
      token: seller.session.accessToken,
    })
    expect(res.status).toBe(403)
  })
})
