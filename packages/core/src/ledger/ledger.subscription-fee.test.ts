import { describe, expect, it } from '@jest/globals'
import { PLATFORM_ACCOUNTS } from './ledger.accounts.js'
import { sameJournal, subscriptionFeeJournal } from './ledger.journals.js'
import { checkJournal } from './ledger.rules.js'

const fee = () => ({
  invoiceCode: 'INV_abc123',
  storeId: '65f1c0ffee0000000000abcd',
  planCode: 'pro',
  amount: 1_500_000,
  currency: 'NGN' as const,
})

describe('subscriptionFeeJournal', () => {
  it('books the whole invoice into platform cash and subscription revenue, balanced', () => {
    const journal = subscriptionFeeJournal(fee())
    expect(journal).toMatchObject({
      idempotencyKey: 'subscription:INV_abc123',
      kind: 'subscription_fee',
      entries: [
        { account: PLATFORM_ACCOUNTS.cash, amount: 1_500_000 },
        { account: PLATFORM_ACCOUNTS.subscriptions, amount: -1_500_000 },
      ],
    })
    expect(checkJournal(journal)).toEqual({ ok: true, problems: [] })
  })

  it('moves no seller account, so seller statements do not list it', () => {
    const journal = subscriptionFeeJournal(fee())
    expect(journal.refs).toEqual({})
    expect(journal.entries.every((e) => !e.account.startsWith('seller:'))).toBe(true)
    expect(journal.memo).toContain('65f1c0ffee0000000000abcd')
  })

  it('treats the same invoice with another amount as a different journal', () => {
    const booked = subscriptionFeeJournal(fee())
    expect(sameJournal(booked)(booked)).toBe(true)
    expect(sameJournal(subscriptionFeeJournal({ ...fee(), amount: 1 }))(booked)).toBe(false)
  })
})
