import { beforeAll, describe, expect, it } from '@jest/globals'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import type { Currency } from '../shared/money.js'
import { adminCliCtx, userCtx } from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { PLATFORM_ACCOUNTS, sellerAccount } from './ledger.accounts.js'
import { createJournalModel } from './ledger.model.js'
import type { LedgerService } from './ledger.service.js'
import type { JournalDTO } from './ledger.types.js'

let ledger: LedgerService
const world = testWorldForSuite()
beforeAll(async () => {
  ledger = world.core.ledger
})

const { cash, paidOut, commission, refunds, payoutsInTransit } = PLATFORM_ACCOUNTS

const system = (): Ctx => systemCtx('ledger-test', world.clock.now())
let counter = 0
const anId = (label: string) => `${label}_${Date.now().toString(36)}${(counter++).toString(36)}`

/** Books a sale of `gross` for a (new, unless given) store at 5%. */
async function aSale(gross: number, storeId = newId(), currency: Currency = 'NGN') {
  const orderId = anId('ord')
  const journal = await ledger.recordSale(system(), {
    orderId,
    orderGroupId: anId('grp'),
    storeId,
    gross,
    commissionRateBps: 500,
    currency,
  })
  return { orderId, storeId, journal }
}

const refund = (
  sale: { orderId: string; storeId: string },
  amount: number,
  orderState: 'pending_funds' | 'available_funds' = 'pending_funds',
  refundId = anId('rf'),
) =>
  ledger.recordRefund(system(), {
    orderId: sale.orderId,
    storeId: sale.storeId,
    refundId,
    amount,
    currency: 'NGN',
    orderState,
  })

const release = (sale: { orderId: string; storeId: string }) =>
  ledger.releaseToAvailable(system(), {
    orderId: sale.orderId,
    storeId: sale.storeId,
    currency: 'NGN',
  })

const balances = (storeId: string) => ledger.storeBalances(system(), storeId, 'NGN')

/** The sum of a journal's entries on an account. */
const leg = (journal: JournalDTO, account: string) =>
  journal.entries.filter((e) => e.account === account).reduce((sum, e) => sum + e.amount, 0)

