import { describe, expect, it } from '@jest/globals'
import { PLATFORM_ACCOUNTS, sellerAccount } from './ledger.accounts.js'
import {
  type JournalDraft,
  type OrderHistory,
  orderHistoryOf,
  payoutOutcomeJournal,
  payoutReversalJournal,
  payoutSentJournal,
  refundJournal,
  releaseJournal,
  saleJournal,
  sameJournal,
  transferFeeJournal,
} from './ledger.journals.js'
import { checkJournal } from './ledger.rules.js'

/*
 * The journal builders without a database: what each posting books, given the journals before
 * it. ledger.service.test.ts checks the same postings end to end against the engine.
 */

const { cash, paidOut, commission, refunds, payoutsInTransit } = PLATFORM_ACCOUNTS
const storeId = 'a'.repeat(24)
const pending = sellerAccount(storeId, 'pending')
const available = sellerAccount(storeId, 'available')

const saleInput = () => ({
  orderId: 'ord1',
  orderGroupId: 'grp1',
  storeId,
  gross: 10_000,
  commissionRateBps: 500,
  currency: 'NGN' as const,
})
const sale = saleJournal(saleInput())
const historyOf = (...journals: JournalDraft[]): OrderHistory => orderHistoryOf(journals)
type RefundAsked = Parameters<typeof refundJournal>[0]
/** A refund as a caller asks it, by default saying what the history says of the funds. */
const refundOf = (
  amount: number,
  history: OrderHistory,
  refundId = 'rf1',
  asked: Partial<RefundAsked> = {},
) =>
  refundJournal(
    {
      orderId: 'ord1',
      storeId,
      refundId,
      amount,
      currency: 'NGN',
      orderState: history.releases.length > 0 ? 'available_funds' : 'pending_funds',
      ...asked,
    },
    history,
  )
const releaseOf = (history: OrderHistory, amount?: number) =>
  releaseJournal(
    { orderId: 'ord1', storeId, currency: 'NGN', ...(amount ? { amount } : {}) },
    history,
  )
const errorCode = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('saleJournal', () => {
  it('books the gross to cash, 5% to commission and the rest to pending', () => {
    expect(sale.entries).toEqual([
      { account: cash, amount: 10_000 },
      { account: commission, amount: -500 },
      { account: pending, amount: -9_500 },
    ])
    expect(sale.idempotencyKey).toBe('sale:ord1')
    expect(checkJournal(sale).ok).toBe(true)
  })

  it('books no commission line at a 0% rate', () => {
    const free = saleJournal({ ...saleInput(), commissionRateBps: 0 })
    expect(free.entries.map((entry) => entry.account)).toEqual([cash, pending])
  })
})

describe('releaseJournal', () => {
  it('moves what is still pending to available, net of refunds from pending', () => {
    const refund = refundOf(2_000, historyOf(sale))
    const release = releaseOf(historyOf(sale, refund))
    expect(release.entries).toEqual([
      { account: pending, amount: 7_600 },
      { account: available, amount: -7_600 },
    ])
    expect(release.slotKey).toBe('order:ord1:seq:2')
    expect(release.refs).toEqual({ orderId: 'ord1', orderGroupId: 'grp1', storeId })
  })

  it('refuses an order without a sale', () => {
    expect(errorCode(() => releaseOf(historyOf()))).toBe('sale_not_recorded')
  })

  it('refuses an amount that is not what is pending', () => {
    expect(errorCode(() => releaseOf(historyOf(sale), 9_000))).toBe('release_amount_mismatch')
  })

  it('refuses an order fully refunded from pending', () => {
    const refund = refundOf(10_000, historyOf(sale))
    expect(errorCode(() => releaseOf(historyOf(sale, refund)))).toBe('nothing_to_release')
  })
})

describe('refundJournal', () => {
  it('reverses commission in proportion and takes the rest from pending', () => {
    const refund = refundOf(3_000, historyOf(sale))
    expect(refund.entries).toEqual([
      { account: commission, amount: 150 },
      { account: pending, amount: 2_850 },
      { account: refunds, amount: -3_000 },
      { account: cash, amount: -3_000 },
      { account: paidOut, amount: 3_000 },
    ])
    expect(checkJournal(refund).ok).toBe(true)
  })

  it('takes the seller share from available once the order was released', () => {
    const release = releaseOf(historyOf(sale))
    const refund = refundOf(1_000, historyOf(sale, release))
    expect(refund.entries).toContainEqual({ account: available, amount: 950 })
    expect(refund.slotKey).toBe('order:ord1:seq:2')
  })

  it('refuses more than is left of the sale', () => {
    const first = refundOf(6_000, historyOf(sale))
    expect(errorCode(() => refundOf(5_000, historyOf(sale, first), 'rf2'))).toBe(
      'refund_exceeds_sale',
    )
  })

  it('refuses when the caller disagrees on whether the funds were released', () => {
    const release = releaseOf(historyOf(sale))
    const claim = () =>
      refundOf(100, historyOf(sale, release), 'rf1', { orderState: 'pending_funds' })
    expect(errorCode(claim)).toBe('order_state_mismatch')
  })

  it('refuses a sale in another currency', () => {
    expect(errorCode(() => refundOf(100, historyOf(sale), 'rf1', { currency: 'USD' }))).toBe(
      'currency_mismatch',
    )
  })
})

