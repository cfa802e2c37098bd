import {
  DESIGNATED_ACCOUNTS,
  paystackWebhookEventSchema,
  recipientDataSchema,
  transferDetailDataSchema,
  transferFee,
} from './index.js'
import { dataOf, type Harness, startHarness } from './test-support/sandbox-client.js'

// Paystack's fee on transfers from the balance, with the `paystack` fee model.
let h: Harness

beforeAll(async () => {
  h = await startHarness({ feeModel: 'paystack' })
})
afterAll(() => h.close())
beforeEach(() => h.fresh())

async function send(
  amount: number,
  reference: string,
  account: string = DESIGNATED_ACCOUNTS.success,
) {
  const to = dataOf(
    await h.api.post('/transferrecipient', {
      type: 'nuban',
      name: 'Seller One',
      account_number: account,
      bank_code: '057',
    }),
    recipientDataSchema,
  )
  return h.api.post('/transfer', {
    source: 'balance',
    amount,
    recipient: to.recipient_code,
    reference,
  })
}

describe('transferFee', () => {
  it("charges Paystack's NGN tiers: ₦10 up to ₦5,000, ₦25 up to ₦50,000, ₦50 above", () => {
    expect(transferFee(100, 'NGN', 'paystack')).toBe(1_000)
    expect(transferFee(500_000, 'NGN', 'paystack')).toBe(1_000)
    expect(transferFee(500_001, 'NGN', 'paystack')).toBe(2_500)
    expect(transferFee(5_000_000, 'NGN', 'paystack')).toBe(2_500)
    expect(transferFee(5_000_001, 'NGN', 'paystack')).toBe(5_000)
  })

  it('charges nothing with the none fee model', () => {
    expect(transferFee(5_000_001, 'NGN', 'none')).toBe(0)
  })
})

describe('transfer fees', () => {
  it('takes the fee from the balance with the amount and reports it as fee_charged', async () => {
    h.sandbox.topUp(2_000_000)
    expect((await send(1_500_000, 'payout-fee-ok-000000')).status).toBe(200)
    expect(h.sandbox.state.balances.NGN).toBe(2_000_000 - 1_500_000 - 2_500)
    await h.sandbox.flush()
    const verified = dataOf(
      await h.api.get('/transfer/verify/payout-fee-ok-000000'),
      transferDetailDataSchema,
    )
    expect(verified).toMatchObject({ status: 'success', fee_charged: 2_500 })
    const events = h.receiver.received
      .filter((r) => r.event === 'transfer.success')
      .map((r) => paystackWebhookEventSchema.parse(JSON.parse(r.raw.toString('utf8'))))
    expect(events[0]?.data).toMatchObject({ fee_charged: 2_500 })
    expect(h.sandbox.state.balances.NGN).toBe(2_000_000 - 1_500_000 - 2_500)
  })

  it('refuses a transfer the balance covers without its fee', async () => {
    h.sandbox.topUp(500_000)
    const response = await send(500_000, 'payout-fee-short-00')
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Your balance is not enough to fulfil this request',
    })
    expect(h.sandbox.state.balances.NGN).toBe(500_000)
  })

  it('gives the fee back with the amount when the transfer fails', async () => {
    h.sandbox.topUp(1_000_000)
    await send(1_000_000 - 2_500, 'payout-fee-fail-000', DESIGNATED_ACCOUNTS.transferFails)
    await h.sandbox.flush()
    expect(h.sandbox.state.balances.NGN).toBe(1_000_000)
  })
})
