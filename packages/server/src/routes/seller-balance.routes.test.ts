import { describe, expect, it } from '@jest/globals'
import type { Page, SellerBalanceDTO } from '@kloset/core'
import {
  aReleasedSale,
  aSellerWithPayoutAccount,
  aSignedUpSeller,
  aVerifiedUser,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { world, http } = paystackApiForSuite()

describe('GET /api/v1/seller/balance and /ledger', () => {
  it('gives the seller’s own balances and the next payout time', async () => {
    const { token, store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 80_000)
    const res = await http.call<{ balance: SellerBalanceDTO }>('GET', '/api/v1/seller/balance', {
      token,
    })
    expect(res.status).toBe(200)
    expect(res.body.balance).toMatchObject({
      storeId: store.id,
      available: 80_000,
      pending: 0,
      inTransit: 0,
      paid: 0,
    })
    expect(new Date(res.body.balance.nextPayoutAt).getUTCDay()).toBe(1)
  })

  it('shows a seller only their own statement', async () => {
    const owner = await aSignedUpSeller(world)
    const other = await aSignedUpSeller(world)
    await aReleasedSale(world, owner.store.id, 90_000)
    const mine = await http.call<Page<{ kind: string }>>('GET', '/api/v1/seller/ledger', {
      token: owner.token,
    })
    const theirs = await http.call<Page<unknown>>('GET', '/api/v1/seller/ledger', {
      token: other.token,
    })
    expect(mine.body.items.map((entry) => entry.kind)).toEqual(['release', 'sale'])
    expect(theirs.body.items).toEqual([])
  })
})

describe('seller money routes for other roles', () => {
  it('answers 403 to a buyer asking for a balance', async () => {
    const buyer = await aVerifiedUser(world, 'buyer')
    const res = await http.call('GET', '/api/v1/seller/balance', {
      token: buyer.session.accessToken,
    })
    expect(res.status).toBe(403)
  })

  it('answers 404 to a seller without a store', async () => {
    const seller = await aVerifiedUser(world, 'seller')
    const res = await http.call('GET', '/api/v1/seller/balance', {
      token: seller.session.accessToken,
    })
    expect(res.status).toBe(404)
  })
})
