import { z } from 'zod'
import {
  balanceDataSchema,
  bankSchema,
  bulkTransferItemSchema,
  DESIGNATED_ACCOUNTS,
  paystackListEnvelope,
  paystackWebhookEventSchema,
  recipientDataSchema,
  resolveAccountDataSchema,
  transferDataSchema,
  transferDetailDataSchema,
} from './index.js'
import {
  dataOf,
  eventually,
  type Harness,
  harnessForSuite,
  startHarness,
} from './test-support/sandbox-client.js'

const h = harnessForSuite()

async function recipient(
  accountNumber: string = DESIGNATED_ACCOUNTS.success,
  bankCode = '057',
  on: Harness = h,
) {
  const response = await on.api.post('/transferrecipient', {
    type: 'nuban',
    name: 'Seller One',
    account_number: accountNumber,
    bank_code: bankCode,
  })
  return dataOf(response, recipientDataSchema)
}

async function transferEvents(on: Harness = h) {
  await on.sandbox.idle()
  return on.receiver.received
    .filter((r) => r.event.startsWith('transfer.'))
    .map((r) => paystackWebhookEventSchema.parse(JSON.parse(r.raw.toString('utf8'))))
}

const ref = (suffix: string) => `payout-${suffix}-0000000000`.slice(0, 30)

describe('GET /bank', () => {
  it('lists Nigerian banks with their codes', async () => {
    const response = await h.api.get('/bank?country=nigeria')
    const banks = dataOf(response, z.array(bankSchema))
    const byCode = new Map(banks.map((bank) => [bank.code, bank.name]))
    expect(byCode.get('044')).toBe('Access Bank')
    expect(byCode.get('058')).toBe('Guaranty Trust Bank')
    expect(byCode.get('057')).toBe('Zenith Bank')
    expect(byCode.get('033')).toBe('United Bank For Africa')
    expect(byCode.get('011')).toBe('First Bank of Nigeria')
    expect(byCode.get('50211')).toBe('Kuda Bank')
    expect(byCode.get('999992')).toContain('OPay')
  })

  it('returns no banks for a country the sandbox does not carry', async () => {
    const response = await h.api.get('/bank?country=ghana')
    expect(dataOf(response, z.array(bankSchema))).toEqual([])
  })
})

describe('GET /bank/resolve', () => {
  it('resolves the same number to the same name every time', async () => {
    const first = await h.api.get('/bank/resolve?account_number=0123456789&bank_code=058')
    const second = await h.api.get('/bank/resolve?account_number=0123456789&bank_code=044')
    const name = dataOf(first, resolveAccountDataSchema).account_name
    expect(name).toMatch(/^[A-Z]+ [A-Z]+ [A-Z]+$/)
    expect(dataOf(second, resolveAccountDataSchema).account_name).toBe(name)
  })

  it('fails to resolve the designated unresolvable number', async () => {
    const response = await h.api.get(
      `/bank/resolve?account_number=${DESIGNATED_ACCOUNTS.unresolvable}&bank_code=058`,
    )
    expect(response.status).toBe(422)
    expect(response.body).toMatchObject({
      message: 'Could not resolve account name. Check parameters or try again.',
    })
  })

  it('refuses an unknown bank code and missing parameters', async () => {
    const unknown = await h.api.get('/bank/resolve?account_number=0123456789&bank_code=999')
    expect(unknown.status).toBe(422)
    const missing = await h.api.get('/bank/resolve?account_number=0123456789')
    expect(missing.status).toBe(400)
  })
})

describe('POST /transferrecipient', () => {
  it('creates a nuban recipient with the resolved account name', async () => {
    const response = await h.api.post('/transferrecipient', {
      type: 'nuban',
      name: 'Seller One',
      account_number: '0123456789',
      bank_code: '058',
    })
    expect(response.status).toBe(201)
    const data = dataOf(response, recipientDataSchema)
    expect(data.recipient_code).toMatch(/^RCP_/)
    expect(data.details).toMatchObject({ bank_code: '058', bank_name: 'Guaranty Trust Bank' })
  })

  it('returns the same recipient for the same bank and account', async () => {
    const first = await recipient('0123456789', '058')
    const second = await recipient('0123456789', '058')
    const otherBank = await recipient('0123456789', '044')
    expect(second.recipient_code).toBe(first.recipient_code)
    expect(otherBank.recipient_code).not.toBe(first.recipient_code)
  })

  it('refuses an unknown bank code, an unresolvable account and a missing account', async () => {
    const base = { type: 'nuban', name: 'X' }
    const unknownBank = await h.api.post('/transferrecipient', {
      ...base,
      account_number: '0123456789',
      bank_code: '999',
    })
    expect(unknownBank.status).toBe(400)
    expect(unknownBank.body).toMatchObject({ message: 'Unknown bank code' })
    const unresolvable = await h.api.post('/transferrecipient', {
      ...base,
      account_number: DESIGNATED_ACCOUNTS.unresolvable,
      bank_code: '058',
    })
    expect(unresolvable.body).toMatchObject({ message: 'Cannot resolve account' })
    const missing = await h.api.post('/transferrecipient', { ...base, bank_code: '058' })
    expect(missing.body).toMatchObject({
      message: 'Either authorization_code or account_number must be passed.',
    })
  })

  it('fetches a recipient by code and answers 404 for an unknown one', async () => {
    const created = await recipient()
    const fetched = await h.api.get(`/transferrecipient/${created.recipient_code}`)
    expect(dataOf(fetched, recipientDataSchema).id).toBe(created.id)
    const missing = await h.api.get('/transferrecipient/RCP_nothing')
    expect(missing.status).toBe(404)
  })
})

