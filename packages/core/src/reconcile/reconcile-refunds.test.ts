import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import {
  adminCliCtx,
  anIdempotencyKey,
  aPaidOrder,
  createPaystackWorld,
  type PaystackWorld,
} from '../test-support/index.js'

// The day's refunds: ours against Paystack's (both ways, amounts included) and against the ledger.
let pw: PaystackWorld
let today: string
beforeAll(async () => {
  pw = await createPaystackWorld()
  today = pw.world.clock.now().toISOString().slice(0, 10)
})
afterAll(() => pw.close())

const REFUND_KINDS = [
  'refund_without_paystack_refund',
  'paystack_refund_unrecorded',
  'refund_amount_mismatch',
  'refund_not_in_ledger',
]
const admin = () => adminCliCtx(pw.world.clock.now())
const run = () => pw.world.core.reconcile.reconcileDay(admin(), today)
const refundMismatches = async () =>
  (await run()).mismatches.filter((m) => REFUND_KINDS.includes(m.kind))
const refundsCollection = () => pw.world.core.connection.collection('refunds')

/** A paid order with a processed refund of `amount` of it. */
async function aProcessedRefund(amount = 300_000) {
  const { order } = await aPaidOrder(pw)
  const { body } = await pw.world.core.refunds.refund(
    admin(),
    order.id,
    { amount, reason: 'Late delivery' },
    anIdempotencyKey(),
  )
  await pw.settle()
  const refund = await refundsCollection().findOne({ _id: new Types.ObjectId(body.refund.id) })
  expect(refund).toMatchObject({ status: 'processed', paystackRefundId: expect.any(Number) })
  return { order, refund: refund! }
}

describe('reconciling refunds', () => {
  it('finds nothing wrong with a day whose refund Paystack processed and the ledger booked', async () => {
    await aProcessedRefund()
    const report = await run()
    expect(report.mismatches).toEqual([])
    expect(report.checked).toMatchObject({ refunds: 1, paystackRefunds: 1 })
  })

  it('reports a refund we mark processed that Paystack has no refund for', async () => {
    const { refund } = await aProcessedRefund()
    const real = refund.paystackRefundId as number
    await refundsCollection().updateOne({ _id: refund._id }, { $set: { paystackRefundId: 1e9 } })
    const found = await refundMismatches()
    expect(found).toContainEqual(
      expect.objectContaining({
        kind: 'refund_without_paystack_refund',
        subject: String(refund._id),
        expected: 300_000,
      }),
    )
    // Paystack's own refund is then one nobody recorded.
    expect(found).toContainEqual(
      expect.objectContaining({ kind: 'paystack_refund_unrecorded', subject: String(real) }),
    )
    await refundsCollection().updateOne({ _id: refund._id }, { $set: { paystackRefundId: real } })
    expect(await refundMismatches()).toEqual([])
  })

  it('reports a refund made on Paystack that we have no record of', async () => {
    const { result } = await aPaidOrder(pw)
    const remote = await pw.world.core.paystack.createRefund({
      transaction: result.orderGroup.reference,
      amount: 100_000,
    })
    await pw.settle()
    expect(await refundMismatches()).toEqual([
      {
        kind: 'paystack_refund_unrecorded',
        subject: String(remote.id),
        message: `Paystack refunded 100000 NGN of ${result.orderGroup.reference} (refund ${remote.id}) but we have no record of it`,
        actual: 100_000,
      },
    ])
  })

  it('reports a refund whose amount differs from what Paystack refunded, once however many runs', async () => {
    const { refund } = await aProcessedRefund(400_000)
    await refundsCollection().updateOne({ _id: refund._id }, { $set: { amount: 450_000 } })
    const mine = (m: { subject: string }) => m.subject === String(refund._id)
    expect((await refundMismatches()).filter(mine)).toEqual([
      expect.objectContaining({
        kind: 'refund_amount_mismatch',
        expected: 450_000,
        actual: 400_000,
      }),
    ])
    const again = await run()
    const items = (await pw.world.core.reconcile.listItems(admin(), { limit: 100 })).items
    expect(items.filter(mine)).toEqual([
      expect.objectContaining({ kind: 'refund_amount_mismatch', status: 'open', timesSeen: 2 }),
    ])
    expect(again.items.opened).not.toContain(items.find(mine)!.id)
    await refundsCollection().updateOne({ _id: refund._id }, { $set: { amount: 400_000 } })
  })

  it('reports a processed refund with no refund journal, and clears once it is booked', async () => {
    const { refund } = await aProcessedRefund()
    const journals = pw.world.core.connection.collection('ledger_journals')
    const journal = await journals.findOne({ idempotencyKey: `refund:${String(refund._id)}` })
    await journals.deleteOne({ _id: journal!._id })
    const found = (await refundMismatches()).filter((m) => m.kind === 'refund_not_in_ledger')
    expect(found).toEqual([
      expect.objectContaining({ subject: String(refund._id), expected: 300_000 }),
    ])
    const [item] = (await pw.world.core.reconcile.listItems(admin(), { limit: 100 })).items.filter(
      (i) => i.kind === 'refund_not_in_ledger',
    )
    await journals.insertOne(journal!)
    expect((await refundMismatches()).filter((m) => m.kind === 'refund_not_in_ledger')).toEqual([])
    expect(await pw.world.core.reconcile.getItem(admin(), item!.id)).toMatchObject({
      status: 'auto_cleared',
    })
  })

  it('does not look for a Paystack refund behind a chargeback', async () => {
    const { order } = await aPaidOrder(pw)
    const refund = await pw.world.core.refunds.recordChargeback(admin(), order.id, 200_000, 'lost')
    expect(refund.status).toBe('processed')
    expect((await refundMismatches()).filter((m) => m.subject === refund.id)).toEqual([])
  })
})
