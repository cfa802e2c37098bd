import { describe, expect, it } from '@jest/globals'
import type { Page, PayoutDetailDTO, PayoutDTO } from '@kloset/core'
import {
  A_PASSWORD,
  adminCliCtx,
  anAccountNumber,
  aReleasedSale,
  aSellerWithPayoutAccount,
  aSignedUpSeller,
  aVerifiedUser,
} from '@kloset/core/testing'
import { paystackApiForSuite } from '../test-support/suite.js'

const { world, http } = paystackApiForSuite({ topUp: 10_000_000_000 })

type ErrorBody = { error: { code: string; details?: Record<string, string> } }

/** Runs the week's payouts and returns the payout id of `storeId`. */
async function paidOut(storeId: string): Promise<string> {
  const run = await world.core.payouts.runPeriod(adminCliCtx(world.clock.now()))
  const payoutId = run.items.find((item) => item.storeId === storeId)?.payoutId
  expect(payoutId).toBeDefined()
  return payoutId!
}

describe('PUT /api/v1/seller/payout-account', () => {
  it('answers 200 with the last four digits and never the account number', async () => {
    const { token } = await aSignedUpSeller(world)
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
    const { token } = await aSignedUpSeller(world)
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
    const { token } = await aSignedUpSeller(world)
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
    const { token } = await aSellerWithPayoutAccount(world)
    const res = await http.call<{ payoutAccount: { bankName: string } }>(
      'GET',
      '/api/v1/seller/payout-account',
      { token },
    )
    expect(res.status).toBe(200)
    expect(res.body.payoutAccount.bankName).toBe('Guaranty Trust Bank')
  })

  it('lists banks with their codes', async () => {
    const { token } = await aSignedUpSeller(world)
    const res = await http.call<{ banks: { code: string }[] }>('GET', '/api/v1/seller/banks', {
      token,
    })
    expect(res.status).toBe(200)
    expect(res.body.banks.map((bank) => bank.code)).toContain('058')
  })
})

describe('GET /api/v1/seller/payouts', () => {
  it('shows a seller their own payout with what it covers', async () => {
    const { token, store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 150_000)
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
    const owner = await aSellerWithPayoutAccount(world)
    const other = await aSignedUpSeller(world)
    await aReleasedSale(world, owner.store.id, 160_000)
    const id = await paidOut(owner.store.id)
    const res = await http.call<ErrorBody>('GET', `/api/v1/seller/payouts/${id}`, {
      token: other.token,
    })
    expect(res.status).toBe(404)
  })

  it('lists only the seller’s own payouts', async () => {
    const owner = await aSellerWithPayoutAccount(world)
    const other = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, owner.store.id, 170_000)
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