describe('GET /balance', () => {
  it('starts at zero and follows top-ups', async () => {
    const before = dataOf(await h.api.get('/balance'), balanceDataSchema)
    expect(before).toEqual([{ currency: 'NGN', balance: 0 }])
    const topUp = await h.api.post('/__sandbox/balance/top-up', { amount: 5_000_000 })
    expect(topUp.body).toMatchObject({ data: { balance: 5_000_000 } })
    const after = dataOf(await h.api.get('/balance'), balanceDataSchema)
    expect(after).toEqual([{ currency: 'NGN', balance: 5_000_000 }])
  })
})

describe('POST /transfer', () => {
  it('queues a transfer as pending, debits the balance, then succeeds with transfer.success', async () => {
    h.sandbox.topUp(5_000_000)
    const to = await recipient()
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 1_500_000,
      recipient: to.recipient_code,
      reference: ref('ok'),
      reason: 'Payout for order 1001',
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ message: 'Transfer has been queued' })
    const transfer = dataOf(response, transferDataSchema)
    expect(transfer).toMatchObject({ status: 'pending', recipient: to.id, reference: ref('ok') })
    expect(h.sandbox.state.balances.NGN).toBe(3_500_000)

    await eventually(async () => (await transferEvents()).length === 1)
    const [event] = await transferEvents()
    expect(event).toMatchObject({
      event: 'transfer.success',
      data: { transfer_code: transfer.transfer_code, integration: { is_live: false } },
    })
    const verified = dataOf(
      await h.api.get(`/transfer/verify/${ref('ok')}`),
      transferDetailDataSchema,
    )
    expect(verified.status).toBe('success')
    expect(verified.recipient.recipient_code).toBe(to.recipient_code)
    expect(h.sandbox.state.balances.NGN).toBe(3_500_000)
  })

  it('fails transfers to the designated failing account and returns the money', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient(DESIGNATED_ACCOUNTS.transferFails)
    await h.api.post('/transfer', {
      source: 'balance',
      amount: 1_000_000,
      recipient: to.recipient_code,
      reference: ref('fail'),
    })
    await h.sandbox.flush()
    expect((await transferEvents()).map((e) => e.event)).toEqual(['transfer.failed'])
    expect(h.sandbox.state.balances.NGN).toBe(1_000_000)
  })

  it('reverses transfers to the designated reversing account and returns the money', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient(DESIGNATED_ACCOUNTS.transferReversed)
    await h.api.post('/transfer', {
      source: 'balance',
      amount: 400_000,
      recipient: to.recipient_code,
      reference: ref('rev'),
    })
    await h.sandbox.flush()
    const [event] = await transferEvents()
    expect(event).toMatchObject({ event: 'transfer.reversed', data: { status: 'reversed' } })
    expect(h.sandbox.state.balances.NGN).toBe(1_000_000)
  })

  it('refuses a transfer reference shorter than 16 characters', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 100_000,
      recipient: to.recipient_code,
      reference: 'short-ref',
    })
    expect(response.status).toBe(400)
    expect(h.sandbox.state.transfers).toHaveLength(0)
  })

  it('refuses a transfer reference longer than 50 characters', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 100_000,
      recipient: to.recipient_code,
      reference: 'a'.repeat(51),
    })
    expect(response.status).toBe(400)
  })

  it('refuses uppercase letters and special characters in a transfer reference', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    for (const reference of ['Payout-ABCDEFGHIJKLMNOP', 'payout.0000000000000000']) {
      const response = await h.api.post('/transfer', {
        source: 'balance',
        amount: 100_000,
        recipient: to.recipient_code,
        reference,
      })
      expect(response.body).toMatchObject({
        message: 'Your reference contains illegal special characters',
      })
    }
  })

  it('refuses a reference already used by another transfer', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    const body = {
      source: 'balance',
      amount: 100_000,
      recipient: to.recipient_code,
      reference: ref('dup'),
    }
    await h.api.post('/transfer', body)
    const response = await h.api.post('/transfer', body)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Please provide a unique reference. Reference already exists on a transfer',
    })
    expect(h.sandbox.state.balances.NGN).toBe(900_000)
  })

  it('refuses a transfer larger than the balance', async () => {
    const to = await recipient()
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 100_000,
      recipient: to.recipient_code,
      reference: ref('broke'),
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Your balance is not enough to fulfil this request',
    })
  })

  it('refuses an unknown recipient with invalid_transfer_recipient', async () => {
    h.sandbox.topUp(1_000_000)
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 100_000,
      recipient: 'RCP_nothing',
      reference: ref('norcp'),
    })
    expect(response.body).toMatchObject({
      message: 'Recipient specified is invalid',
      code: 'invalid_transfer_recipient',
    })
  })

  it('answers 404 for an unknown transfer reference or code', async () => {
    const byReference = await h.api.get('/transfer/verify/payout-does-not-exist')
    expect(byReference.status).toBe(404)
    expect(byReference.body).toEqual({ status: false, message: 'Transfer not found' })
    expect((await h.api.get('/transfer/TRF_nothing')).status).toBe(404)
  })

  it('fetches by code and lists transfers filtered by status', async () => {
    h.sandbox.topUp(2_000_000)
    const good = await recipient()
    const bad = await recipient(DESIGNATED_ACCOUNTS.transferFails)
    const created = dataOf(
      await h.api.post('/transfer', {
        source: 'balance',
        amount: 100_000,
        recipient: good.recipient_code,
        reference: ref('list-a'),
      }),
      transferDataSchema,
    )
    await h.api.post('/transfer', {
      source: 'balance',
      amount: 100_000,
      recipient: bad.recipient_code,
      reference: ref('list-b'),
    })
    await h.sandbox.flush()
    const fetched = await h.api.get(`/transfer/${created.transfer_code}`)
    expect(dataOf(fetched, transferDetailDataSchema).reference).toBe(ref('list-a'))
    const list = paystackListEnvelope(transferDetailDataSchema)
    const failed = list.parse((await h.api.get('/transfer?status=failed')).body)
    expect(failed.data.map((t) => t.reference)).toEqual([ref('list-b')])
    expect(failed.meta.total).toBe(1)
  })
})

