import { beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import { shareOf } from '../shared/money.js'
import { testWorldForSuite } from '../test-support/suite.js'
import { PLATFORM_ACCOUNTS, sellerAccount } from './ledger.accounts.js'
import { createJournalModel, type JournalModel } from './ledger.model.js'
import { checkJournal } from './ledger.rules.js'
import type { LedgerService } from './ledger.service.js'
import type { JournalDTO } from './ledger.types.js'

/*
 * Random sequences of sales, releases, full and partial refunds, payouts sent, settled, failed
 * and reversed after settlement, and replays, against the real engine. After every step the books are checked against
 * a model kept here in plain numbers, computed independently of the ledger's own code.
 */

let ledger: LedgerService
let journals: JournalModel
const world = testWorldForSuite()
beforeAll(async () => {
  ledger = world.core.ledger
  journals = createJournalModel(world.core.connection)
})

const system = (): Ctx => systemCtx('ledger-property', world.clock.now())

type Step =
  | { t: 'sale'; store: number; gross: number; bps: number }
  | { t: 'release'; pick: number }
  | { t: 'refund'; pick: number; full: boolean; permille: number }
  | { t: 'payoutSent'; store: number }
  | { t: 'payoutSettled'; pick: number }
  | { t: 'payoutFailed'; pick: number }
  | { t: 'payoutReversed'; pick: number }
  | { t: 'replay'; pick: number }

const STORES = 2
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('sale' as const),
      store: fc.nat(STORES - 1),
      gross: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 50_000_000 })),
      bps: fc.constantFrom(0, 333, 500, 750, 1_000, 10_000),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('refund' as const),
      pick: fc.nat(),
      full: fc.boolean(),
      permille: fc.integer({ min: 1, max: 999 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('payoutSent' as const), store: fc.nat() }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('payoutSettled' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('payoutFailed' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('payoutReversed' as const), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat() }) },
)

interface ModelOrder {
  orderId: string
  storeId: string
  gross: number
  commission: number
  refunded: number
  commissionReversed: number
  released: boolean
}

interface Model {
  stores: string[]
  orders: ModelOrder[]
  payouts: {
    payoutId: string
    storeId: string
    amount: number
    status: 'sent' | 'settled' | 'failed' | 'reversed'
  }[]
  /** Per store: seller shares of sales minus seller shares of refunds. */
  owed: Map<string, number>
  grossIn: number
  refundsOut: number
  settledOut: number
  /** Postings made so far, to replay: each must give back the journal it first gave. */
  posted: { again: () => Promise<JournalDTO>; id: string }[]
}

const pick = <T>(items: T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length]

