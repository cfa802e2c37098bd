import { describe, expect, it } from '@jest/globals'
import { newId } from '../shared/ids.js'
import { PLATFORM_ACCOUNTS, sellerAccount } from './ledger.accounts.js'
import { checkJournal, mulDivRoundHalfUp, splitRefund } from './ledger.rules.js'

describe('mulDivRoundHalfUp', () => {
  it('rounds an exact half up', () => {
    expect(mulDivRoundHalfUp(1, 1, 2)).toBe(1)
  })

  it('rounds below a half down', () => {
    expect(mulDivRoundHalfUp(1_667, 10_000, 33_333)).toBe(500)
  })

  it('keeps every kobo of products beyond 2^53', () => {
    expect(mulDivRoundHalfUp(9_000_000_000_000_001, 3, 3)).toBe(9_000_000_000_000_001)
  })
})

describe('splitRefund', () => {
  const sale = { gross: 333_33, commission: 1_667 }

  it('reverses the rest of the commission on the refund that completes the sale', () => {
    expect(
      splitRefund({
        ...sale,
        refundedBefore: 10_000,
        commissionReversedBefore: 500,
        amount: 23_333,
      }),
    ).toEqual({ commission: 1_167, seller: 22_166 })
  })

  it('refuses a refund past the gross', () => {
    expect(() =>
      splitRefund({
        ...sale,
        refundedBefore: 33_000,
        commissionReversedBefore: 1_650,
        amount: 334,
      }),
    ).toThrow(RangeError)
  })
})

describe('checkJournal', () => {
  it('requires refs.storeId on a payout in transit', () => {
    const storeId = newId()
    expect(
      checkJournal({
        currency: 'NGN',
        entries: [
          { account: sellerAccount(storeId, 'available'), amount: 100 },
          { account: PLATFORM_ACCOUNTS.payoutsInTransit, amount: -100 },
        ],
        refs: {},
      }).problems,
    ).toEqual([
      `entry 0: ${sellerAccount(storeId, 'available')} does not belong to refs.storeId`,
      'entry 1: platform:payouts_in_transit needs refs.storeId',
    ])
  })

  it('passes a balanced journal of one store', () => {
    const storeId = newId()
    expect(
      checkJournal({
        currency: 'NGN',
        entries: [
          { account: PLATFORM_ACCOUNTS.cash, amount: 1_000 },
          { account: PLATFORM_ACCOUNTS.commission, amount: -50 },
          { account: sellerAccount(storeId, 'pending'), amount: -950 },
        ],
        refs: { storeId },
      }),
    ).toEqual({ ok: true, problems: [] })
  })
})
