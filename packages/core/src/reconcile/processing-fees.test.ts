import { describe, expect, it } from '@jest/globals'
import { PLATFORM_ACCOUNTS } from '../ledger/ledger.accounts.js'
import { adminCliCtx, aPaidOrder, paystackWorldForSuite } from '../test-support/index.js'

// Paystack's fees are booked from the verify answer (docs/payments.md, "Paystack fees"); the
// sandbox charges its approximation of Paystack's local pricing: 1.5% + ₦100, capped at ₦2,000.
const { pw } = paystackWorldForSuite({ feeModel: 'paystack' })

const admin = () => adminCliCtx(pw.world.clock.now())
const day = () => pw.world.clock.now().toISOString().slice(0, 10)

describe('Paystack fees', () => {
  it('books the fee of a verified payment once, out of platform cash, and the books balance', async () => {
    const { result } = await aPaidOrder(pw, { price: 1_000_000, quantity: 2 })
    const reference = result.orderGroup.reference
    const { ledger, paystack, checkout } = pw.world.core
    const verified = await paystack.verifyTransaction(reference)
    expect(verified.fees).toBe(40_000) // 1.5% of ₦20,000 + ₦100

    // The same charge.success again (a replayed webhook): nothing more is booked.
    await checkout.onPaystackEvent({
      eventKey: 'replay',
      paystackEvent: 'charge.success',
      reference,
    })
    const journal = await ledger.journalByKey(admin(), `fee:${reference}`)
    expect(journal).toMatchObject({
      kind: 'processing_fee',
      refs: { orderGroupId: result.orderGroup.id },
    })
    expect(journal!.entries).toEqual(
      expect.arrayContaining([
        { account: PLATFORM_ACCOUNTS.processingFees, amount: 40_000 },
        { account: PLATFORM_ACCOUNTS.cash, amount: -40_000 },
      ]),
    )
    expect(await ledger.balance(admin(), PLATFORM_ACCOUNTS.processingFees, 'NGN')).toBe(40_000)
    expect((await ledger.trialBalance(admin(), 'NGN')).balanced).toBe(true)
  })

  it('shows fees and net revenue (commission less fees) in the revenue report', async () => {
    const now = pw.world.clock.now()
    const report = await pw.world.core.insight.revenueReport(admin(), {
      from: new Date(now.getTime() - 3_600_000),
      to: new Date(now.getTime() + 3_600_000),
      granularity: 'day',
    })
    // The first test's order: ₦20,000 at 5% commission, ₦400 in fees.
    expect(report.totals).toMatchObject({
      grossSales: 2_000_000,
      commission: 100_000,
      fees: 40_000,
      netRevenue: 60_000,
    })
  })

  it('reconciles a day whose fees are booked, and reports a fee the ledger is missing', async () => {
    expect((await pw.world.core.reconcile.reconcileDay(admin(), day())).mismatches).toEqual([])
    const { result } = await aPaidOrder(pw, { price: 30_000_000 })
    const reference = result.orderGroup.reference
    await pw.world.core.connection.collection('ledger_journals').deleteOne({
      idempotencyKey: `fee:${reference}`,
    })
    const report = await pw.world.core.reconcile.reconcileDay(admin(), day())
    // ₦300,000 at 1.5% + ₦100 is ₦4,600: capped at ₦2,000.
    expect(report.mismatches).toContainEqual(
      expect.objectContaining({
        kind: 'fee_mismatch',
        subject: reference,
        expected: 200_000,
        actual: 0,
      }),
    )
  })
})
