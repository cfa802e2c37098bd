import { describe, expect, it } from '@jest/globals'
import { DatabaseLocks } from '../jobs/lock.js'
import { MailService } from '../mail/mail.service.js'
import { aSignedUpSeller } from '../test-support/catalog-builders.js'
import { A_PASSWORD, adminCliCtx } from '../test-support/harness.js'
import {
  anAccountNumber,
  aReleasedSale,
  aSellerWithPayoutAccount,
} from '../test-support/payout-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'
import { createPayoutModel } from './payout.model.js'
import { nextPayoutRun, periodOf, transferReferenceOf } from './payout.period.js'
import type { PayoutRunResult } from './payout.types.js'
import { type PayoutsDeps, PayoutsService } from './payouts.service.js'

const { pw, world } = paystackWorldForSuite({ topUp: 100_000_000_000 })

const admin = () => adminCliCtx(world.clock.now())
const period = () => periodOf(world.clock.now())

const transfersWith = (reference: string) =>
  pw.sandbox.state.transfers.filter((transfer) => transfer.reference === reference)
const balancesOf = (storeId: string) => world.core.ledger.storeBalances(admin(), storeId, 'NGN')
const itemFor = (run: PayoutRunResult, storeId: string) =>
  run.items.find((item) => item.storeId === storeId)

/** Settles the sandbox's transfers and waits for the webhooks' effects. */
async function settle() {
  await pw.sandbox.flush()
  await world.core.events.drain()
}

/** The payouts service as wired in the core, with another Paystack in front of the sandbox. */
function payoutsWith(paystack: Partial<PayoutsDeps['paystack']>): PayoutsService {
  const { core } = world
  const real = core.paystack
  return new PayoutsService({
    payouts: createPayoutModel(core.connection),
    accounts: core.payoutAccounts,
    ledger: core.ledger,
    stores: core.stores,
    people: core.users,
    paystack: {
      initiateTransfer: (input) => real.initiateTransfer(input),
      initiateBulkTransfer: (inputs) => real.initiateBulkTransfer(inputs),
      verifyTransfer: (reference) => real.verifyTransfer(reference),
      finalizeTransfer: (input) => real.finalizeTransfer(input),
      ...paystack,
    },
    locks: new DatabaseLocks(core.connection, () => world.clock.now()),
    mail: new MailService({ mailer: core.mailer, logger: core.logger }),
    audit: core.audit,
    events: core.events,
    clock: world.clock,
    logger: core.logger,
    settings: world.config.payouts,
  })
}

/** Runs with the sandbox's webhooks switched off, so only the run itself moves payouts. */
async function withoutWebhooks<T>(fn: () => Promise<T>): Promise<T> {
  pw.sandbox.setWebhookUrl(null)
  try {
    return await fn()
  } finally {
    pw.sandbox.setWebhookUrl(pw.webhookUrl)
  }
}