async function apply(model: Model, s: Step): Promise<void> {
  const record = async (post: () => Promise<JournalDTO>) => {
    const journal = await post()
    model.posted.push({ again: post, id: journal.id })
  }
  switch (s.t) {
    case 'sale': {
      const storeId = model.stores[s.store]!
      const order: ModelOrder = {
        orderId: `ord_${newId()}`,
        storeId,
        gross: s.gross,
        commission: shareOf(s.gross, s.bps),
        refunded: 0,
        commissionReversed: 0,
        released: false,
      }
      const input = {
        orderId: order.orderId,
        orderGroupId: `grp_${newId()}`,
        storeId,
        gross: s.gross,
        commissionRateBps: s.bps,
        currency: 'NGN' as const,
      }
      await record(() => ledger.recordSale(system(), input))
      model.orders.push(order)
      model.owed.set(storeId, model.owed.get(storeId)! + order.gross - order.commission)
      model.grossIn += s.gross
      return
    }
    case 'release': {
      const candidates = model.orders.filter(
        (o) => !o.released && o.gross - o.commission - sellerRefunded(o) > 0,
      )
      const order = pick(candidates, s.pick)
      if (!order) return
      const input = { orderId: order.orderId, storeId: order.storeId, currency: 'NGN' as const }
      await record(() => ledger.releaseToAvailable(system(), input))
      order.released = true
      return
    }
    case 'refund': {
      const order = pick(
        model.orders.filter((o) => o.refunded < o.gross),
        s.pick,
      )
      if (!order) return
      const left = order.gross - order.refunded
      const amount = s.full ? left : Math.max(1, Math.floor((left * s.permille) / 1000))
      const input = {
        orderId: order.orderId,
        storeId: order.storeId,
        refundId: `rf_${newId()}`,
        amount,
        currency: 'NGN' as const,
        orderState: order.released ? ('available_funds' as const) : ('pending_funds' as const),
      }
      await record(() => ledger.recordRefund(system(), input))
      // The documented rule, recomputed here: cumulative commission reversed, half up.
      const reversedAfter = proportionHalfUp(order.commission, order.refunded + amount, order.gross)
      const sellerShare = amount - (reversedAfter - order.commissionReversed)
      order.refunded += amount
      order.commissionReversed = reversedAfter
      model.owed.set(order.storeId, model.owed.get(order.storeId)! - sellerShare)
      model.refundsOut += amount
      return
    }
    case 'payoutSent': {
      // Pays a store with money available, as the weekly run would (its whole available balance).
      const payable: { storeId: string; available: number }[] = []
      for (const storeId of model.stores) {
        const { available } = await ledger.storeBalances(system(), storeId, 'NGN')
        if (available > 0) payable.push({ storeId, available })
      }
      const target = pick(payable, s.store)
      if (!target) return
      const { storeId, available } = target
      const input = {
        payoutId: `po_${newId()}`,
        storeId,
        amount: available,
        currency: 'NGN' as const,
      }
      await record(() => ledger.recordPayoutSent(system(), input))
      model.payouts.push({ payoutId: input.payoutId, storeId, amount: available, status: 'sent' })
      return
    }
    case 'payoutSettled':
    case 'payoutFailed': {
      const payout = pick(
        model.payouts.filter((p) => p.status === 'sent'),
        s.pick,
      )
      if (!payout) return
      const input = { payoutId: payout.payoutId }
      await record(() =>
        s.t === 'payoutSettled'
          ? ledger.recordPayoutSettled(system(), input)
          : ledger.recordPayoutFailed(system(), input),
      )
      payout.status = s.t === 'payoutSettled' ? 'settled' : 'failed'
      if (s.t === 'payoutSettled') model.settledOut += payout.amount
      return
    }
    case 'payoutReversed': {
      // Paystack returns a settled transfer: the money is back at Paystack and in available.
      const payout = pick(
        model.payouts.filter((p) => p.status === 'settled'),
        s.pick,
      )
      if (!payout) return
      const input = { payoutId: payout.payoutId }
      await record(() => ledger.recordPayoutReversedAfterSettlement(system(), input))
      payout.status = 'reversed'
      model.settledOut -= payout.amount
      return
    }
    case 'replay': {
      const posting = pick(model.posted, s.pick)
      if (!posting) return
      expect((await posting.again()).id).toBe(posting.id)
      return
    }
  }
}

/** `c × r / g` rounded half up, by quotient and remainder (independent of ledger.rules.ts). */
function proportionHalfUp(c: number, r: number, g: number): number {
  const product = BigInt(c) * BigInt(r)
  const quotient = product / BigInt(g)
  const remainder = product % BigInt(g)
  return Number(quotient) + (remainder * 2n >= BigInt(g) ? 1 : 0)
}

/** What refunds have taken from the seller's share of an order so far. */
const sellerRefunded = (o: ModelOrder) => o.refunded - o.commissionReversed

