import {
  paystackListEnvelope,
  paystackWebhookEventSchema,
  planDataSchema,
  subscriptionDataSchema,
  transactionInitializeDataSchema,
} from './index.js'
import { dataOf, harnessForSuite, paidTransaction } from './test-support/sandbox-client.js'

const h = harnessForSuite()

async function plan(amount = 500_000) {
  const response = await h.api.post('/plan', { name: 'Seller Pro', amount, interval: 'monthly' })
  return dataOf(response, planDataSchema)
}

async function events() {
  await h.sandbox.idle()
  return h.receiver.received.map((r) =>
    paystackWebhookEventSchema.parse(JSON.parse(r.raw.toString('utf8'))),
  )
}

describe('/plan', () => {
  it('creates, fetches and lists plans', async () => {
    const response = await h.api.post('/plan', {
      name: 'Seller Pro',
      amount: 500_000,
      interval: 'monthly',
      invoice_limit: 12,
    })
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ message: 'Plan created' })
    const created = dataOf(response, planDataSchema)
    expect(created).toMatchObject({ interval: 'monthly', invoice_limit: 12, currency: 'NGN' })
    const fetched = await h.api.get(`/plan/${created.plan_code}`)
    expect(dataOf(fetched, planDataSchema).id).toBe(created.id)
    const list = paystackListEnvelope(planDataSchema).parse((await h.api.get('/plan')).body)
    expect(list.data.map((p) => p.plan_code)).toEqual([created.plan_code])
  })

  it('refuses an interval Paystack does not offer and answers 404 for an unknown plan', async () => {
    const bad = await h.api.post('/plan', { name: 'X', amount: 500_000, interval: 'fortnightly' })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ message: expect.stringContaining('Interval') })
    expect((await h.api.get('/plan/PLN_nothing')).status).toBe(404)
  })
})