describe('payouts run', () => {
  it('pays a seller once per period however often the run is repeated', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 250_000)
    const first = await world.core.payouts.runPeriod(admin())
    const second = await world.core.payouts.runPeriod(admin())
    expect(itemFor(first, store.id)).toMatchObject({ amount: 250_000, outcome: 'sent' })
    expect(itemFor(second, store.id)).toMatchObject({ outcome: 'exists' })
    expect(transfersWith(transferReferenceOf(store.id, period(), 1))).toHaveLength(1)
  })

  it('moves the amount from available to in transit when the transfer is sent', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 180_000)
    await withoutWebhooks(() => world.core.payouts.runPeriod(admin()))
    expect(await balancesOf(store.id)).toMatchObject({ available: 0, inTransit: 180_000, paid: 0 })
  })

  it('marks the payout paid and tells the seller when Paystack reports success', async () => {
    const { store, email } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 300_000)
    const run = await world.core.payouts.runPeriod(admin())
    await settle()
    const payout = await world.core.payouts.get(admin(), itemFor(run, store.id)!.payoutId!)
    expect(payout).toMatchObject({ status: 'paid', paystackStatus: 'success' })
    expect(await balancesOf(store.id)).toMatchObject({ available: 0, inTransit: 0, paid: 300_000 })
    await world.smtp.waitFor(email, /Payout of ₦3,000\.00 sent/)
  })

  it('books the fee of a transfer Paystack answers paid at once, from verify, with no webhook', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 260_000)
    const real = world.core.paystack
    // Paid in the initiate answer, which carries no fee (read as 0); verify reports Paystack's.
    const paidAtOnce = payoutsWith({
      initiateTransfer: async (input) => ({
        ...(await real.initiateTransfer(input)),
        status: 'success' as const,
        feeCharged: 0,
      }),
      verifyTransfer: async (reference) => ({
        ...(await real.verifyTransfer(reference)),
        status: 'success' as const,
        feeCharged: 2_500,
      }),
    })
    const run = await withoutWebhooks(() => paidAtOnce.runPeriod(admin()))
    const item = itemFor(run, store.id)!
    expect(item).toMatchObject({ outcome: 'paid' })
    const fee = await world.core.ledger.journalByKey(admin(), `transfer-fee:${item.reference}`)
    expect(fee).toMatchObject({ kind: 'transfer_fee', refs: { payoutId: item.reference } })
    expect(fee!.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ amount: 2_500 })]),
    )
  })

  it('returns a failed transfer to available and flags the payout failed', async () => {
    const { store } = await aSellerWithPayoutAccount(world, '1111111111')
    await aReleasedSale(world, store.id, 200_000)
    const run = await world.core.payouts.runPeriod(admin())
    await settle()
    const payout = await world.core.payouts.get(admin(), itemFor(run, store.id)!.payoutId!)
    expect(payout).toMatchObject({ status: 'failed', paystackStatus: 'failed' })
    expect(await balancesOf(store.id)).toMatchObject({ available: 200_000, inTransit: 0, paid: 0 })
  })

  it('returns a reversed transfer to available and flags the payout failed', async () => {
    const { store } = await aSellerWithPayoutAccount(world, '2222222222')
    await aReleasedSale(world, store.id, 210_000)
    const run = await world.core.payouts.runPeriod(admin())
    await settle()
    const payout = await world.core.payouts.get(admin(), itemFor(run, store.id)!.payoutId!)
    expect(payout).toMatchObject({ status: 'failed', paystackStatus: 'reversed' })
    expect(await balancesOf(store.id)).toMatchObject({ available: 210_000, inTransit: 0, paid: 0 })
  })

  it('skips a seller whose available balance is below the minimum', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 99_999)
    const run = await world.core.payouts.runPeriod(admin())
    expect(itemFor(run, store.id)).toMatchObject({ outcome: 'skipped', reason: 'below_minimum' })
    expect((await world.core.payouts.list(admin(), { storeId: store.id })).items).toEqual([])
    expect(await balancesOf(store.id)).toMatchObject({ available: 99_999, inTransit: 0 })
  })

  it('sends nothing and writes nothing on a dry run', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 400_000)
    const transfersBefore = pw.sandbox.state.transfers.length
    const run = await world.core.payouts.runPeriod(admin(), { dryRun: true })
    expect(itemFor(run, store.id)).toMatchObject({ amount: 400_000, outcome: 'would_pay' })
    expect(run.dryRun).toBe(true)
    expect(pw.sandbox.state.transfers).toHaveLength(transfersBefore)
    expect((await world.core.payouts.list(admin(), { storeId: store.id })).items).toEqual([])
    expect(await balancesOf(store.id)).toMatchObject({ available: 400_000, inTransit: 0 })
  })

  it('refuses a period that has not started', async () => {
    await expect(
      world.core.payouts.runPeriod(admin(), { period: '2999-W01' }),
    ).rejects.toMatchObject({ code: 'period_in_future' })
  })

  it('sends a run of several payouts in one bulk call', async () => {
    const a = await aSellerWithPayoutAccount(world)
    const b = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, a.store.id, 120_000)
    await aReleasedSale(world, b.store.id, 130_000)
    let bulkCalls = 0
    const payouts = payoutsWith({
      initiateBulkTransfer: (inputs) => {
        bulkCalls++
        return world.core.paystack.initiateBulkTransfer(inputs)
      },
      initiateTransfer: () => Promise.reject(new Error('a single transfer was not expected')),
    })
    const run = await payouts.runPeriod(admin())
    expect(bulkCalls).toBe(1)
    expect(itemFor(run, a.store.id)?.outcome).toMatch(/^(sent|paid)$/)
    expect(transfersWith(transferReferenceOf(b.store.id, period(), 1))).toHaveLength(1)
  })

  it('records the balance it saw and the orders the payout covers', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    const first = await aReleasedSale(world, store.id, 100_000)
    const second = await aReleasedSale(world, store.id, 50_000)
    const run = await world.core.payouts.runPeriod(admin())
    const payout = await world.core.payouts.get(admin(), itemFor(run, store.id)!.payoutId!)
    expect(payout.balanceBefore).toEqual({ pending: 0, available: 150_000, inTransit: 0, paid: 0 })
    expect([...payout.covers.orderIds].sort()).toEqual([first, second].sort())
  })
})