describe('transfer OTP', () => {
  it('holds a transfer at otp until finalized with the right OTP', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    expect((await h.api.post('/transfer/enable_otp')).status).toBe(200)
    const response = await h.api.post('/transfer', {
      source: 'balance',
      amount: 250_000,
      recipient: to.recipient_code,
      reference: ref('otp'),
    })
    expect(response.body).toMatchObject({ message: 'Transfer requires OTP to continue' })
    const transfer = dataOf(response, transferDataSchema)
    expect(transfer.status).toBe('otp')
    expect(h.sandbox.state.balances.NGN).toBe(1_000_000)

    const wrong = await h.api.post('/transfer/finalize_transfer', {
      transfer_code: transfer.transfer_code,
      otp: '000000',
    })
    expect(wrong.status).toBe(400)
    const unknown = await h.api.post('/transfer/finalize_transfer', {
      transfer_code: 'TRF_nothing',
      otp: '123456',
    })
    expect(unknown.body).toEqual({ status: false, message: 'Transfer code is invalid' })

    const finalized = await h.api.post('/transfer/finalize_transfer', {
      transfer_code: transfer.transfer_code,
      otp: '123456',
    })
    expect(dataOf(finalized, transferDataSchema).status).toBe('pending')
    expect(h.sandbox.state.balances.NGN).toBe(750_000)
    await h.sandbox.flush()
    expect((await transferEvents()).map((e) => e.event)).toEqual(['transfer.success'])
  })

  it('refuses a bulk transfer while the OTP requirement is on', async () => {
    h.sandbox.topUp(1_000_000)
    const to = await recipient()
    await h.api.post('/transfer/enable_otp')
    const response = await h.api.post('/transfer/bulk', {
      source: 'balance',
      transfers: [{ amount: 100_000, recipient: to.recipient_code, reference: ref('bulk-otp') }],
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'You need to disable the OTP requirement to use this feature.',
    })
  })

  it('turns the OTP requirement off only with the OTP', async () => {
    await h.api.post('/transfer/enable_otp')
    expect((await h.api.post('/transfer/disable_otp')).status).toBe(200)
    const wrong = await h.api.post('/transfer/disable_otp_finalize', { otp: '999999' })
    expect(wrong.status).toBe(400)
    expect(h.sandbox.state.otpEnabled).toBe(true)
    const right = await h.api.post('/transfer/disable_otp_finalize', { otp: '123456' })
    expect(right.status).toBe(200)
    expect(h.sandbox.state.otpEnabled).toBe(false)
  })
})

