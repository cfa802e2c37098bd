import { describe, expect, it } from '@jest/globals'
import { adminCliCtx, aPaidOrder, paystackWorldForSuite } from '../test-support/index.js'

// Paystack's balance against the ledger: platform cash less transfers in transit, per currency.
// Fees on, so that the balance is the charges less what Paystack kept.
const { pw } = paystackWorldForSuite({ feeModel: 'paystack' })

const admin = () => adminCliCtx(pw.world.clock.now())
const run = () =>
  pw.world.core.reconcile.reconcileDay(admin(), pw.world.clock.now().toISOString().slice(0, 10))
const balanceMismatches = async () =>
  (await run()).mismatches.filter((m) => m.kind === 'balance_mismatch')

describe("Paystack's balance against the ledger", () => {
  it('agrees after a paid order whose fee is booked', async () => {
    await aPaidOrder(pw, { price: 1_000_000, quantity: 2 })
    await pw.settle() // the fee is booked when charge.success arrives
    // ₦20,000 less the ₦400 fee, on both sides.
    const [balance] = await pw.world.core.paystack.fetchBalance()
    expect(balance).toEqual({ currency: 'NGN', balance: 1_960_000 })
    expect(await balanceMismatches()).toEqual([])
  })

  it('reports a fee the ledger is missing as cash Paystack does not hold, and clears once booked', async () => {
    const { result } = await aPaidOrder(pw, { price: 500_000 })
    await pw.settle()
    const journals = pw.world.core.connection.collection('ledger_journals')
    const fee = await journals.findOne({ idempotencyKey: `fee:${result.orderGroup.reference}` })
    await journals.deleteOne({ _id: fee!._id })
    // ₦5,000 at 1.5% + ₦100 is ₦175.
    expect(await balanceMismatches()).toEqual([
      {
        kind: 'balance_mismatch',
        subject: 'NGN',
        message: "the ledger says Paystack holds 2460000 NGN, Paystack's balance is 2442500",
        expected: 2_460_000,
        actual: 2_442_500,
      },
    ])
    const [item] = (await pw.world.core.reconcile.listItems(admin(), { limit: 100 })).items.filter(
      (i) => i.kind === 'balance_mismatch',
    )
    expect(item).toMatchObject({ subject: 'NGN', status: 'open', expected: 2_460_000 })

    await journals.insertOne(fee!)
    expect(await balanceMismatches()).toEqual([])
    expect(await pw.world.core.reconcile.getItem(admin(), item!.id)).toMatchObject({
      status: 'auto_cleared',
    })
  })

  it('reports money at Paystack the ledger does not know, in its currency', async () => {
    pw.sandbox.topUp(70_000, 'GHS')
    expect(await balanceMismatches()).toEqual([
      expect.objectContaining({ subject: 'GHS', expected: 0, actual: 70_000 }),
    ])
  })
})