async function checkBooks(model: Model): Promise<void> {
  const all = await journals.find().lean()
  const sums = new Map<string, number>()
  for (const journal of all) {
    expect(
      checkJournal({ currency: journal.currency, entries: journal.entries, refs: journal.refs }),
    ).toEqual({ ok: true, problems: [] })
    for (const { account, amount } of journal.entries) {
      sums.set(account, (sums.get(account) ?? 0) + amount)
    }
  }
  const sumOf = (account: string) => sums.get(account) ?? 0
  /** A credit-normal account as people read it. */
  const shown = (account: string) => -sumOf(account) || 0

  const trial = await ledger.trialBalance(system(), 'NGN')
  expect(trial.balanced).toBe(true)
  expect(trial.difference).toBe(0)
  expect(Object.fromEntries(trial.accounts.map((a) => [a.account, a.balance]))).toEqual(
    Object.fromEntries(sums),
  )
  for (const account of sums.keys()) {
    expect(await ledger.balance(system(), account, 'NGN')).toBe(sumOf(account))
  }

  for (const storeId of model.stores) {
    const b = await ledger.storeBalances(system(), storeId, 'NGN')
    expect(b.pending).toBe(shown(sellerAccount(storeId, 'pending')))
    expect(b.available).toBe(shown(sellerAccount(storeId, 'available')))
    expect(b.paid).toBe(shown(sellerAccount(storeId, 'paid')))
    expect(b.pending + b.available + b.paid + b.inTransit).toBe(model.owed.get(storeId))
    // Bucket by bucket: each order's share less what refunds took from it sits in pending until
    // released, then in available, less what payouts took (unless they failed or were reversed).
    const orders = model.orders.filter((o) => o.storeId === storeId)
    const left = (o: ModelOrder) => o.gross - o.commission - sellerRefunded(o)
    const payouts = (status: string) =>
      model.payouts
        .filter((p) => p.storeId === storeId && p.status === status)
        .reduce((sum, p) => sum + p.amount, 0)
    expect(b.pending).toBe(orders.filter((o) => !o.released).reduce((t, o) => t + left(o), 0))
    expect(b.available).toBe(
      orders.filter((o) => o.released).reduce((t, o) => t + left(o), 0) -
        payouts('sent') -
        payouts('settled'),
    )
    expect(b.inTransit).toBe(payouts('sent'))
    expect(b.paid).toBe(payouts('settled'))
  }

  const { cash, paidOut, refunds, commission } = PLATFORM_ACCOUNTS
  expect(sumOf(cash)).toBe(model.grossIn - model.refundsOut - model.settledOut)
  expect(sumOf(paidOut)).toBe(model.refundsOut + model.settledOut)
  expect(shown(refunds)).toBe(model.refundsOut)
  const commissionKept = model.orders.reduce((s, o) => s + o.commission - o.commissionReversed, 0)
  expect(shown(commission)).toBe(commissionKept)
  for (const order of model.orders) {
    expect(order.commissionReversed).toBeLessThanOrEqual(order.commission)
    expect(sellerRefunded(order)).toBeLessThanOrEqual(order.gross - order.commission)
    if (order.refunded === order.gross) expect(order.commissionReversed).toBe(order.commission)
  }
}

/**
 * Sequences per run: 30 by default (about 40 s here), `LEDGER_PROPERTY_RUNS` for more; CI
 * (`.ci/run`) asks for 150, where the suite's other files run beside it.
 */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 30)

describe('the ledger under random sequences of money events', () => {
  it(
    'keeps every journal and the books balanced, balances equal to their entries, and each store’s money conserved',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 8, maxLength: 25, size: 'max' }),
          async (steps) => {
            // Fresh books for each run, below the model (which refuses deletes, rightly).
            await world.core.connection.db!.collection('ledger_journals').deleteMany({})
            const model: Model = {
              stores: Array.from({ length: STORES }, () => newId()),
              orders: [],
              payouts: [],
              owed: new Map(),
              grossIn: 0,
              refundsOut: 0,
              settledOut: 0,
              posted: [],
            }
            for (const storeId of model.stores) model.owed.set(storeId, 0)
            for (const s of steps) {
              await apply(model, s)
              await checkBooks(model)
            }
          },
        ),
        { numRuns: RUNS },
      )
    },
    RUNS * 6_000,
  )
})
