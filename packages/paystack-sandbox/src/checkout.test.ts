import {
  paystackWebhookEventSchema,
  transactionDataSchema,
  transactionInitializeDataSchema,
  verifySignature,
} from './index.js'
import {
  dataOf,
  eventually,
  harnessForSuite,
  SECRET,
  startHarness,
} from './test-support/sandbox-client.js'

const h = harnessForSuite({ merchantName: 'Kloset Test Shop' })

async function initialize(extra: Record<string, unknown> = {}) {
  const response = await h.api.post('/transaction/initialize', {
    email: 'ada@example.com',
    amount: 1_250_000,
    callback_url: 'https://shop.example/paid?from=checkout',
    ...extra,
  })
  return dataOf(response, transactionInitializeDataSchema)
}

async function verify(reference: string) {
  return dataOf(await h.api.get(`/transaction/verify/${reference}`), transactionDataSchema)
}

describe('checkout page', () => {
  it('shows the formatted amount, merchant, email, test cards and one button per outcome', async () => {
    const { authorization_url } = await initialize()
    const response = await fetch(authorization_url)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const page = await response.text()
    expect(page).toContain('₦12,500.00')
    expect(page).toContain('Kloset Test Shop')
    expect(page).toContain('ada@example.com')
    expect(page).toContain('4084 0840 8408 4081')
    expect(page).toContain('4084 0800 0000 5408')
    for (const action of ['success', 'decline', 'insufficient_funds', 'abandon']) {
      expect(page).toContain(`name="action" value="${action}"`)
    }
    expect(page).toContain('<form method="post"')
    expect(page).not.toMatch(/<(script|link)\b/)
  })

  it('answers 404 for an unknown access code', async () => {
    const response = await fetch(`${h.sandbox.url}/checkout/nothing-here`)
    expect(response.status).toBe(404)
  })

  it('pays, sends a signed charge.success and redirects to the callback with reference and trxref', async () => {
    const { authorization_url, reference } = await initialize()
    const response = await fetch(authorization_url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=success&card=4084084084084081',
      redirect: 'manual',
    })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.origin + location.pathname).toBe('https://shop.example/paid')
    expect(location.searchParams.get('from')).toBe('checkout')
    expect(location.searchParams.get('reference')).toBe(reference)
    expect(location.searchParams.get('trxref')).toBe(reference)

    const [webhook] = await eventually(() => {
      const events = h.receiver.events('charge.success')
      return events.length === 1 && events
    })
    expect(
      verifySignature(SECRET, webhook!.raw, String(webhook!.headers['x-paystack-signature'])),
    ).toBe(true)
    const event = paystackWebhookEventSchema.parse(JSON.parse(webhook!.raw.toString('utf8')))
    expect(event).toMatchObject({ event: 'charge.success', data: { reference, status: 'success' } })
    expect(await verify(reference)).toMatchObject({
      status: 'success',
      gateway_response: 'Successful',
      authorization: { last4: '4081', bin: '408408', reusable: true },
    })
  })

  it('shows a result page instead of redirecting when there is no callback URL', async () => {
    const { access_code, reference } = await initialize({ callback_url: undefined })
    const response = await h.api.form(`/checkout/${access_code}`, { action: 'success' })
    expect(response.status).toBe(200)
    expect(String(response.body)).toContain('Payment successful')
    expect((await verify(reference)).status).toBe('success')
  })

  it('marks a declined payment failed and sends no charge.success', async () => {
    const { access_code, reference } = await initialize()
    const response = await h.api.form(`/checkout/${access_code}`, { action: 'decline' })
    expect(response.status).toBe(200)
    expect(String(response.body)).toContain('Payment failed')
    expect(await verify(reference)).toMatchObject({
      status: 'failed',
      gateway_response: 'Declined',
    })
    await h.sandbox.idle()
    expect(h.receiver.events('charge.success')).toHaveLength(0)
    expect(h.sandbox.state.balances.NGN).toBe(0)
  })

  it('declines when the declining test card is used with the pay button', async () => {
    const { access_code, reference } = await initialize()
    await h.api.form(`/checkout/${access_code}`, { action: 'success', card: '4084080000005408' })
    expect((await verify(reference)).status).toBe('failed')
  })

  it('marks insufficient funds as failed with the matching gateway response', async () => {
    const { access_code, reference } = await initialize()
    await h.api.form(`/checkout/${access_code}`, { action: 'insufficient_funds' })
    expect(await verify(reference)).toMatchObject({
      status: 'failed',
      gateway_response: 'Insufficient Funds',
    })
  })

  it('lets a customer pay after a failed attempt, as Paystack checkout does', async () => {
    const { access_code, reference } = await initialize()
    await h.api.form(`/checkout/${access_code}`, { action: 'decline' })
    const retry = await h.api.form(`/checkout/${access_code}`, { action: 'success' })
    expect(retry.status).toBe(302)
    expect((await verify(reference)).status).toBe('success')
  })

  it('marks an abandoned payment abandoned and follows metadata.cancel_action', async () => {
    const { access_code, reference } = await initialize({
      metadata: { cancel_action: 'https://shop.example/cart' },
    })
    const response = await h.api.form(`/checkout/${access_code}`, { action: 'abandon' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('https://shop.example/cart')
    expect((await verify(reference)).status).toBe('abandoned')
  })

  it('refuses to take a second payment for a paid transaction', async () => {
    const { access_code } = await initialize()
    await h.api.form(`/checkout/${access_code}`, { action: 'success' })
    const again = await h.api.form(`/checkout/${access_code}`, { action: 'success' })
    expect(again.status).toBe(409)
    await h.sandbox.idle()
    expect(h.receiver.events('charge.success')).toHaveLength(1)
  })

  it('refuses a card number that is not a test card', async () => {
    const { access_code, reference } = await initialize()
    const response = await h.api.form(`/checkout/${access_code}`, {
      action: 'success',
      card: '4111111111111111',
    })
    expect(response.status).toBe(400)
    expect((await verify(reference)).status).toBe('pending')
  })
})

