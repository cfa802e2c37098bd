import { describe, expect, it } from '@jest/globals'
import { TRANSFER_REFERENCE } from '../payments/paystack/paystack.client.js'
import { isValidPeriod, nextPayoutRun, periodOf, transferReferenceOf } from './payout.period.js'

describe('periodOf', () => {
  it('names the ISO week of an instant', () => {
    expect(periodOf(new Date('2026-11-25T09:00:00Z'))).toBe('2026-W48')
  })

  it('reads the week in Lagos time, where Monday starts an hour before UTC does', () => {
    // Sunday 23:30 UTC is Monday 00:30 in Lagos.
    expect(periodOf(new Date('2026-11-29T23:30:00Z'))).toBe('2026-W49')
  })

  it('puts the first days of January in the last week of the previous ISO year', () => {
    expect(periodOf(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53')
  })
})

describe('isValidPeriod', () => {
  it('accepts week 53 of a long ISO year', () => {
    expect(isValidPeriod('2026-W53')).toBe(true)
  })

  it('refuses week 53 of a year that has 52 weeks', () => {
    expect(isValidPeriod('2025-W53')).toBe(false)
  })

  it('refuses a week without its leading zero', () => {
    expect(isValidPeriod('2026-W8')).toBe(false)
  })
})

describe('nextPayoutRun', () => {
  it('is the coming Monday at 09:00 Lagos (08:00 UTC) from midweek', () => {
    expect(nextPayoutRun(new Date('2026-11-25T12:00:00Z')).toISOString()).toBe(
      '2026-11-30T08:00:00.000Z',
    )
  })

  it('is the same Monday when it is earlier than 09:00 in Lagos', () => {
    expect(nextPayoutRun(new Date('2026-11-30T07:30:00Z')).toISOString()).toBe(
      '2026-11-30T08:00:00.000Z',
    )
  })

  it('is a week later once Monday 09:00 has passed', () => {
    expect(nextPayoutRun(new Date('2026-11-30T08:00:01Z')).toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    )
  })
})

describe('transferReferenceOf', () => {
  const storeId = '6543210fedcba98765432100'

  it('is lower case and a valid Paystack transfer reference', () => {
    const reference = transferReferenceOf(storeId, '2026-W48', 1)
    expect(reference).toBe(`po_${storeId}_2026-w48`)
    expect(reference).toMatch(TRANSFER_REFERENCE)
  })

  it('adds the attempt from the second attempt on, still within 50 characters', () => {
    const reference = transferReferenceOf(storeId, '2026-W48', 12)
    expect(reference).toBe(`po_${storeId}_2026-w48_r12`)
    expect(reference).toMatch(TRANSFER_REFERENCE)
  })
})