describe('POST /transfer/bulk', () => {
  it('queues every transfer and settles each with its own event', async () => {
    // Settlement waits for flush() here: with instant settlement the debit could not be seen
    // before it was undone, and the check below would race the settle timer.
    const manual = await startHarness({ transferDelayMs: 'manual' })
    try {
      manual.sandbox.topUp(1_000_000)
      const a = await recipient('0123456789', '057', manual)
      const b = await recipient(DESIGNATED_ACCOUNTS.transferReversed, '057', manual)
      const response = await manual.api.post('/transfer/bulk', {
        source: 'balance',
        currency: 'NGN',
        transfers: [
          { amount: 100_000, recipient: a.recipient_code, reference: ref('bulk-a') },
          { amount: 200_000, recipient: b.recipient_code, reference: ref('bulk-b') },
        ],
      })
      expect(response.body).toMatchObject({ message: '2 transfers queued.' })
      const items = dataOf(response, z.array(bulkTransferItemSchema))
      expect(items.map((i) => [i.recipient, i.status])).toEqual([
        [a.recipient_code, 'pending'],
        [b.recipient_code, 'pending'],
      ])
      expect(manual.sandbox.state.balances.NGN).toBe(700_000)
      await manual.sandbox.flush()
      const events = (await transferEvents(manual)).map((e) => e.event).sort()
      expect(events).toEqual(['transfer.reversed', 'transfer.success'])
      expect(manual.sandbox.state.balances.NGN).toBe(900_000)
    } finally {
      await manual.close()
    }
  })

  it('refuses the whole batch when a reference repeats', async () => {
    h.sandbox.topUp(1_000_000)
    const a = await recipient()
    const response = await h.api.post('/transfer/bulk', {
      source: 'balance',
      transfers: [
        { amount: 100_000, recipient: a.recipient_code, reference: ref('bulk-dup') },
        { amount: 100_000, recipient: a.recipient_code, reference: ref('bulk-dup') },
      ],
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: `Duplicate reference(s) found: ${ref('bulk-dup')}`,
    })
    expect(h.sandbox.state.transfers).toHaveLength(0)
  })

  it('refuses the whole batch when the balance cannot cover the total', async () => {
    h.sandbox.topUp(150_000)
    const a = await recipient()
    const response = await h.api.post('/transfer/bulk', {
      source: 'balance',
      transfers: [
        { amount: 100_000, recipient: a.recipient_code, reference: ref('bulk-x1') },
        { amount: 100_000, recipient: a.recipient_code, reference: ref('bulk-x2') },
      ],
    })
    expect(response.body).toMatchObject({
      message: 'Your balance is not enough to fulfil this request',
    })
  })
})

describe('transfer control endpoints', () => {
  it('keeps transfers pending when settlement is manual and settles them on command', async () => {
    const manual = await startHarness({ transferDelayMs: 'manual' })
    try {
      manual.sandbox.topUp(1_000_000)
      const to = dataOf(
        await manual.api.post('/transferrecipient', {
          type: 'nuban',
          name: 'Seller',
          account_number: '0123456789',
          bank_code: '058',
        }),
        recipientDataSchema,
      )
      const send = (suffix: string) =>
        manual.api.post('/transfer', {
          source: 'balance',
          amount: 100_000,
          recipient: to.recipient_code,
          reference: ref(suffix),
        })
      const a = dataOf(await send('ctl-a'), transferDataSchema)
      const b = dataOf(await send('ctl-b'), transferDataSchema)
      const c = dataOf(await send('ctl-c'), transferDataSchema)
      const d = dataOf(await send('ctl-d'), transferDataSchema)
      const pending = dataOf(
        await manual.api.get(`/transfer/${a.transfer_code}`),
        transferDetailDataSchema,
      )
      expect(pending.status).toBe('pending')

      await manual.api.post(`/__sandbox/transfers/${a.transfer_code}/succeed`)
      await manual.api.post(`/__sandbox/transfers/${b.transfer_code}/fail`)
      await manual.api.post(`/__sandbox/transfers/${c.reference}/reverse`)
      const again = await manual.api.post(`/__sandbox/transfers/${a.transfer_code}/fail`)
      expect(again.status).toBe(400)
      const flushed = await manual.api.post('/__sandbox/flush')
      expect(flushed.body).toMatchObject({ data: { settled: 1 } })
      const statuses = manual.sandbox.state.transfers.map((t) => [t.transferCode, t.status])
      expect(statuses).toEqual([
        [a.transfer_code, 'success'],
        [b.transfer_code, 'failed'],
        [c.transfer_code, 'reversed'],
        [d.transfer_code, 'success'],
      ])
      expect(manual.sandbox.state.balances.NGN).toBe(800_000)
    } finally {
      await manual.close()
    }
  })
})
