import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type SandboxHandle, startSandbox } from '@kloset/paystack-sandbox'
import { PaystackClient } from './paystack.client.js'
import { PaystackRejectedError } from './paystack.errors.js'
import { verifyPaystackSignature } from './paystack.signature.js'

// One suite, two claims: our client works against the sandbox, and the sandbox behaves as the
// reference facts say Paystack does (reference/paystack-cloudinary.md §1). Since core declares
// its own copy of Paystack's response schemas, passing here is also what proves the two agree.

interface Received {
  raw: Buffer
  signature: string | undefined
  event: string
}

const secretKey = `sk_test_${randomBytes(20).toString('hex')}`
let sandbox: SandboxHandle
let client: PaystackClient
let receiver: Server
const received: Received[] = []
let failuresToAnswer = 0

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const event = (JSON.parse(raw.toString('utf8')) as { event: string }).event
      received.push({ raw, signature: request.headers['x-paystack-signature'] as string, event })
      const failing = failuresToAnswer > 0
      if (failing) failuresToAnswer--
      response.writeHead(failing ? 500 : 200).end()
    })
  })
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done))
  const { port } = receiver.address() as AddressInfo
  sandbox = await startSandbox({
    secretKey,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/paystack`,
    transferDelayMs: 0,
    refundDelayMs: 0,
    feeModel: 'none',
    webhookRetrySchedule: [10, 20],
  })
  client = new PaystackClient({ secretKey, baseUrl: sandbox.url, timeoutMs: 5_000 })
})

afterAll(async () => {
  await sandbox.stop()
  await new Promise<void>((done) => receiver.close(() => done()))
})

let counter = 0
const aTransactionReference = () => `ord-${Date.now().toString(36)}-${counter++}`
const aTransferReference = () => `payout_${randomBytes(8).toString('hex')}`

/** Calls the sandbox directly, to check it against the reference facts. */
async function raw(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; authorization?: string | null } = {},
) {
  const authorization =
    options.authorization === undefined ? `Bearer ${secretKey}` : options.authorization
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(options.body ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

async function control(path: string, body: unknown = {}) {
  const response = await raw('POST', `/__sandbox/${path}`, { body, authorization: null })
  expect(response.status).toBe(200)
  return response.body
}

async function aPaidTransaction(amount = 1_250_000) {
  const reference = aTransactionReference()
  await client.initializeTransaction({
    email: 'buyer@example.test',
    amount,
    currency: 'NGN',
    reference,
    metadata: { orderGroupId: 'group-1' },
  })
  await control(`transactions/${reference}/succeed`)
  return reference
}

async function aRecipient(accountNumber = '0000000000') {
  return client.createTransferRecipient({
    name: 'Ada Seller',
    accountNumber,
    bankCode: '057',
    currency: 'NGN',
  })
}

async function until<T>(probe: () => T | undefined, timeoutMs = 3_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('transactions through the client', () => {
  it('starts a checkout that verifies as pending until it is paid', async () => {
    const reference = aTransactionReference()
    const checkout = await client.initializeTransaction({
      email: 'buyer@example.test',
      amount: 1_250_000,
      currency: 'NGN',
      reference,
      callbackUrl: 'http://localhost:8080/checkout/done',
    })
    expect(checkout.reference).toBe(reference)
    expect(checkout.authorizationUrl).toBe(`${sandbox.url}/checkout/${checkout.accessCode}`)
    const transaction = await client.verifyTransaction(reference)
    expect(transaction).toMatchObject({ reference, status: 'pending', amount: 1_250_000 })
  })

  it('verifies a paid transaction as success, in kobo, with its card and metadata', async () => {
    const reference = await aPaidTransaction(1_250_000)
    const transaction = await client.verifyTransaction(reference)
    expect(transaction).toMatchObject({
      reference,
      status: 'success',
      amount: 1_250_000,
      currency: 'NGN',
      customer: { email: 'buyer@example.test' },
      authorization: { reusable: true, last4: '4081' },
      metadata: { orderGroupId: 'group-1' },
    })
    expect(transaction.paidAt).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('reports a reused transaction reference as duplicate_reference', async () => {
    const reference = aTransactionReference()
    const input = { email: 'b@example.test', amount: 500_000, currency: 'NGN' as const, reference }
    await client.initializeTransaction(input)
    await expect(client.initializeTransaction(input)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'duplicate_reference',
    })
  })

  it("refuses to verify an unknown reference with Paystack's own message", async () => {
    const error = await client.verifyTransaction('never-used-ref').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PaystackRejectedError)
    expect(error).toMatchObject({
      code: 'paystack_rejected',
      httpStatus: 400,
      message: 'Transaction reference not found',
    })
  })

  it('reports a wrong secret key as paystack_auth', async () => {
    const wrong = new PaystackClient({ secretKey: 'sk_test_wrong', baseUrl: sandbox.url })
    await expect(wrong.fetchBalance()).rejects.toMatchObject({
      kind: 'upstream',
      code: 'paystack_auth',
    })
  })

  it('refuses an amount that is not whole kobo before calling Paystack', async () => {
    await expect(
      client.initializeTransaction({
        email: 'b@example.test',
        amount: 1000.5,
        currency: 'NGN',
        reference: aTransactionReference(),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
  })
})

describe('refunds through the client', () => {
  it('queues a partial refund that reads as processed once settled', async () => {
    const reference = await aPaidTransaction(1_000_000)
    const refund = await client.createRefund({
      transaction: reference,
      amount: 400_000,
      merchantNote: 'Item out of stock',
    })
    expect(refund).toMatchObject({
      transactionReference: reference,
      amount: 400_000,
      status: 'pending',
      merchantNote: 'Item out of stock',
    })
    await sandbox.flush()
    expect(await client.fetchRefund(refund.id)).toMatchObject({
      id: refund.id,
      transactionReference: reference,
      amount: 400_000,
      status: 'processed',
    })
  })

  it('lists the refunds created in a window, newest first, with their amounts', async () => {
    const from = new Date().toISOString()
    const first = await client.createRefund({
      transaction: await aPaidTransaction(500_000),
      amount: 100_000,
    })
    const second = await client.createRefund({ transaction: await aPaidTransaction(700_000) })
    await sandbox.flush()
    const to = new Date(Date.now() + 1_000).toISOString()
    const listed = await client.listRefunds({ from, to, page: 1, perPage: 100 })
    expect(listed.map((refund) => [refund.id, refund.amount, refund.status])).toEqual([
      [second.id, 700_000, 'processed'],
      [first.id, 100_000, 'processed'],
    ])
    const later = new Date(Date.now() + 60_000).toISOString()
    expect(await client.listRefunds({ from: to, to: later, page: 1, perPage: 100 })).toEqual([])
  })

  it('refuses to refund more than was paid', async () => {
    const reference = await aPaidTransaction(600_000)
    await expect(
      client.createRefund({ transaction: reference, amount: 600_001 }),
    ).rejects.toMatchObject({ code: 'paystack_rejected', httpStatus: 400 })
  })
})

describe('banks and recipients through the client', () => {
  it('lists Nigerian banks with the codes recipients need', async () => {
    const banks = await client.listBanks()
    expect(banks.find((bank) => bank.code === '057')).toMatchObject({ name: 'Zenith Bank' })
    expect(banks.every((bank) => bank.currency === 'NGN')).toBe(true)
  })

  it("resolves an account holder's name", async () => {
    const account = await client.resolveAccount({ accountNumber: '0000000000', bankCode: '057' })
    expect(account.accountNumber).toBe('0000000000')
    expect(account.accountName.length).toBeGreaterThan(0)
  })

  it('refuses an account that cannot be resolved', async () => {
    await expect(
      client.resolveAccount({ accountNumber: '3333333333', bankCode: '057' }),
    ).rejects.toMatchObject({ code: 'paystack_rejected', httpStatus: 422 })
  })

  it('returns the same recipient for the same account', async () => {
    const first = await aRecipient('0123456789')
    const second = await aRecipient('0123456789')
    expect(first.recipientCode).toMatch(/^RCP_/)
    expect(second.recipientCode).toBe(first.recipientCode)
    expect(first).toMatchObject({ accountNumber: '0123456789', bankCode: '057', currency: 'NGN' })
  })
})

describe('transfers through the client', () => {
  it('pays a recipient from the balance and verifies the transfer once settled', async () => {
    sandbox.topUp(2_000_000)
    const before = (await client.fetchBalance()).find((b) => b.currency === 'NGN')!.balance
    const recipient = await aRecipient()
    const reference = aTransferReference()
    const transfer = await client.initiateTransfer({
      amount: 750_000,
      recipient: recipient.recipientCode,
      reference,
      reason: 'Weekly payout',
      currency: 'NGN',
    })
    expect(transfer).toMatchObject({ reference, amount: 750_000, status: 'pending' })
    expect(transfer.transferCode).toMatch(/^TRF_/)
    await sandbox.flush()
    const verified = await client.verifyTransfer(reference)
    expect(verified).toMatchObject({
      status: 'success',
      recipient: { recipientCode: recipient.recipientCode },
    })
    const after = (await client.fetchBalance()).find((b) => b.currency === 'NGN')!.balance
    expect(before - after).toBe(750_000)
  })

  it('reports a reused transfer reference as duplicate_reference', async () => {
    sandbox.topUp(1_000_000)
    const recipient = await aRecipient()
    const input = {
      amount: 100_000,
      recipient: recipient.recipientCode,
      reference: aTransferReference(),
      reason: 'Payout',
      currency: 'NGN' as const,
    }
    await client.initiateTransfer(input)
    await expect(client.initiateTransfer(input)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'duplicate_reference',
    })
  })

  it('refuses a transfer larger than the balance', async () => {
    const recipient = await aRecipient()
    const balance = (await client.fetchBalance()).find((b) => b.currency === 'NGN')!.balance
    await expect(
      client.initiateTransfer({
        amount: balance + 100,
        recipient: recipient.recipientCode,
        reference: aTransferReference(),
        reason: 'Payout',
        currency: 'NGN',
      }),
    ).rejects.toMatchObject({
      code: 'paystack_rejected',
      message: 'Your balance is not enough to fulfil this request',
    })
  })

  it("refuses a transfer reference outside Paystack's rule before calling Paystack", async () => {
    for (const reference of ['short_ref_15chr', 'a'.repeat(51), 'Payout_With_Capitals_1']) {
      await expect(
        client.initiateTransfer({
          amount: 100_000,
          recipient: 'RCP_whatever',
          reference,
          reason: 'Payout',
          currency: 'NGN',
        }),
      ).rejects.toMatchObject({ code: 'invalid_transfer_reference' })
    }
  })

  it('queues several transfers in one bulk call', async () => {
    sandbox.topUp(1_000_000)
    const one = await aRecipient('1234567890')
    const two = await aRecipient('2345678901')
    const references = [aTransferReference(), aTransferReference()]
    const items = await client.initiateBulkTransfer([
      {
        amount: 100_000,
        recipient: one.recipientCode,
        reference: references[0]!,
        reason: 'Payout',
        currency: 'NGN',
      },
      {
        amount: 200_000,
        recipient: two.recipientCode,
        reference: references[1]!,
        reason: 'Payout',
        currency: 'NGN',
      },
    ])
    expect(items.map((item) => [item.reference, item.amount, item.status])).toEqual([
      [references[0], 100_000, 'pending'],
      [references[1], 200_000, 'pending'],
    ])
  })

  it('reports a bulk call that reuses a reference as duplicate_reference', async () => {
    sandbox.topUp(1_000_000)
    const recipient = await aRecipient()
    const reference = aTransferReference()
    const item = {
      amount: 100_000,
      recipient: recipient.recipientCode,
      reference,
      reason: 'Payout',
      currency: 'NGN' as const,
    }
    await client.initiateTransfer(item)
    await expect(client.initiateBulkTransfer([item])).rejects.toMatchObject({
      code: 'duplicate_reference',
    })
  })

  it('finalizes a transfer that waits for an OTP', async () => {
    sandbox.topUp(1_000_000)
    const recipient = await aRecipient()
    expect((await raw('POST', '/transfer/enable_otp')).status).toBe(200)
    try {
      const transfer = await client.initiateTransfer({
        amount: 100_000,
        recipient: recipient.recipientCode,
        reference: aTransferReference(),
        reason: 'Payout',
        currency: 'NGN',
      })
      expect(transfer.status).toBe('otp')
      const finalized = await client.finalizeTransfer({
        transferCode: transfer.transferCode,
        otp: '123456',
      })
      expect(finalized).toMatchObject({ transferCode: transfer.transferCode, status: 'pending' })
    } finally {
      await raw('POST', '/transfer/disable_otp')
      await raw('POST', '/transfer/disable_otp_finalize', { body: { otp: '123456' } })
    }
  })
})

describe('the sandbox against the reference facts', () => {
  it('wraps every answer in { status, message, data }', async () => {
    const { status, body } = await raw('GET', '/balance')
    expect(status).toBe(200)
    expect(body).toMatchObject({ status: true, message: expect.any(String) })
    expect(Array.isArray(body.data)).toBe(true)
  })

  it('answers a reused transaction reference with 400 and the documented error envelope', async () => {
    const reference = aTransactionReference()
    const body = { email: 'b@example.test', amount: 500_000, reference }
    expect((await raw('POST', '/transaction/initialize', { body })).status).toBe(200)
    const again = await raw('POST', '/transaction/initialize', { body })
    expect(again).toEqual({
      status: 400,
      body: {
        status: false,
        message: 'Duplicate Transaction Reference',
        meta: { nextStep: expect.any(String) },
        type: 'validation_error',
        code: 'duplicate_reference',
      },
    })
  })

  it('answers 401 Invalid key for a wrong secret key', async () => {
    expect(await raw('GET', '/balance', { authorization: 'Bearer sk_test_nope' })).toEqual({
      status: 401,
      body: { status: false, message: 'Invalid key' },
    })
  })

  it('answers 401 when the Authorization header is missing', async () => {
    const { status, body } = await raw('GET', '/balance', { authorization: null })
    expect(status).toBe(401)
    expect(body).toEqual({ status: false, message: 'No Authorization Header was found' })
  })

  it('takes transfer references of 16 to 50 characters of [a-z0-9_-] only', async () => {
    sandbox.topUp(1_000_000)
    const { recipientCode } = await aRecipient()
    const transfer = (reference: string) =>
      raw('POST', '/transfer', {
        body: {
          source: 'balance',
          amount: 10_000,
          recipient: recipientCode,
          reference,
          reason: 'x',
        },
      })
    const suffix = randomBytes(4).toString('hex')
    expect((await transfer(`a${suffix}`.padEnd(15, '0'))).status).toBe(400)
    expect((await transfer(`b${suffix}`.padEnd(51, '0'))).status).toBe(400)
    expect((await transfer(`C${suffix}`.padEnd(20, '0'))).body.message).toBe(
      'Your reference contains illegal special characters',
    )
    expect((await transfer(`d-${suffix}_`.padEnd(16, '0'))).status).toBe(200)
    expect((await transfer(`e-${suffix}_`.padEnd(50, '0'))).status).toBe(200)
  })

  it('keeps amounts in kobo: a paid charge credits the balance by exactly its amount', async () => {
    const before = (await client.fetchBalance()).find((b) => b.currency === 'NGN')!.balance
    await aPaidTransaction(1_234_567)
    const after = (await client.fetchBalance()).find((b) => b.currency === 'NGN')!.balance
    expect(after - before).toBe(1_234_567)
  })
})

describe("the sandbox's webhooks", () => {
  async function deliveredCharge() {
    const reference = await aPaidTransaction()
    await sandbox.idle()
    return until(() =>
      received.find(
        (r) => r.event === 'charge.success' && r.raw.toString('utf8').includes(reference),
      ),
    )
  }

  it('signs each event with the HMAC-SHA512 of the exact body bytes', async () => {
    const delivery = await deliveredCharge()
    expect(delivery.signature).toMatch(/^[0-9a-f]{128}$/)
    expect(verifyPaystackSignature(secretKey, delivery.raw, delivery.signature)).toBe(true)
  })

  it('fails verification for a body changed by one byte', async () => {
    const delivery = await deliveredCharge()
    const tampered = Buffer.from(delivery.raw)
    const at = tampered.indexOf('"amount":') + '"amount":'.length
    tampered[at] = tampered[at] === 0x39 ? 0x38 : tampered[at]! + 1
    expect(verifyPaystackSignature(secretKey, tampered, delivery.signature)).toBe(false)
  })

  it('retries a delivery until it gets a 200', async () => {
    failuresToAnswer = 2
    const reference = await aPaidTransaction()
    const delivery = await until(() => {
      const found = sandbox
        .deliveries()
        .find((d) => d.event === 'charge.success' && d.body.includes(reference))
      return found?.status === 'delivered' ? found : undefined
    })
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200])
  })
})
