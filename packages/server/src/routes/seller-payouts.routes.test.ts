import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { Page, PayoutDetailDTO, PayoutDTO } from '@kloset/core'
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
  pw.sandbox.topUp(10_000_000_000)
  http = createTestApi(world)
})
afterAll(() => pw.close())

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

let counter = 0
const anAccountNumber = () =>
  `7${String(Date.now() % 100_000_000).padStart(8, '0')}${counter++ % 10}`

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
    body: { bankCode: '058', accountNumber: anAccountNumber(), password: A_PASSWORD },
  })
  expect(res.status).toBe(200)
  return seller
}

async function fund(storeId: string, amount: number) {
  const admin = adminCliCtx(world.clock.now())
  const orderId = `api-${Date.now().toString(36)}-${counter++}`
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

/** Runs the week's payouts and returns the payout id of `storeId`. */
async function paidOut(storeId: string): Promise<string> {
  const run = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
  const payoutId = run.items.find((item) => item.storeId === storeId)?.payoutId
  expect(payoutId).toBeDefined()
  return payoutId!
}

describe('PUT /api/v1/seller/payout-account', () => {
  it('answers 200 with the last four digits and never the account number', async () => {
    const { token } = await aSeller()
    const accountNumber = anAccountNumber()
    const res = await http.call<{ payoutAccount: Record<string, unknown> }>(
      'PUT',
      '/api/v1/seller/payout-account',
      { token, body: { bankCode: '058', accountNumber, password: A_PASSWORD } },
    )
    expect(res.status).toBe(200)
    expect(res.body.payoutAccount).toMatchObject({ accountNumberLast4: accountNumber.slice(-4) })
    expect(JSON.stringify(res.body)).not.toContain(accountNumber)
  })

  it('answers 400 to a field it does not take, such as a recipient code', async () => {
    const { token } = await aSeller()
    const res = await http.call<ErrorBody>('PUT', '/api/v1/seller/payout-account', {
      token,
      body: {
        bankCode: '058',
        accountNumber: anAccountNumber(),
        password: A_PASSWORD,
        recipientCode: 'RCP_attacker',
      },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details?.body).toMatch(/recipientCode/)
  })

  it('answers 403 invalid_password to a wrong password', async () => {
    const { token } = await aSeller()
    const res = await http.call<ErrorBody>('PUT', '/api/v1/seller/payout-account', {
      token,
      body: { bankCode: '058', accountNumber: anAccountNumber(), password: 'wrong password!!' },
    })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('invalid_password')
  })

  it('answers 403 to a buyer', async () => {
    const buyer = await aVerifiedUser(world, 'buyer')
    const res = await http.call('PUT', '/api/v1/seller/payout-account', {
      token: buyer.session.accessToken,
      body: { bankCode: '058', accountNumber: anAccountNumber(), password: A_PASSWORD },
    })
    expect(res.status).toBe(403)
  })
})

describe('GET /api/v1/seller/payout-account and /banks', () => {
  it('shows the account that was set', async () => {
    const { token } = await aSellerWithPayoutAccount()
    const res = await http.call<{ payoutAccount: { bankName: string } }>(
      'GET',
      '/api/v1/seller/payout-account',
      { token },
    )
    expect(res.status).toBe(200)
    expect(res.body.payoutAccount.bankName).toBe('Guaranty Trust Bank')
  })

  it('lists banks with their codes', async () => {
    const { token } = await aSeller()
    const res = await http.call<{ banks: { code: string }[] }>('GET', '/api/v1/seller/banks', {
      token,
    })
    expect(res.status).toBe(200)
    expect(res.body.banks.map((bank) => bank.code)).toContain('058')
  })
})

describe('GET /api/v1/seller/payouts', () => {
  it('shows a seller their own payout with what it covers', async () => {
    const { token, store } = await aSellerWithPayoutAccount()
    await fund(store.id, 150_000)
    const id = await paidOut(store.id)
    const res = await http.call<{ payout: PayoutDetailDTO }>(
      'GET',
      `/api/v1/seller/payouts/${id}`,
      {
        token,
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.payout).toMatchObject({ id, amount: 150_000 })
    expect(res.body.payout.covers.orderIds).toHaveLength(1)
  })

  it('answers 404 for another seller’s payout', async () => {
    const owner = await aSellerWithPayoutAccount()
    const other = await aSeller()
    await fund(owner.store.id, 160_000)
    const id = await paidOut(owner.store.id)
    const res = await http.call<ErrorBody>('GET', `/api/v1/seller/payouts/${id}`, {
      token: other.token,
    })
    expect(res.status).toBe(404)
  })

  it('lists only the seller’s own payouts', async () => {
    const owner = await aSellerWithPayoutAccount()
    const other = await aSellerWithPayoutAccount()
    await fund(owner.store.id, 170_000)
    await paidOut(owner.store.id)
    const mine = await http.call<Page<PayoutDTO>>('GET', '/api/v1/seller/payouts', {
      token: owner.token,
    })
    const theirs = await http.call<Page<PayoutDTO>>('GET', '/api/v1/seller/payouts', {
      token: other.token,
    })
    expect(mine.body.items.map((payout) => payout.storeId)).toEqual([owner.store.id])
    expect(theirs.body.items).toEqual([])
  })
})