describe('payouts run after a crash', () => {
  it('sends exactly one transfer when a run stopped after booking but before asking Paystack', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 220_000)
    const killed = () => Promise.reject(new Error('killed before Paystack was asked'))
    const crashing = payoutsWith({ initiateTransfer: killed, initiateBulkTransfer: killed })
    await expect(crashing.runPeriod(admin())).rejects.toThrow('killed before Paystack was asked')
    const reference = transferReferenceOf(store.id, period(), 1)
    const [stuck] = (await world.core.payouts.list(admin(), { storeId: store.id })).items
    expect(stuck).toMatchObject({ status: 'sending', reference })
    expect(transfersWith(reference)).toHaveLength(0)

    const rerun = await world.core.payouts.runPeriod(admin())
    expect(itemFor(rerun, store.id)?.outcome).toMatch(/^(sent|paid)$/)
    expect(transfersWith(reference)).toHaveLength(1)
    expect(await balancesOf(store.id)).toMatchObject({ available: 0 })
  })

  it('sends exactly one transfer when a run stopped right after Paystack made it', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 230_000)
    const reference = transferReferenceOf(store.id, period(), 1)
    const crashing = payoutsWith({
      initiateTransfer: async (input) => {
        await world.core.paystack.initiateTransfer(input)
        throw new Error('killed after Paystack made the transfer')
      },
    })
    await withoutWebhooks(async () => {
      await expect(crashing.runPeriod(admin())).rejects.toThrow('killed after Paystack')
      expect(transfersWith(reference)).toHaveLength(1)
      const rerun = await world.core.payouts.runPeriod(admin())
      expect(itemFor(rerun, store.id)?.outcome).toMatch(/^(sent|paid)$/)
    })
    expect(transfersWith(reference)).toHaveLength(1)
  })

  it('leaves a payout Paystack did not answer for in sending, for the next run', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 240_000)
    const { UnavailableError } = await import('../shared/errors.js')
    const silent = () =>
      Promise.reject(new UnavailableError('Paystack timed out', 'paystack_unavailable'))
    const run = await payoutsWith({
      initiateTransfer: silent,
      initiateBulkTransfer: silent,
    }).runPeriod(admin())
    expect(itemFor(run, store.id)).toMatchObject({ outcome: 'unconfirmed', status: 'sending' })
    expect(run.warnings.join(' ')).toMatch(/run `kloset payouts run` again/)
    const rerun = await world.core.payouts.runPeriod(admin())
    expect(itemFor(rerun, store.id)?.outcome).toMatch(/^(sent|paid)$/)
    expect(transfersWith(transferReferenceOf(store.id, period(), 1))).toHaveLength(1)
  })
})

describe('payouts retry', () => {
  it('sends a failed payout again under a new reference once its money is back', async () => {
    const { store } = await aSellerWithPayoutAccount(world, '1111111111')
    await aReleasedSale(world, store.id, 260_000)
    const run = await world.core.payouts.runPeriod(admin())
    await settle()
    const id = itemFor(run, store.id)!.payoutId!
    const first = transferReferenceOf(store.id, period(), 1)
    const { payout } = await world.core.payouts.retry(admin(), id)
    expect(payout).toMatchObject({ attempt: 2, reference: `${first}_r2` })
    expect(payout.attempts).toEqual([
      expect.objectContaining({ attempt: 1, reference: first, status: 'failed' }),
    ])
    expect(transfersWith(`${first}_r2`)).toHaveLength(1)
    expect(transfersWith(first)).toHaveLength(1)
  })

  it('refuses to retry a payout that did not fail', async () => {
    const { store } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 270_000)
    const run = await world.core.payouts.runPeriod(admin())
    await expect(
      world.core.payouts.retry(admin(), itemFor(run, store.id)!.payoutId!),
    ).rejects.toMatchObject({ code: 'payout_not_failed' })
  })
})

