import { describe, expect, it } from '@jest/globals'
import { harnessForSuite, paidTransaction, SECRET } from './test-support/sandbox-client.js'

const h = harnessForSuite()

type Dispute = { id: number; status: string; resolution: string | null; refund_amount: number }
const put = async (path: string, body: unknown) => {
  const response = await fetch(`${h.sandbox.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return {
    status: response.status,
    body: (await response.json()) as { data: Dispute; message: string },
  }
}
const evidence = {
  customer_email: 'ada@example.com',
  customer_name: 'Ada Obi',
  customer_phone: '+2348031234567',
  service_details: 'Delivered on 2026-12-01, signed for',
}

async function aChargeback(amount?: number): Promise<Dispute> {
  const paid = await paidTransaction(h, { amount: 1_000_000 })
  const raised = await h.api.post(`/__sandbox/transactions/${paid.reference}/chargeback`, {
    ...(amount ? { amount } : {}),
  })
  expect(raised.status).toBe(200)
  return (raised.body as { data: Dispute }).data
}

describe('chargebacks and the dispute API', () => {
  it('raises a chargeback that waits for the merchant and sends charge.dispute.create', async () => {
    const dispute = await aChargeback()
    expect(dispute).toMatchObject({
      status: 'awaiting-merchant-feedback',
      refund_amount: 1_000_000,
    })
    await h.sandbox.idle()
    const [webhook] = h.receiver.events('charge.dispute.create')
    expect(webhook?.data).toMatchObject({ id: dispute.id, status: 'awaiting-merchant-feedback' })
    const fetched = await h.api.get(`/dispute/${dispute.id}`)
    expect(fetched.body).toMatchObject({ status: true, data: { id: dispute.id } })
  })

  it('refuses declining without evidence, then declines with it and lets the bank rule', async () => {
    const dispute = await aChargeback()
    const early = await put(`/dispute/${dispute.id}/resolve`, {
      resolution: 'declined',
      message: 'Delivered',
      refund_amount: 0,
      uploaded_filename: 'proof.pdf',
    })
    expect(early.status).toBe(400)
    const added = await h.api.post(`/dispute/${dispute.id}/evidence`, evidence)
    expect(added.status).toBe(200)
    const declined = await put(`/dispute/${dispute.id}/resolve`, {
      resolution: 'declined',
      message: 'Delivered',
      refund_amount: 0,
      uploaded_filename: 'proof.pdf',
    })
    expect(declined.body.data.status).toBe('awaiting-bank-feedback')
    const ruled = await h.api.post(`/__sandbox/disputes/${dispute.id}/bank-ruling`, {
      resolution: 'declined',
    })
    expect((ruled.body as { data: Dispute }).data).toMatchObject({
      status: 'resolved',
      resolution: 'declined',
      refund_amount: 0,
    })
    await h.sandbox.idle()
    expect(h.receiver.events('charge.dispute.resolve')).toHaveLength(1)
  })

  it('takes an accepted amount from the balance and sends charge.dispute.resolve', async () => {
    const dispute = await aChargeback(400_000)
    const before = h.sandbox.state.balances.NGN
    const accepted = await put(`/dispute/${dispute.id}/resolve`, {
      resolution: 'merchant-accepted',
      message: 'Refund the customer',
      refund_amount: 400_000,
      uploaded_filename: 'none',
    })
    expect(accepted.body.data).toMatchObject({
      status: 'resolved',
      resolution: 'merchant-accepted',
    })
    expect(h.sandbox.state.balances.NGN).toBe(before - 400_000)
  })

  it('sends a reminder only while the merchant has not answered', async () => {
    const dispute = await aChargeback()
    expect((await h.api.post(`/__sandbox/disputes/${dispute.id}/remind`)).status).toBe(200)
    await h.sandbox.idle()
    expect(h.receiver.events('charge.dispute.remind')).toHaveLength(1)
  })
})
