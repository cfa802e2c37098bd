import { describe, expect, it } from '@jest/globals'
import { PLATFORM_ACCOUNTS } from '../ledger/ledger.accounts.js'
import { periodOf, transferReferenceOf } from '../payouts/payout.period.js'
import {
  adminCliCtx,
  aReleasedSale,
  aSellerWithPayoutAccount,
  paystackWorldForSuite,
} from '../test-support/index.js'

// Paystack's fee on each transfer to a seller (docs/payments.md, "Paystack fees"): the sandbox
// takes ₦10 / ₦25 / ₦50 from its balance with the amount; the ledger books the transfer's
// `fee_charged` when the transfer is paid, so the nightly balance check still agrees.
const { pw } = paystackWorldForSuite({ feeModel: 'paystack' })

const admin = () => adminCliCtx(pw.world.clock.now())
const day = () => pw.world.clock.now().toISOString().slice(0, 10)
const balanceMismatches = async () =>
  (await pw.world.core.reconcile.reconcileDay(admin(), day())).mismatches.filter(
    (m) => m.kind === 'balance_mismatch',
  )
const feesBooked = () =>
  pw.world.core.ledger.balance(admin(), PLATFORM_ACCOUNTS.processingFees, 'NGN')

/**
 * A store's sale of `gross` at 5% commission released to available, the same money put on the
 * sandbox's balance (the sale is booked directly, not charged), and a payout run of the seller's
 * 95% that Paystack settles. The platform's commission stays at Paystack and pays the fee.
 */
async function aPaidPayout(gross: number, accountNumber?: string) {
  const { store } = await aSellerWithPayoutAccount(pw.world, accountNumber)
  await aReleasedSale(pw.world, store.id, gross, { commissionRateBps: 500 })
  pw.sandbox.topUp(gross)
  await pw.world.core.payouts.runPeriod(admin())
  await pw.settle()
  const reference = transferReferenceOf(store.id, periodOf(pw.world.clock.now()), 1)
  return { store, reference }
}

describe("Paystack's transfer fees", () => {
  it('books the fee of a paid transfer out of platform cash, and the seller is paid in full', async () => {
    const { store, reference } = await aPaidPayout(1_000_000)
    const { ledger, paystack } = pw.world.core
    expect((await paystack.verifyTransfer(reference)).feeCharged).toBe(2_500) // ₦9,500: ₦25
    const journal = await ledger.journalByKey(admin(), `transfer-fee:${reference}`)
    expect(journal).toMatchObject({ kind: 'transfer_fee', refs: { payoutId: reference } })
    expect(journal!.entries).toEqual(
      expect.arrayContaining([
        { account: PLATFORM_ACCOUNTS.processingFees, amount: 2_500 },
        { account: PLATFORM_ACCOUNTS.cash, amount: -2_500 },
      ]),
    )
    expect(await ledger.storeBalances(admin(), store.id, 'NGN')).toMatchObject({
      available: 0,
      inTransit: 0,
      paid: 950_000,
    })
    expect(await feesBooked()).toBe(2_500)
    expect((await ledger.trialBalance(admin(), 'NGN')).balanced).toBe(true)
  })

  it("finds Paystack's balance and the ledger in agreement after the payout", async () => {
    // ₦10,000 in, ₦9,500 to the seller, ₦25 to Paystack.
    const [balance] = await pw.world.core.paystack.fetchBalance()
    expect(balance).toEqual({ currency: 'NGN', balance: 47_500 })
    expect(await balanceMismatches()).toEqual([])
  })

  it('reports a transfer fee the ledger is missing as a balance mismatch', async () => {
    const journals = pw.world.core.connection.collection('ledger_journals')
    const fee = await journals.findOne({ kind: 'transfer_fee' })
    await journals.deleteOne({ _id: fee!._id })
    expect(await balanceMismatches()).toEqual([
      expect.objectContaining({ expected: 50_000, actual: 47_500 }),
    ])
    await journals.insertOne(fee!)
    expect(await balanceMismatches()).toEqual([])
  })

  it('books nothing twice when transfer.success is replayed', async () => {
    const { reference } = await aPaidPayout(400_000)
    const before = await feesBooked()
    await pw.world.core.payouts.onPaystackEvent({ paystackEvent: 'transfer.success', reference })
    await pw.world.core.payouts.onPaystackEvent({ paystackEvent: 'transfer.success', reference })
    expect(await feesBooked()).toBe(before)
    const journals = await pw.world.core.connection
      .collection('ledger_journals')
      .countDocuments({ idempotencyKey: { $in: [`transfer-fee:${reference}`] } })
    expect(journals).toBe(1)
    expect(await balanceMismatches()).toEqual([])
  })

  it('books no fee for a failed transfer, whose fee Paystack gives back', async () => {
    const before = await feesBooked()
    const { reference } = await aPaidPayout(6_000_000, '1111111111') // ₦57,000: ₦50
    expect(await pw.world.core.ledger.journalByKey(admin(), `transfer-fee:${reference}`)).toBe(
      undefined,
    )
    expect(await feesBooked()).toBe(before)
    expect(await balanceMismatches()).toEqual([])
  })

  it("counts transfer fees in the revenue report's fees, and in no store's line", async () => {
    const now = pw.world.clock.now()
    const period = {
      from: new Date(now.getTime() - 3_600_000),
      to: new Date(now.getTime() + 3_600_000),
    }
    const report = await pw.world.core.insight.revenueReport(admin(), {
      ...period,
      granularity: 'day',
    })
    // The two paid transfers: ₦25 and ₦10 (no charge was made, so no processing fee), against
    // ₦500 + ₦200 + ₦3,000 of commission.
    expect(report.totals).toMatchObject({ commission: 370_000, fees: 3_500, netRevenue: 366_500 })
    const summary = await pw.world.core.ledger.revenueSummary(admin(), { ...period, byStore: true })
    expect(summary.stores?.every((store) => store.fees === 0)).toBe(true)
  })
})