describe('payouts run for stores that cannot be paid', () => {
  it('reports a store with money and no payout account as skipped, and sends it nothing', async () => {
    const { store } = await aSignedUpSeller(world)
    await aReleasedSale(world, store.id, 150_000)
    const run = await world.core.payouts.runPeriod(admin())
    expect(itemFor(run, store.id)).toMatchObject({
      amount: 150_000,
      outcome: 'skipped',
      reason: 'no_payout_account',
    })
    expect((await world.core.payouts.list(admin(), { storeId: store.id })).items).toEqual([])
    expect(await balancesOf(store.id)).toMatchObject({ available: 150_000, inTransit: 0 })
  })

  it('reports a store whose payouts are held after an account change as skipped', async () => {
    const { store, seller } = await aSellerWithPayoutAccount(world)
    await world.core.payoutAccounts.setOwn(seller, {
      bankCode: '058',
      accountNumber: anAccountNumber(),
      password: A_PASSWORD,
    })
    await aReleasedSale(world, store.id, 160_000)
    const run = await world.core.payouts.runPeriod(admin())
    expect(itemFor(run, store.id)).toMatchObject({ outcome: 'skipped', amount: 160_000 })
    expect(itemFor(run, store.id)?.reason).toMatch(/^held_until \d{4}-/)
    expect(await balancesOf(store.id)).toMatchObject({ available: 160_000, inTransit: 0 })
  })

  it('reports a suspended store with money as skipped', async () => {
    const { store } = await aSignedUpSeller(world)
    await aReleasedSale(world, store.id, 170_000)
    await world.core.stores.suspend(admin(), store.id, { reason: 'Counterfeit listings' })
    const run = await world.core.payouts.runPeriod(admin())
    expect(itemFor(run, store.id)).toMatchObject({ outcome: 'skipped', reason: 'store_suspended' })
    expect(await balancesOf(store.id)).toMatchObject({ available: 170_000, inTransit: 0 })
  })

  it('lists a store without a payout account as skipped on a dry run too', async () => {
    const { store } = await aSignedUpSeller(world)
    await aReleasedSale(world, store.id, 180_000)
    const run = await world.core.payouts.runPeriod(admin(), { dryRun: true })
    expect(itemFor(run, store.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'no_payout_account',
    })
  })
})

describe('payouts when Paystack requires an OTP', () => {
  const call = (path: string, body?: unknown) =>
    fetch(`${pw.sandbox.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${pw.secretKey}`,
        'content-type': 'application/json',
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })

  it('leaves the payouts waiting for the OTP and says so, then finalizes one', async () => {
    const a = await aSellerWithPayoutAccount(world)
    const b = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, a.store.id, 140_000)
    await aReleasedSale(world, b.store.id, 150_000)
    await call('/transfer/enable_otp')
    try {
      const run = await world.core.payouts.runPeriod(admin())
      expect(itemFor(run, a.store.id)).toMatchObject({ outcome: 'otp_required' })
      expect(run.warnings.join(' ')).toMatch(/requires an OTP/)
      const { payout } = await world.core.payouts.finalize(
        admin(),
        itemFor(run, a.store.id)!.payoutId!,
        {
          otp: '123456',
        },
      )
      expect(payout.status).toMatch(/^(pending|paid)$/)
    } finally {
      await call('/transfer/disable_otp')
      await call('/transfer/disable_otp_finalize', { otp: '123456' })
    }
  })
})

describe('what sellers see', () => {
  it('shows a seller their own payout and hides another store’s as not found', async () => {
    const owner = await aSellerWithPayoutAccount(world)
    const other = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, owner.store.id, 160_000)
    const run = await world.core.payouts.runPeriod(admin())
    const id = itemFor(run, owner.store.id)!.payoutId!
    expect((await world.core.payouts.get(owner.seller, id)).storeId).toBe(owner.store.id)
    await expect(world.core.payouts.get(other.seller, id)).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await world.core.payouts.listOwn(other.seller)).items).toEqual([])
  })

  it('gives a seller their balances and the next Monday 09:00 Lagos as the next payout', async () => {
    const { store, seller } = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, store.id, 90_000)
    const balance = await world.core.payouts.ownBalance(seller)
    expect(balance).toMatchObject({
      storeId: store.id,
      available: 90_000,
      minimumPayout: 100_000,
      nextPayoutAt: nextPayoutRun(seller.now).toISOString(),
      payoutAccount: { bankName: 'Guaranty Trust Bank' },
    })
  })
})

