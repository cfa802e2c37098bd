import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, SellerBalanceDTO } from '@kloset/core'
import {
  A_PASSWORD,
  adminCliCtx,
  aSellerWithStore,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
  type TestWorld,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

let pw: PaystackWorld
let world: TestWorld
let http: TestApi
beforeAll(async () => {
  pw = await createPaystackWorld()
  world = pw.world
  http = createTestApi(world)
})
afterAll(() => pw.close())

let counter = 0

/** A seller with an approved store, signed in over the API. */
async function aSeller() {
  const account = await aVerifiedUser(world, 'seller')
  const { store } = await aSellerWithStore(world, 'approved', account.user.id)
  return { token: account.session.accessToken, store }
}

async function aSellerWithPayoutAccount() {
  const seller = await aSeller()
  const res = await http.call('PUT', '/api/v1/seller/payout-account', {
    token: seller.token,
    body: {
      bankCode: '058',
      accountNumber: `9${String(Date.now() % 100_000_000).padStart(8, '0')}${counter++ % 10}`,
      password: A_PASSWORD,
    },
  })
  expect(res.status).toBe(200)
  return seller
}

async function fund(storeId: string, amount: number) {
  const admin = adminCliCtx(world.clock.now())
  const orderId = `bal-${Date.now().toString(36)}-${counter++}`
  await world.core.ledger.recordSale(admin, {
    orderId,
    orderGroupId: `grp-${orderId}`,
    storeId,
    gross: amount,
    commissionRateBps: 0,
    currency: 'NGN',
  })
  await world.core.ledger.releaseToAvailable(admin, { orderId, storeId, currency: 'NGN' })
}

describe('GET /api/v1/seller/balance and /ledger', () => {
  it('gives the seller’s own balances and the next payout time', async () => {
    const { token, store } = await aSellerWithPayoutAccount()
    await fund(store.id, 80_000)
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
    const owner = await aSeller()
    const other = await aSeller()
    await fund(owner.store.id, 90_000)
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