describe('payout journals', () => {
  const sent = payoutSentJournal({ payoutId: 'po1', storeId, amount: 4_000, currency: 'NGN' })

  it('moves available to in transit when sent', () => {
    expect(sent.entries).toEqual([
      { account: available, amount: 4_000 },
      { account: payoutsInTransit, amount: -4_000 },
    ])
  })

  it('settles in transit to paid and out of cash, in the outcome slot', () => {
    const settled = payoutOutcomeJournal({ payoutId: 'po1' }, 'payout_settled', sent)
    expect(settled.entries).toEqual([
      { account: payoutsInTransit, amount: 4_000 },
      { account: sellerAccount(storeId, 'paid'), amount: -4_000 },
      { account: cash, amount: -4_000 },
      { account: paidOut, amount: 4_000 },
    ])
    expect(settled.slotKey).toBe('payout:po1:outcome')
  })

  it('gives a failed transfer back to available, in the same slot as a settlement', () => {
    const failed = payoutOutcomeJournal({ payoutId: 'po1', memo: 'bank' }, 'payout_failed', sent)
    expect(failed.entries).toEqual([
      { account: payoutsInTransit, amount: 4_000 },
      { account: available, amount: -4_000 },
    ])
    expect(failed.slotKey).toBe('payout:po1:outcome')
    expect(failed.memo).toBe('bank')
  })

  it('refuses an outcome for a payout never sent', () => {
    expect(errorCode(() => payoutOutcomeJournal({ payoutId: 'po1' }, 'payout_failed', null))).toBe(
      'payout_not_sent',
    )
  })

  it('reverses a settlement back to available and cash', () => {
    const settled = payoutOutcomeJournal({ payoutId: 'po1' }, 'payout_settled', sent)
    const reversed = payoutReversalJournal({ payoutId: 'po1' }, settled)
    expect(reversed.entries).toEqual([
      { account: sellerAccount(storeId, 'paid'), amount: 4_000 },
      { account: available, amount: -4_000 },
      { account: paidOut, amount: -4_000 },
      { account: cash, amount: 4_000 },
    ])
    expect(checkJournal(reversed).ok).toBe(true)
  })

  it('refuses to reverse a payout that never settled', () => {
    expect(errorCode(() => payoutReversalJournal({ payoutId: 'po1' }, undefined))).toBe(
      'payout_not_settled',
    )
  })
})

describe('transferFeeJournal', () => {
  const input = { reference: 'po1', storeId, amount: 2_500, currency: 'NGN' as const }

  it('books the fee as a platform expense out of cash, once per transfer reference', () => {
    const fee = transferFeeJournal(input)
    expect(fee).toMatchObject({
      idempotencyKey: 'transfer-fee:po1',
      slotKey: 'transfer-fee:po1',
      kind: 'transfer_fee',
      currency: 'NGN',
      refs: { payoutId: 'po1' },
    })
    expect(fee.entries).toEqual([
      { account: PLATFORM_ACCOUNTS.processingFees, amount: 2_500 },
      { account: cash, amount: -2_500 },
    ])
    expect(checkJournal(fee).ok).toBe(true)
  })

  it('moves no seller account: the seller keeps the full amount', () => {
    const fee = transferFeeJournal(input)
    expect(fee.entries.some((entry) => entry.account.startsWith('seller:'))).toBe(false)
    expect(fee.refs.storeId).toBeUndefined()
    expect(fee.memo).toContain(storeId)
  })

  it('judges a replay with another fee as a different journal', () => {
    const fee = transferFeeJournal(input)
    expect(sameJournal(fee)(transferFeeJournal(input))).toBe(true)
    expect(sameJournal(fee)(transferFeeJournal({ ...input, amount: 5_000 }))).toBe(false)
  })
})

describe('sameJournal', () => {
  it('accepts the same entries in another order and refuses other figures', () => {
    const reordered = { ...sale, entries: [...sale.entries].reverse() }
    expect(sameJournal(sale)(reordered)).toBe(true)
    const other = saleJournal({ ...saleInput(), gross: 10_001 })
    expect(sameJournal(sale)(other)).toBe(false)
  })
})