describe('payouts reversed after they were paid', () => {
  /** The payouts service, with Paystack reporting these references' transfers as reversed. */
  const seeingReversed = (...references: string[]) =>
    payoutsWith({
      verifyTransfer: async (reference) => {
        const transfer = await world.core.paystack.verifyTransfer(reference)
        return references.includes(reference)
          ? { ...transfer, status: 'reversed' as const }
          : transfer
      },
    })

  /** A store paid `amount` by this week's run, its transfer settled. */
  async function aPaidPayout(amount: number) {
    const made = await aSellerWithPayoutAccount(world)
    await aReleasedSale(world, made.store.id, amount)
    const run = await world.core.payouts.runPeriod(admin())
    await settle()
    const item = itemFor(run, made.store.id)!
    return { ...made, payoutId: item.payoutId!, reference: item.reference! }
  }

  const reversedEvent = (reference: string) => ({
    paystackEvent: 'transfer.reversed',
    reference,
  })

  it('returns the money to available and marks the payout reversed for a retry', async () => {
    const { store, payoutId, reference } = await aPaidPayout(310_000)
    await seeingReversed(reference).onPaystackEvent(reversedEvent(reference))
    const payout = await world.core.payouts.get(admin(), payoutId)
    expect(payout).toMatchObject({ status: 'reversed', paystackStatus: 'reversed' })
    expect(payout.attention).toMatch(/kloset payouts retry/)
    expect(await balancesOf(store.id)).toMatchObject({ available: 310_000, inTransit: 0, paid: 0 })
  })

  it('tells the seller the payout did not go through', async () => {
    const { email, reference } = await aPaidPayout(320_000)
    await seeingReversed(reference).onPaystackEvent(reversedEvent(reference))
    await world.smtp.waitFor(email, /Payout of ₦3,200\.00 did not go through/)
  })

  it('returns the money once however often the reversal is replayed', async () => {
    const { store, reference } = await aPaidPayout(330_000)
    const reversing = seeingReversed(reference)
    for (let i = 0; i < 3; i++) await reversing.onPaystackEvent(reversedEvent(reference))
    expect(await balancesOf(store.id)).toMatchObject({ available: 330_000, paid: 0 })
    expect(
      await world.core.ledger.journalByKey(admin(), `payout:${reference}:reversed`),
    ).toMatchObject({ kind: 'payout_reversed' })
  })

  it('pays a reversed payout again under a new reference with one transfer', async () => {
    const { store, payoutId, reference } = await aPaidPayout(340_000)
    const reversing = seeingReversed(reference)
    await reversing.onPaystackEvent(reversedEvent(reference))
    const { payout } = await reversing.retry(admin(), payoutId)
    expect(payout).toMatchObject({ attempt: 2, reference: `${reference}_r2` })
    expect(payout.attention).toBeUndefined()
    expect(payout.attempts).toEqual([
      expect.objectContaining({ attempt: 1, reference, status: 'reversed' }),
    ])
    await settle()
    expect(transfersWith(`${reference}_r2`)).toHaveLength(1)
    expect(await balancesOf(store.id)).toMatchObject({ available: 0, inTransit: 0, paid: 340_000 })
  })

  // Moves the clock a week on: kept last in the file, so the other tests' runs share a period.
  it('pays a reversed payout’s money in the next week’s run, and a later retry sends nothing', async () => {
    const { store, payoutId, reference } = await aPaidPayout(350_000)
    const reversing = seeingReversed(reference)
    await reversing.onPaystackEvent(reversedEvent(reference))
    world.clock.advance(7 * 24 * 3600 * 1000)
    const nextWeek = await world.core.payouts.runPeriod(admin())
    expect(itemFor(nextWeek, store.id)).toMatchObject({ amount: 350_000 })
    await settle()
    const { item } = await reversing.retry(admin(), payoutId)
    expect(item).toMatchObject({ outcome: 'cancelled' })
    expect(transfersWith(`${reference}_r2`)).toHaveLength(0)
    expect(await balancesOf(store.id)).toMatchObject({ available: 0, inTransit: 0, paid: 350_000 })
  })
})