describe('transaction control endpoints', () => {
  it('completes a transaction without the page and credits the balance net of fees', async () => {
    const withFees = await startHarness({ feeModel: 'paystack' })
    try {
      const init = await withFees.api.post('/transaction/initialize', {
        email: 'ada@example.com',
        amount: 1_250_000,
      })
      const { reference } = dataOf(init, transactionInitializeDataSchema)
      const response = await withFees.api.post(`/__sandbox/transactions/${reference}/succeed`, {})
      expect(response.status).toBe(200)
      // 1.5% of ₦12,500 plus ₦100 = ₦287.50
      expect(dataOf(response, transactionDataSchema)).toMatchObject({
        status: 'success',
        fees: 28_750,
      })
      expect(withFees.sandbox.state.balances.NGN).toBe(1_250_000 - 28_750)
    } finally {
      await withFees.close()
    }
  })

  it('fails and abandons transactions on request', async () => {
    const first = await initialize()
    const second = await initialize()
    await h.api.post(`/__sandbox/transactions/${first.reference}/fail`, {
      reason: 'insufficient_funds',
    })
    await h.api.post(`/__sandbox/transactions/${second.reference}/abandon`)
    expect((await verify(first.reference)).gateway_response).toBe('Insufficient Funds')
    expect((await verify(second.reference)).status).toBe('abandoned')
  })

  it('gives each customer email its own card signature for the same test card, the same on every payment', async () => {
    const signatureOf = async (email: string, body: Record<string, unknown> = {}) => {
      const { reference } = await initialize({ email })
      await h.api.post(`/__sandbox/transactions/${reference}/succeed`, body)
      return (await verify(reference)).authorization?.signature
    }
    const ada = await signatureOf('ada@example.com')
    expect(ada).toMatch(/^SIG_[0-9a-f]{20}$/)
    expect(await signatureOf('ada@example.com')).toBe(ada)
    expect(await signatureOf('bola@example.com')).not.toBe(ada)
  })

  it('uses the signature a payer passes, so two customers can share one physical card', async () => {
    const shared = 'SIG_one_stolen_card'
    const { reference } = await initialize({ email: 'chidi@example.com' })
    await h.api.post(`/__sandbox/transactions/${reference}/succeed`, { signature: shared })
    const other = await initialize({ email: 'dayo@example.com' })
    const page = await fetch(other.authorization_url)
    const form = /<form method="post" action="([^"]+)"/.exec(await page.text())![1]!
    await fetch(new URL(form.replaceAll('&amp;', '&'), other.authorization_url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'success', signature: shared }).toString(),
      redirect: 'manual',
    })
    expect((await verify(reference)).authorization?.signature).toBe(shared)
    expect((await verify(other.reference)).authorization?.signature).toBe(shared)
  })

  it('refuses to succeed a transaction with a card that never succeeds', async () => {
    const { reference } = await initialize()
    const response = await h.api.post(`/__sandbox/transactions/${reference}/succeed`, {
      card: '4084080000005408',
    })
    expect(response.status).toBe(400)
  })
})
