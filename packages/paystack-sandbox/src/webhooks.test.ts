import { transactionInitializeDataSchema, verifySignature } from './index.js'
import { dataOf, eventually, harnessForSuite, SECRET } from './test-support/sandbox-client.js'

const h = harnessForSuite({ webhookRetrySchedule: [5, 10, 20] })

async function paySomething(reference: string) {
  const init = await h.api.post('/transaction/initialize', {
    email: 'ada@example.com',
    amount: 500_000,
    reference,
  })
  const { access_code } = dataOf(init, transactionInitializeDataSchema)
  await h.api.form(`/checkout/${access_code}`, { action: 'success' })
}

function deliveryLog() {
  return h.sandbox.deliveries()
}

describe('webhook delivery', () => {
  it('signs the exact bytes it sends, as compact JSON', async () => {
    await paySomething('sig-1')
    const [webhook] = await eventually(
      () => h.receiver.received.length === 1 && h.receiver.received,
    )
    const raw = webhook!.raw.toString('utf8')
    expect(raw).toBe(JSON.stringify(JSON.parse(raw)))
    expect(webhook!.headers['content-type']).toBe('application/json')
    const signature = String(webhook!.headers['x-paystack-signature'])
    expect(verifySignature(SECRET, webhook!.raw, signature)).toBe(true)
    const changed = Buffer.from(webhook!.raw)
    changed[changed.length - 2] = (changed[changed.length - 2] ?? 0) ^ 1
    expect(verifySignature(SECRET, changed, signature)).toBe(false)
  })

  it('retries a receiver that does not answer 200 until it does, logging each attempt', async () => {
    h.receiver.statuses.push(500, 201)
    await paySomething('retry-1')
    const delivery = await eventually(() => {
      const found = deliveryLog().find((d) => d.event === 'charge.success')
      return found?.status === 'delivered' && found
    })
    expect(delivery.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 201],
      [3, 200],
    ])
    expect(delivery.attempts[0]).toMatchObject({ url: h.receiver.url, error: null })
    expect(h.receiver.events('charge.success')).toHaveLength(3)
    const bodies = new Set(h.receiver.received.map((r) => r.raw.toString('utf8')))
    expect(bodies.size).toBe(1)
  })

  it('gives up after the last retry of the schedule and marks the delivery failed', async () => {
    h.receiver.statuses.push(500, 500, 500, 500, 500)
    await paySomething('retry-2')
    const delivery = await eventually(() => {
      const found = deliveryLog().find((d) => d.event === 'charge.success')
      return found?.status === 'failed' && found
    })
    expect(delivery.attempts).toHaveLength(4)
  })

  it('records a connection failure as an attempt with an error', async () => {
    h.sandbox.setWebhookUrl('http://127.0.0.1:9/closed')
    await paySomething('refused-1')
    const delivery = await eventually(() => {
      const found = deliveryLog().find((d) => d.event === 'charge.success')
      return found?.status === 'failed' && found
    })
    expect(delivery.attempts[0]).toMatchObject({ statusCode: null, error: expect.any(String) })
  })

  it('logs events as skipped without a webhook URL and replays them once one is set', async () => {
    h.sandbox.setWebhookUrl(null)
    await paySomething('skip-1')
    const [skipped] = deliveryLog()
    expect(skipped).toMatchObject({ event: 'charge.success', status: 'skipped', attempts: [] })

    const setUrl = await h.api.post('/__sandbox/webhook-url', { url: h.receiver.url })
    expect(setUrl.status).toBe(200)
    const replay = await h.api.post(`/__sandbox/deliveries/${skipped!.id}/replay`)
    expect(replay.status).toBe(200)
    expect(replay.body).toMatchObject({ data: { replay_of: skipped!.id, status: 'delivered' } })
    expect(h.receiver.received[0]?.raw.toString('utf8')).toBe(skipped!.body)
  })

  it('lists deliveries through the control API, filtered by event', async () => {
    await paySomething('list-1')
    await h.sandbox.idle()
    const response = await h.api.get('/__sandbox/deliveries?event=charge.success')
    expect(response.body).toMatchObject({
      data: [{ event: 'charge.success', status: 'delivered', attempts: [{ status_code: 200 }] }],
    })
    const none = await h.api.get('/__sandbox/deliveries?event=transfer.success')
    expect(none.body).toMatchObject({ data: [] })
    const missing = await h.api.get('/__sandbox/deliveries/DLV_nothing')
    expect(missing.status).toBe(404)
  })

  it('sends a custom event on request, signed like any other', async () => {
    const response = await h.api.post('/__sandbox/events', {
      event: 'charge.dispute.create',
      data: { id: 1 },
    })
    expect(response.status).toBe(200)
    const [webhook] = h.receiver.events('charge.dispute.create')
    expect(webhook?.data).toEqual({ id: 1 })
    expect(
      verifySignature(SECRET, webhook!.raw, String(webhook!.headers['x-paystack-signature'])),
    ).toBe(true)
  })

  it('refuses a webhook URL that is not a URL', async () => {
    const response = await h.api.post('/__sandbox/webhook-url', { url: 'not a url' })
    expect(response.status).toBe(400)
  })
})