describe('recordSale', () => {
  it('books the gross to cash, 5% commission rounded half up, and the rest to pending', async () => {
    const { storeId, journal } = await aSale(333_33)
    // 5% of 33,333 kobo is 1,666.65 kobo: 1,667 to the platform, 31,666 to the seller.
    expect(journal.entries).toEqual([
      { account: cash, amount: 333_33 },
      { account: commission, amount: -1_667 },
      { account: sellerAccount(storeId, 'pending'), amount: -31_666 },
    ])
  })

  it('rounds an exact half kobo of commission up', async () => {
    const { journal } = await aSale(10)
    expect(leg(journal, commission)).toBe(-1)
  })

  it('books no commission line at a zero rate', async () => {
    const storeId = newId()
    const journal = await ledger.recordSale(system(), {
      orderId: anId('ord'),
      orderGroupId: anId('grp'),
      storeId,
      gross: 5_000,
      commissionRateBps: 0,
      currency: 'NGN',
    })
    expect(journal.entries).toEqual([
      { account: cash, amount: 5_000 },
      { account: sellerAccount(storeId, 'pending'), amount: -5_000 },
    ])
  })

  it('posts one journal for the same sale replayed five times in a row', async () => {
    const input = {
      orderId: anId('ord'),
      orderGroupId: anId('grp'),
      storeId: newId(),
      gross: 12_000,
      commissionRateBps: 500,
      currency: 'NGN' as const,
    }
    const ids = new Set<string>()
    for (let i = 0; i < 5; i++) ids.add((await ledger.recordSale(system(), input)).id)
    expect(ids.size).toBe(1)
    expect(await ledger.journalsForOrder(system(), input.orderId)).toHaveLength(1)
    expect((await balances(input.storeId)).pending).toBe(11_400)
  })

  it('posts one journal for the same sale replayed five times at once', async () => {
    const input = {
      orderId: anId('ord'),
      orderGroupId: anId('grp'),
      storeId: newId(),
      gross: 12_000,
      commissionRateBps: 500,
      currency: 'NGN' as const,
    }
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ledger.recordSale(system(), input)),
    )
    expect(new Set(results.map((j) => j.id)).size).toBe(1)
    expect(await ledger.journalsForOrder(system(), input.orderId)).toHaveLength(1)
    expect((await balances(input.storeId)).pending).toBe(11_400)
  })

  it('refuses a replay of the same order with another gross', async () => {
    const { orderId, storeId } = await aSale(12_000)
    await expect(
      ledger.recordSale(system(), {
        orderId,
        orderGroupId: anId('grp'),
        storeId,
        gross: 13_000,
        commissionRateBps: 500,
        currency: 'NGN',
      }),
    ).rejects.toMatchObject({ code: 'idempotency_conflict' })
  })

  it('is refused to a seller', async () => {
    await expect(
      ledger.recordSale(userCtx(newId(), 'seller'), {
        orderId: anId('ord'),
        orderGroupId: anId('grp'),
        storeId: newId(),
        gross: 1_000,
        commissionRateBps: 500,
        currency: 'NGN',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })
})

describe('post (adjustments)', () => {
  const storeId = newId()
  const entries = [
    { account: cash, amount: 700 },
    { account: sellerAccount(storeId, 'available'), amount: -700 },
  ]

  it('refuses an unbalanced journal and stores nothing', async () => {
    const idempotencyKey = `adjustment:${anId('adj')}`
    await expect(
      ledger.post(adminCliCtx(), {
        idempotencyKey,
        kind: 'adjustment',
        currency: 'NGN',
        entries: [
          { account: cash, amount: 700 },
          { account: sellerAccount(storeId, 'available'), amount: -699 },
        ],
        refs: { storeId },
      }),
    ).rejects.toMatchObject({ code: 'unbalanced_journal' })
    expect(await ledger.journalByKey(system(), idempotencyKey)).toBeUndefined()
  })

  it('refuses an amount that is not a whole number of kobo', async () => {
    await expect(
      ledger.post(adminCliCtx(), {
        idempotencyKey: `adjustment:${anId('adj')}`,
        kind: 'adjustment',
        currency: 'NGN',
        entries: [
          { account: cash, amount: 0.5 },
          { account: commission, amount: -0.5 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('refuses an account that is not in the chart of accounts', async () => {
    await expect(
      ledger.post(adminCliCtx(), {
        idempotencyKey: `adjustment:${anId('adj')}`,
        kind: 'adjustment',
        currency: 'NGN',
        entries: [
          { account: cash, amount: 100 },
          { account: 'platform:petty_cash', amount: -100 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('refuses a seller account of a store other than the journal’s', async () => {
    await expect(
      ledger.post(adminCliCtx(), {
        idempotencyKey: `adjustment:${anId('adj')}`,
        kind: 'adjustment',
        currency: 'NGN',
        entries,
        refs: { storeId: newId() },
      }),
    ).rejects.toMatchObject({ code: 'invalid_journal' })
  })

  it('refuses a key in the prefixes the ledger keeps for itself', async () => {
    await expect(
      ledger.post(adminCliCtx(), {
        idempotencyKey: `sale:${anId('ord')}`,
        kind: 'adjustment',
        currency: 'NGN',
        entries,
        refs: { storeId },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })

  it('returns the same journal for a replay with the same entries in another order', async () => {
    const idempotencyKey = `adjustment:${anId('adj')}`
    const input = { idempotencyKey, kind: 'adjustment' as const, currency: 'NGN' as const }
    const first = await ledger.post(adminCliCtx(), { ...input, entries, refs: { storeId } })
    const again = await ledger.post(adminCliCtx(), {
      ...input,
      entries: [...entries].reverse(),
      refs: { storeId },
    })
    expect(again.id).toBe(first.id)
  })

  it('refuses a replay of a key with different entries', async () => {
    const idempotencyKey = `adjustment:${anId('adj')}`
    const input = { idempotencyKey, kind: 'adjustment' as const, currency: 'NGN' as const }
    await ledger.post(adminCliCtx(), { ...input, entries, refs: { storeId } })
    await expect(
      ledger.post(adminCliCtx(), {
        ...input,
        entries: [
          { account: cash, amount: 701 },
          { account: sellerAccount(storeId, 'available'), amount: -701 },
        ],
        refs: { storeId },
      }),
    ).rejects.toMatchObject({ code: 'idempotency_conflict' })
  })
})

describe('releaseToAvailable', () => {
  it('moves the seller’s share of the order from pending to available', async () => {
    const sale = await aSale(20_000)
    const journal = await release(sale)
    expect(journal.entries).toEqual([
      { account: sellerAccount(sale.storeId, 'pending'), amount: 19_000 },
      { account: sellerAccount(sale.storeId, 'available'), amount: -19_000 },
    ])
    expect(await balances(sale.storeId)).toMatchObject({ pending: 0, available: 19_000 })
  })

  it('releases only what refunds left pending', async () => {
    const sale = await aSale(20_000)
    await refund(sale, 5_000)
    const journal = await release(sale)
    expect(leg(journal, sellerAccount(sale.storeId, 'available'))).toBe(-14_250)
    expect(await balances(sale.storeId)).toMatchObject({ pending: 0, available: 14_250 })
  })

  it('refuses an amount that is not what is pending for the order', async () => {
    const sale = await aSale(20_000)
    await expect(
      ledger.releaseToAvailable(system(), {
        orderId: sale.orderId,
        storeId: sale.storeId,
        amount: 20_000,
        currency: 'NGN',
      }),
    ).rejects.toMatchObject({ code: 'release_amount_mismatch', details: { pending: 19_000 } })
  })

  it('refuses an order with no recorded sale', async () => {
    await expect(release({ orderId: anId('ord'), storeId: newId() })).rejects.toMatchObject({
      code: 'sale_not_recorded',
    })
  })
})

describe('recordRefund', () => {
  it('reverses a full refund exactly: commission and pending back to zero, cash paid out', async () => {
    const sale = await aSale(333_33)
    const journal = await refund(sale, 333_33)
    expect(journal.entries).toEqual([
      { account: commission, amount: 1_667 },
      { account: sellerAccount(sale.storeId, 'pending'), amount: 31_666 },
      { account: refunds, amount: -333_33 },
      { account: cash, amount: -333_33 },
      { account: paidOut, amount: 333_33 },
    ])
    expect(await balances(sale.storeId)).toMatchObject({ pending: 0, available: 0, paid: 0 })
  })

  it('reverses commission in proportion, rounded half up on the amount refunded so far', async () => {
    const sale = await aSale(333_33)
    // 1,667 × 10,000 / 33,333 = 500.1 -> 500; then 1,667 × 20,000 / 33,333 = 1,000.2 -> 1,000.
    expect(leg(await refund(sale, 10_000), commission)).toBe(500)
    expect(leg(await refund(sale, 10_000), commission)).toBe(500)
  })

  it('never reverses more than the sale over partial refunds, and exactly all of it at the end', async () => {
    const sale = await aSale(333_33)
    const parts = [1, 11_110, 7, 11_111, 11_104]
    const journals: JournalDTO[] = []
    for (const part of parts) journals.push(await refund(sale, part))
    const reversed = journals.map((j) => leg(j, commission))
    const taken = journals.map((j) => leg(j, sellerAccount(sale.storeId, 'pending')))
    let running = 0
    for (const [i, part] of parts.entries()) {
      running += reversed[i]!
      expect(running).toBeLessThanOrEqual(1_667)
      expect(reversed[i]! + taken[i]!).toBe(part)
    }
    expect(running).toBe(1_667)
    expect(taken.reduce((a, b) => a + b, 0)).toBe(31_666)
  })

  it('refuses a refund beyond what is left of the sale', async () => {
    const sale = await aSale(10_000)
    await refund(sale, 6_000)
    await expect(refund(sale, 4_001)).rejects.toMatchObject({
      code: 'refund_exceeds_sale',
      details: { refundable: 4_000 },
    })
  })

  it('takes the seller’s share from available once the order was released', async () => {
    const sale = await aSale(20_000)
    await release(sale)
    const journal = await refund(sale, 20_000, 'available_funds')
    expect(leg(journal, sellerAccount(sale.storeId, 'available'))).toBe(19_000)
    expect(leg(journal, sellerAccount(sale.storeId, 'pending'))).toBe(0)
    expect(await balances(sale.storeId)).toMatchObject({ pending: 0, available: 0 })
  })

  it('refuses a refund whose order state disagrees with the ledger', async () => {
    const sale = await aSale(20_000)
    await release(sale)
    await expect(refund(sale, 1_000, 'pending_funds')).rejects.toMatchObject({
      code: 'order_state_mismatch',
    })
  })

  it('returns the original journal for a refund replayed after later refunds', async () => {
    const sale = await aSale(20_000)
    const refundId = anId('rf')
    const first = await refund(sale, 3_000, 'pending_funds', refundId)
    await refund(sale, 4_000)
    const again = await refund(sale, 3_000, 'pending_funds', refundId)
    expect(again).toEqual(first)
  })

  it('posts one refund for the same refund sent five times at once', async () => {
    const sale = await aSale(20_000)
    const refundId = anId('rf')
    const results = await Promise.all(
      Array.from({ length: 5 }, () => refund(sale, 3_000, 'pending_funds', refundId)),
    )
    expect(new Set(results.map((j) => j.id)).size).toBe(1)
    expect(await balances(sale.storeId)).toMatchObject({ pending: 19_000 - 2_850 })
  })

  it('lets two different refunds racing for the last of an order through only once', async () => {
    const sale = await aSale(10_000)
    const outcomes = await Promise.allSettled([refund(sale, 6_000), refund(sale, 6_000)])
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'refund_exceeds_sale' },
    })
  })
})

describe('payouts', () => {
  /** A store with `gross` sold and released: 95% of it available. */
  async function aStoreWithAvailable(gross: number) {
    const sale = await aSale(gross)
    await release(sale)
    return sale.storeId
  }

  const send = (storeId: string, amount: number, payoutId = anId('po')) =>
    ledger.recordPayoutSent(system(), { payoutId, storeId, amount, currency: 'NGN' })

  it('moves a sent payout from available to in transit, leaving cash alone', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const journal = await send(storeId, 19_000)
    expect(journal.entries).toEqual([
      { account: sellerAccount(storeId, 'available'), amount: 19_000 },
      { account: payoutsInTransit, amount: -19_000 },
    ])
    expect(await balances(storeId)).toMatchObject({ available: 0, inTransit: 19_000, paid: 0 })
  })

  it('turns a settled payout into paid, and the money leaves cash', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    const journal = await ledger.recordPayoutSettled(system(), { payoutId })
    expect(journal.entries).toEqual([
      { account: payoutsInTransit, amount: 19_000 },
      { account: sellerAccount(storeId, 'paid'), amount: -19_000 },
      { account: cash, amount: -19_000 },
      { account: paidOut, amount: 19_000 },
    ])
    expect(await balances(storeId)).toMatchObject({ available: 0, inTransit: 0, paid: 19_000 })
  })

  it('returns a failed payout to available', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    await ledger.recordPayoutFailed(system(), { payoutId })
    expect(await balances(storeId)).toMatchObject({ available: 19_000, inTransit: 0, paid: 0 })
  })

  it('refuses to settle a payout that already failed', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    await ledger.recordPayoutFailed(system(), { payoutId })
    await expect(ledger.recordPayoutSettled(system(), { payoutId })).rejects.toMatchObject({
      code: 'payout_already_resolved',
    })
    expect(await balances(storeId)).toMatchObject({ available: 19_000, paid: 0 })
  })

  it('settles a payout once when the settlement is replayed', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    const results = await Promise.all(
      Array.from({ length: 5 }, () => ledger.recordPayoutSettled(system(), { payoutId })),
    )
    expect(new Set(results.map((j) => j.id)).size).toBe(1)
    expect(await balances(storeId)).toMatchObject({ paid: 19_000 })
  })

  it('refuses to settle a payout that was never sent', async () => {
    await expect(
      ledger.recordPayoutSettled(system(), { payoutId: anId('po') }),
    ).rejects.toMatchObject({ code: 'payout_not_sent' })
  })

  it('refuses a payout above the available balance', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    await expect(send(storeId, 19_001)).rejects.toMatchObject({
      code: 'insufficient_available',
      details: { available: 19_000 },
    })
  })

  it('drives available negative on a refund of money already paid out, and nets it next time', async () => {
    const sale = await aSale(10_000)
    await release(sale)
    const first = anId('po')
    await send(sale.storeId, 9_500, first)
    await ledger.recordPayoutSettled(system(), { payoutId: first })
    await refund(sale, 10_000, 'available_funds')
    expect(await balances(sale.storeId)).toMatchObject({ available: -9_500, paid: 9_500 })

    const next = await aSale(20_000, sale.storeId)
    await release(next)
    const { available } = await balances(sale.storeId)
    expect(available).toBe(19_000 - 9_500)
    const second = anId('po')
    await send(sale.storeId, available, second)
    await ledger.recordPayoutSettled(system(), { payoutId: second })
    expect(await balances(sale.storeId)).toMatchObject({ available: 0, paid: 19_000 })
  })

  /** A store paid 19,000 by a settled payout; returns the store and the payout id. */
  async function aSettledPayout() {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    await ledger.recordPayoutSettled(system(), { payoutId })
    return { storeId, payoutId }
  }

  it('returns a settled payout reversed later to available, and the money to cash', async () => {
    const { storeId, payoutId } = await aSettledPayout()
    const journal = await ledger.recordPayoutReversedAfterSettlement(system(), { payoutId })
    expect(journal).toMatchObject({
      idempotencyKey: `payout:${payoutId}:reversed`,
      kind: 'payout_reversed',
      refs: { payoutId, storeId },
    })
    expect(journal.entries).toEqual([
      { account: sellerAccount(storeId, 'paid'), amount: 19_000 },
      { account: sellerAccount(storeId, 'available'), amount: -19_000 },
      { account: paidOut, amount: -19_000 },
      { account: cash, amount: 19_000 },
    ])
    expect(await balances(storeId)).toMatchObject({ available: 19_000, inTransit: 0, paid: 0 })
  })

  it('books a reversal after settlement once when it is replayed five times at once', async () => {
    const { storeId, payoutId } = await aSettledPayout()
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        ledger.recordPayoutReversedAfterSettlement(system(), { payoutId }),
      ),
    )
    expect(new Set(results.map((j) => j.id)).size).toBe(1)
    expect(await balances(storeId)).toMatchObject({ available: 19_000, paid: 0 })
  })

  it('refuses to reverse a payout still in transit', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    await expect(
      ledger.recordPayoutReversedAfterSettlement(system(), { payoutId }),
    ).rejects.toMatchObject({ code: 'payout_not_settled' })
    expect(await balances(storeId)).toMatchObject({ available: 0, inTransit: 19_000 })
  })

  it('refuses to reverse a payout that failed', async () => {
    const storeId = await aStoreWithAvailable(20_000)
    const payoutId = anId('po')
    await send(storeId, 19_000, payoutId)
    await ledger.recordPayoutFailed(system(), { payoutId })
    await expect(
      ledger.recordPayoutReversedAfterSettlement(system(), { payoutId }),
    ).rejects.toMatchObject({ code: 'payout_not_settled' })
    expect(await balances(storeId)).toMatchObject({ available: 19_000, paid: 0 })
  })

  it('lets a reversed payout’s money be sent again, and settled, once more', async () => {
    const { storeId, payoutId } = await aSettledPayout()
    await ledger.recordPayoutReversedAfterSettlement(system(), { payoutId })
    const again = anId('po')
    await send(storeId, 19_000, again)
    await ledger.recordPayoutSettled(system(), { payoutId: again })
    expect(await balances(storeId)).toMatchObject({ available: 0, inTransit: 0, paid: 19_000 })
    expect((await ledger.trialBalance(system(), 'NGN')).balanced).toBe(true)
  })
})

describe('reads', () => {
  it('shows a seller their own store’s balances', async () => {
    const seller = userCtx(newId(), 'seller')
    const store = await world.core.stores.register(seller, {
      name: `Aso Oke ${anId('s')}`,
      description: 'Hand-woven aso-oke from Iseyin.',
      contactEmail: 'hello@asooke.example',
      contactPhone: '+234 803 123 4567',
      address: { line1: '3 Market Road', city: 'Iseyin', state: 'Oyo', country: 'NG' },
      categories: ['traditional'],
    })
    await aSale(10_000, store.id)
    expect(await ledger.storeBalances(seller, store.id, 'NGN')).toEqual({
      storeId: store.id,
      currency: 'NGN',
      pending: 9_500,
      available: 0,
      inTransit: 0,
      paid: 0,
    })
    expect((await ledger.ownBalances(seller, 'NGN')).pending).toBe(9_500)
  })

  it('hides another store’s balances from a seller', async () => {
    const seller = userCtx(newId(), 'seller')
    await world.core.stores.register(seller, {
      name: `Adire ${anId('s')}`,
      description: 'Indigo adire from Abeokuta.',
      contactEmail: 'hello@adire.example',
      contactPhone: '+234 803 123 4567',
      address: { line1: '1 Itoku Road', city: 'Abeokuta', state: 'Ogun', country: 'NG' },
      categories: ['traditional'],
    })
    const other = await aSale(10_000)
    await expect(ledger.storeBalances(seller, other.storeId, 'NGN')).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(
      ledger.balance(seller, sellerAccount(other.storeId, 'pending'), 'NGN'),
    ).rejects.toMatchObject({ code: 'not_found' })
  })

  it('lists the available balance of every store where it is not zero', async () => {
    const paying = await aSale(20_000)
    await release(paying)
    const pendingOnly = await aSale(30_000)
    const owing = await aSale(10_000)
    await release(owing)
    const payoutId = anId('po')
    await ledger.recordPayoutSent(system(), {
      payoutId,
      storeId: owing.storeId,
      amount: 9_500,
      currency: 'NGN',
    })
    await ledger.recordPayoutSettled(system(), { payoutId })
    await refund(owing, 10_000, 'available_funds')
    const ours = [paying.storeId, pendingOnly.storeId, owing.storeId]
    const listed = (await ledger.availableBalances(system(), 'NGN')).filter((row) =>
      ours.includes(row.storeId),
    )
    expect(listed).toEqual(
      [
        { storeId: paying.storeId, available: 19_000 },
        { storeId: owing.storeId, available: -9_500 },
      ].sort((a, b) => (a.storeId < b.storeId ? -1 : 1)),
    )
  })

  it('keeps every store’s available balance from sellers', async () => {
    await expect(ledger.availableBalances(userCtx(newId(), 'seller'), 'NGN')).rejects.toMatchObject(
      { code: 'forbidden' },
    )
  })

  it('gives the sum of an account’s entries as its balance', async () => {
    const sale = await aSale(10_000)
    await refund(sale, 4_000)
    expect(await ledger.balance(system(), sellerAccount(sale.storeId, 'pending'), 'NGN')).toBe(
      -(9_500 - 3_800),
    )
  })

  it('lists a store’s statement newest first, a page at a time', async () => {
    const sale = await aSale(10_000)
    await release(sale)
    const payoutId = anId('po')
    await ledger.recordPayoutSent(system(), {
      payoutId,
      storeId: sale.storeId,
      amount: 9_500,
      currency: 'NGN',
    })
    const first = await ledger.listEntriesForStore(system(), sale.storeId, { limit: 2 })
    expect(first.items.map((i) => [i.kind, i.changes])).toEqual([
      ['payout_sent', { available: -9_500, inTransit: 9_500 }],
      ['release', { pending: -9_500, available: 9_500 }],
    ])
    expect(first.items[0]!.refs).toEqual({ payoutId })
    const second = await ledger.listEntriesForStore(system(), sale.storeId, {
      limit: 2,
      cursor: first.nextCursor!,
    })
    expect(second.items.map((i) => [i.kind, i.changes])).toEqual([['sale', { pending: 9_500 }]])
    expect(second.nextCursor).toBeUndefined()
  })

  it('sums gross sales, net commission, refunds and payouts of a period, per store', async () => {
    const at = new Date('2031-03-01T10:00:00Z')
    world.clock.set(at)
    const a = await aSale(10_000, newId(), 'KES')
    const b = await aSale(30_000, newId(), 'KES')
    await ledger.recordRefund(system(), {
      orderId: b.orderId,
      storeId: b.storeId,
      refundId: anId('rf'),
      amount: 10_000,
      currency: 'KES',
      orderState: 'pending_funds',
    })
    await ledger.releaseToAvailable(system(), {
      orderId: a.orderId,
      storeId: a.storeId,
      currency: 'KES',
    })
    const payoutId = anId('po')
    await ledger.recordPayoutSent(system(), {
      payoutId,
      storeId: a.storeId,
      amount: 9_500,
      currency: 'KES',
    })
    await ledger.recordPayoutSettled(system(), { payoutId })
    world.clock.set(new Date())

    const summary = await ledger.revenueSummary(adminCliCtx(), {
      from: new Date('2031-03-01T00:00:00Z'),
      to: new Date('2031-03-02T00:00:00Z'),
      currency: 'KES',
      byStore: true,
    })
    expect(summary.totals).toEqual({
      grossSales: 40_000,
      commission: 500 + 1_500 - 500,
      refunds: 10_000,
      payouts: 9_500,
      fees: 0,
      netRevenue: 1_500,
    })
    const none = { fees: 0 }
    expect(summary.stores).toEqual(
      [
        {
          storeId: a.storeId,
          grossSales: 10_000,
          commission: 500,
          refunds: 0,
          payouts: 9_500,
          ...none,
          netRevenue: 500,
        },
        {
          storeId: b.storeId,
          grossSales: 30_000,
          commission: 1_000,
          refunds: 10_000,
          payouts: 0,
          ...none,
          netRevenue: 1_000,
        },
      ].sort((x, y) => (x.storeId < y.storeId ? -1 : 1)),
    )
  })

  it('keeps the revenue summary from sellers', async () => {
    await expect(
      ledger.revenueSummary(userCtx(newId(), 'seller'), {
        from: new Date('2031-01-01'),
        to: new Date('2031-02-01'),
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('balances the books to zero per currency', async () => {
    await aSale(77_777, newId(), 'GHS')
    const trial = await ledger.trialBalance(adminCliCtx(), 'GHS')
    expect(trial.balanced).toBe(true)
    expect(trial.difference).toBe(0)
    expect(trial.totalDebit).toBeGreaterThanOrEqual(77_777)
    expect((await ledger.verifyAll(adminCliCtx())).invalid).toEqual([])
  })

  it('reports an unbalanced journal as failing verification', () => {
    const check = ledger.verifyJournal({
      currency: 'NGN',
      entries: [
        { account: cash, amount: 100 },
        { account: commission, amount: -90 },
      ],
      refs: {},
    })
    expect(check).toEqual({ ok: false, problems: ['entries sum to 10, not 0'] })
  })
})

describe('the journal store', () => {
  it('refuses to update or delete a journal', async () => {
    const { journal } = await aSale(1_000)
    const journals = createJournalModel(world.core.connection)
    await expect(
      journals.updateOne({ _id: journal.id }, { $set: { memo: 'edited' } }),
    ).rejects.toThrow(/append-only/)
    await expect(journals.deleteOne({ _id: journal.id })).rejects.toThrow(/append-only/)
    expect(await ledger.journalByKey(system(), journal.idempotencyKey)).toEqual(journal)
  })
})
