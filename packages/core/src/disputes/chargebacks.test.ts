import { describe, expect, it } from '@jest/globals'
import { adminCliCtx } from '../test-support/harness.js'
import { aPaidOrder } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { pw, world } = paystackWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())
const control = async (path: string, body: unknown = {}) => {
  const response = await fetch(`${pw.sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { data: { id: number; status: string } }).data
}
const sandboxDispute = async (id: number) =>
  (
    (await (
      await fetch(`${pw.sandbox.url}/dispute/${id}`, {
        headers: { authorization: `Bearer ${pw.secretKey}` },
      })
    ).json()) as { data: { status: string; resolution: string | null; evidence: unknown } }
  ).data

/** A paid ₦10,000 order and a chargeback on its transaction, delivered as webhooks. */
async function aChargeback(amount?: number) {
  const made = await aPaidOrder(pw)
  const remote = await control(
    `/__sandbox/transactions/${made.result.payment.reference}/chargeback`,
    amount ? { amount } : {},
  )
  await pw.settle()
  const [found] = (
    await world.core.disputes.list(admin(), { source: 'chargeback', limit: 100 })
  ).items.filter((d) => d.orderId === made.order.id)
  return { ...made, remote, dispute: found! }
}

describe('Paystack chargebacks', () => {
  it('opens an escalated case with the order timeline as evidence, sent to Paystack', async () => {
    const { dispute, remote } = await aChargeback()
    expect(dispute).toMatchObject({
      source: 'chargeback',
      status: 'escalated',
      paystack: { disputeId: remote.id, evidenceSubmitted: true },
    })
    expect(
      dispute.evidence.some(
        (e) =>
          e.kind === 'timeline' && /pending → processing|pending -> processing/.test(e.text ?? ''),
      ),
    ).toBe(true)
    expect((await sandboxDispute(remote.id)).evidence).toMatchObject({
      customer_name: 'Chiamaka Obi',
    })
  })

  it('opens one case however often the webhook is replayed', async () => {
    const { order, remote } = await aChargeback()
    await control(`/__sandbox/disputes/${remote.id}/remind`)
    await pw.settle()
    const cases = (await world.core.disputes.list(admin(), { limit: 100 })).items.filter(
      (d) => d.orderId === order.id,
    )
    expect(cases).toHaveLength(1)
    expect(cases[0]!.history).toHaveLength(1)
  })

  it('accepts through Paystack on a refund decision and books the refund once', async () => {
    const { order, remote, dispute } = await aChargeback(400_000)
    await world.core.disputes.resolve(admin(), dispute.id, {
      decision: 'refund',
      refund: 'partial',
      amount: 400_000,
      reason: 'The buyer never got the parcel',
    })
    await pw.settle()
    expect(await sandboxDispute(remote.id)).toMatchObject({
      status: 'resolved',
      resolution: 'merchant-accepted',
    })
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.order.refundedAmount).toBe(400_000)
    expect(explained.refunds).toEqual([
      expect.objectContaining({ status: 'processed', amount: 400_000 }),
    ])
    const journals = await world.core.ledger.journalsForOrder(admin(), order.id)
    expect(journals.map((j) => j.kind)).toEqual(['sale', 'refund'])
  })

  it('declines with the evidence on a release, and books what the bank gives the buyer', async () => {
    const { order, remote, dispute } = await aChargeback()
    await world.core.disputes.resolve(admin(), dispute.id, {
      decision: 'release',
      reason: 'Signed for at delivery',
    })
    expect((await sandboxDispute(remote.id)).status).toBe('awaiting-bank-feedback')
    await control(`/__sandbox/disputes/${remote.id}/bank-ruling`, {
      resolution: 'merchant-accepted',
    })
    await pw.settle()
    const explained = await world.core.orders.explain(admin(), order.id)
    expect(explained.order.refundedAmount).toBe(1_000_000)
    expect((await world.core.disputes.get(admin(), dispute.id)).paystack).toMatchObject({
      status: 'resolved',
    })
  })
})