describe('/subscription', () => {
  it('subscribes a customer who pays a checkout for a plan', async () => {
    const pro = await plan()
    const init = await h.api.post('/transaction/initialize', {
      email: 'seller@example.com',
      amount: 1,
      plan: pro.plan_code,
    })
    const { access_code } = dataOf(init, transactionInitializeDataSchema)
    await h.api.form(`/checkout/${access_code}`, { action: 'success' })
    expect((await events()).map((e) => e.event)).toEqual(['charge.success', 'subscription.create'])
    const [transaction] = h.sandbox.state.transactions
    expect(transaction?.amount).toBe(500_000)
    const list = paystackListEnvelope(subscriptionDataSchema).parse(
      (await h.api.get('/subscription?customer=seller@example.com')).body,
    )
    expect(list.data).toHaveLength(1)
    expect(list.data[0]).toMatchObject({ status: 'active', amount: 500_000 })
  })

  it('creates a subscription from a saved card, charging it and raising invoice events', async () => {
    const pro = await plan()
    await paidTransaction(h, { email: 'seller@example.com' })
    h.receiver.received.length = 0
    const response = await h.api.post('/subscription', {
      customer: 'seller@example.com',
      plan: pro.plan_code,
    })
    expect(response.status).toBe(200)
    const created = dataOf(response, subscriptionDataSchema)
    expect(created.subscription_code).toMatch(/^SUB_/)
    expect((await events()).map((e) => e.event)).toEqual([
      'subscription.create',
      'invoice.create',
      'charge.success',
      'invoice.update',
    ])
    const fetched = dataOf(
      await h.api.get(`/subscription/${created.subscription_code}`),
      subscriptionDataSchema,
    )
    expect(fetched.next_payment_date).not.toBeNull()
  })

  it('reports a failed renewal with invoice.payment_failed and puts the subscription in attention', async () => {
    const pro = await plan()
    const paid = await paidTransaction(h, { email: 'seller@example.com' })
    const created = dataOf(
      await h.api.post('/subscription', {
        customer: 'seller@example.com',
        plan: pro.plan_code,
        start_date: '2030-01-01T00:00:00.000Z',
      }),
      subscriptionDataSchema,
    )
    await h.api.post(`/__sandbox/authorizations/${paid.authorizationCode}/outcome`, {
      outcome: 'decline',
    })
    h.receiver.received.length = 0
    const renewed = await h.api.post(`/__sandbox/subscriptions/${created.subscription_code}/renew`)
    expect(renewed.body).toMatchObject({ data: { status: 'failed', paid: false } })
    expect((await events()).map((e) => e.event)).toEqual([
      'invoice.create',
      'invoice.update',
      'invoice.payment_failed',
    ])
    const fetched = dataOf(
      await h.api.get(`/subscription/${created.subscription_code}`),
      subscriptionDataSchema,
    )
    expect(fetched.status).toBe('attention')
  })

  it('refuses a subscription for a customer without a saved card', async () => {
    const pro = await plan()
    await h.api.post('/transaction/initialize', { email: 'new@example.com', amount: 500_000 })
    const response = await h.api.post('/subscription', {
      customer: 'new@example.com',
      plan: pro.plan_code,
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'This customer has no saved authorizations' })
  })

  it('disables a subscription with its email token and sends subscription.disable', async () => {
    const pro = await plan()
    await paidTransaction(h, { email: 'seller@example.com' })
    const created = dataOf(
      await h.api.post('/subscription', { customer: 'seller@example.com', plan: pro.plan_code }),
      subscriptionDataSchema,
    )
    const wrongToken = await h.api.post('/subscription/disable', {
      code: created.subscription_code,
      token: 'wrong',
    })
    expect(wrongToken.status).toBe(404)
    const disabled = await h.api.post('/subscription/disable', {
      code: created.subscription_code,
      token: created.email_token,
    })
    expect(disabled.body).toMatchObject({
      status: true,
      message: 'Subscription disabled successfully',
    })
    const last = (await events()).at(-1)
    expect(last).toMatchObject({ event: 'subscription.disable', data: { status: 'cancelled' } })
    const enabled = await h.api.post('/subscription/enable', {
      code: created.subscription_code,
      token: created.email_token,
    })
    expect(enabled.status).toBe(200)
    expect(h.sandbox.state.subscriptions[0]?.status).toBe('active')
  })

  it('answers 404 for an unknown subscription', async () => {
    const response = await h.api.get('/subscription/SUB_nothing')
    expect(response.status).toBe(404)
  })
})

describe('subscription control endpoints', () => {
  async function subscribed() {
    const pro = await plan()
    await paidTransaction(h, { email: 'seller@example.com' })
    const created = dataOf(
      await h.api.post('/subscription', {
        customer: 'seller@example.com',
        plan: pro.plan_code,
        start_date: '2030-01-01T00:00:00.000Z',
      }),
      subscriptionDataSchema,
    )
    await h.sandbox.idle()
    return created
  }

  it('fails one renewal with the given outcome and keeps the card good for the next', async () => {
    const created = await subscribed()
    h.receiver.received.length = 0
    const failed = await h.api.post(`/__sandbox/subscriptions/${created.subscription_code}/renew`, {
      outcome: 'insufficient_funds',
    })
    expect(failed.body).toMatchObject({ data: { status: 'failed', paid: false } })
    expect((await events()).map((e) => e.event)).toContain('invoice.payment_failed')
    const paid = await h.api.post(`/__sandbox/subscriptions/${created.subscription_code}/renew`)
    expect(paid.body).toMatchObject({ data: { status: 'success', paid: true } })
    expect(h.sandbox.state.subscriptions[0]?.status).toBe('active')
  })

  it('turns renewals off as the manage page does, sending subscription.not_renew', async () => {
    const created = await subscribed()
    h.receiver.received.length = 0
    const response = await h.api.post(
      `/__sandbox/subscriptions/${created.subscription_code}/not-renew`,
    )
    expect(response.body).toMatchObject({ data: { status: 'non-renewing' } })
    expect((await events()).map((e) => e.event)).toEqual(['subscription.not_renew'])
    const again = await h.api.post(
      `/__sandbox/subscriptions/${created.subscription_code}/not-renew`,
    )
    expect(again.status).toBe(400)
  })
})
