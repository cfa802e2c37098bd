import {
  paystackListEnvelope,
  paystackWebhookEventSchema,
  refundCreatedDataSchema,
  refundDataSchema,
  transactionDataSchema,
} from './index.js'
import {
  dataOf,
  eventually,
  harnessForSuite,
  paidTransaction,
  startHarness,
} from './test-support/sandbox-client.js'

const h = harnessForSuite()

async function refundEvents() {
  await h.sandbox.idle()
  return h.receiver.received
    .filter((r) => r.event.startsWith('refund.'))
    .map((r) => paystackWebhookEventSchema.parse(JSON.parse(r.raw.toString('utf8'))))
}

describe('POST /refund', () => {
  it('queues a full refund as pending, then processes it and reverses the transaction', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    const response = await h.api.post('/refund', { transaction: paid.reference })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ message: 'Refund has been queued for processing' })
    const refund = dataOf(response, refundCreatedDataSchema)
    expect(refund).toMatchObject({
      status: 'pending',
      amount: 1_000_000,
      transaction: { reference: paid.reference },
    })
    expect(h.sandbox.state.balances.NGN).toBe(0)

    await eventually(async () => (await refundEvents()).length === 2)
    const events = await refundEvents()
    expect(
      events.map((e) => [
        e.event,
        'transaction_reference' in e.data ? e.data.transaction_reference : null,
      ]),
    ).toEqual([
      ['refund.pending', paid.reference],
      ['refund.processed', paid.reference],
    ])
    const fetched = dataOf(await h.api.get(`/refund/${refund.id}`), refundDataSchema)
    expect(fetched).toMatchObject({ status: 'processed', transaction: paid.id })
    expect(fetched.refunded_at).not.toBeNull()
    const verified = dataOf(
      await h.api.get(`/transaction/verify/${paid.reference}`),
      transactionDataSchema,
    )
    expect(verified.status).toBe('reversed')
  })

  it('refunds part of a transaction by id and keeps it successful', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    const response = await h.api.post('/refund', { transaction: paid.id, amount: '400000' })
    expect(dataOf(response, refundCreatedDataSchema).amount).toBe(400_000)
    await h.sandbox.flush()
    expect(h.sandbox.state.transactions[0]?.status).toBe('success')
    expect(h.sandbox.state.balances.NGN).toBe(600_000)
  })

  it('refuses to refund more than what is left of the transaction', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    h.sandbox.topUp(5_000_000)
    await h.api.post('/refund', { transaction: paid.reference, amount: 700_000 })
    const response = await h.api.post('/refund', { transaction: paid.reference, amount: 400_000 })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      status: false,
      message: expect.stringContaining('₦3,000.00'),
    })
  })

  it('refuses a refund once the transaction is fully refunded', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    await h.api.post('/refund', { transaction: paid.reference })
    const pendingRefusal = await h.api.post('/refund', { transaction: paid.reference })
    expect(pendingRefusal.body).toMatchObject({ message: 'Transaction has been fully reversed' })
    await h.sandbox.flush()
    const response = await h.api.post('/refund', { transaction: paid.reference })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'Transaction has been fully reversed' })
  })

  it('refuses a refund the balance cannot cover', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    const transfer = await h.api.post('/transferrecipient', {
      type: 'nuban',
      name: 'Seller',
      account_number: '0000000000',
      bank_code: '057',
    })
    expect(transfer.status).toBe(201)
    await h.api.post('/transfer', {
      source: 'balance',
      amount: 900_000,
      recipient: (transfer.body as { data: { recipient_code: string } }).data.recipient_code,
      reference: 'payout-before-refund',
    })
    const response = await h.api.post('/refund', { transaction: paid.reference })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Insufficient balance to fulfill this refund. Please top up.',
    })
  })

  it('refuses to refund a transaction that was never paid', async () => {
    await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 500_000,
      reference: 'unpaid-1',
    })
    const response = await h.api.post('/refund', { transaction: 'unpaid-1' })
    expect(response.status).toBe(400)
  })

  it('refuses an unknown transaction and a missing one', async () => {
    const unknown = await h.api.post('/refund', { transaction: 'nope' })
    expect(unknown.body).toMatchObject({ message: 'Transaction reference not found' })
    const missing = await h.api.post('/refund', {})
    expect(missing.body).toMatchObject({ code: 'missing_params' })
  })

  it('fails refunds of the refund-failing test card and returns the money', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000, card: '4084080000671803' })
    await h.api.post('/refund', { transaction: paid.reference })
    await h.sandbox.flush()
    const events = await refundEvents()
    expect(events.map((e) => e.event)).toEqual(['refund.pending', 'refund.failed'])
    expect(h.sandbox.state.refunds[0]?.status).toBe('failed')
    expect(h.sandbox.state.balances.NGN).toBe(1_000_000)
  })

  it('puts refunds of the needs-attention card aside until retried with customer details', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000, card: '4084080000671902' })
    const created = dataOf(
      await h.api.post('/refund', { transaction: paid.reference }),
      refundCreatedDataSchema,
    )
    await h.sandbox.flush()
    expect((await refundEvents()).map((e) => e.event)).toContain('refund.needs-attention')
    const retried = await h.api.post(`/refund/retry_with_customer_details/${created.id}`, {
      refund_account_details: { currency: 'NGN', account_number: '0123456789', bank_id: 9 },
    })
    expect(dataOf(retried, refundDataSchema).status).toBe('processing')
    await h.sandbox.flush()
    expect(h.sandbox.state.refunds[0]?.status).toBe('processed')
  })
})

describe('GET /refund', () => {
  it('lists refunds filtered by transaction and answers 404 for an unknown id', async () => {
    const first = await paidTransaction(h, { amount: 1_000_000, reference: 'list-refund-1' })
    const second = await paidTransaction(h, { amount: 1_000_000, reference: 'list-refund-2' })
    await h.api.post('/refund', { transaction: first.reference, amount: 100_000 })
    await h.api.post('/refund', { transaction: second.reference, amount: 200_000 })
    const list = paystackListEnvelope(refundDataSchema)
    const all = list.parse((await h.api.get('/refund')).body)
    expect(all.data.map((r) => r.amount)).toEqual([200_000, 100_000])
    const filtered = list.parse((await h.api.get(`/refund?transaction=${first.reference}`)).body)
    expect(filtered.data.map((r) => r.transaction_reference)).toEqual([first.reference])
    const missing = await h.api.get('/refund/1')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ status: false, message: 'Refund not found' })
  })
})

describe('refund control endpoints', () => {
  it('settles a refund by hand while automatic settlement is manual', async () => {
    const manual = await startHarness({ refundDelayMs: 'manual' })
    try {
      const paid = await paidTransaction(manual, { amount: 1_000_000 })
      const created = dataOf(
        await manual.api.post('/refund', { transaction: paid.reference }),
        refundCreatedDataSchema,
      )
      const stillPending = dataOf(await manual.api.get(`/refund/${created.id}`), refundDataSchema)
      expect(stillPending.status).toBe('pending')
      const failed = await manual.api.post(`/__sandbox/refunds/${created.id}/fail`)
      expect(dataOf(failed, refundDataSchema).status).toBe('failed')
      const again = await manual.api.post(`/__sandbox/refunds/${created.id}/process`)
      expect(again.status).toBe(400)
    } finally {
      await manual.close()
    }
  })
})
