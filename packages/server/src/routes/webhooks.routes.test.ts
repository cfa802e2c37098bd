import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  type Config,
  PaystackClient,
  type PaystackSettings,
  signPaystackPayload,
} from '@kloset/core'
import { adminCliCtx, createTestWorld, type TestWorld } from '@kloset/core/testing'
import { startSandbox } from '@kloset/paystack-sandbox'
import { startServer } from '../server.js'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'
import { testApiForSuite } from '../test-support/suite.js'

const PATH = '/api/v1/webhooks/paystack'
const secretKey = `sk_test_${randomBytes(20).toString('hex')}`
const paystackSettings = (extra: Partial<PaystackSettings> = {}): Partial<Config> => ({
  paystack: {
    mode: 'test',
    secretKey,
    // Nothing in these tests calls Paystack; the sandbox test builds its own client.
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 2_000,
    sandboxPort: 0,
    ...extra,
  },
})

const { world, http } = testApiForSuite({ config: paystackSettings() })

let counter = 0
const aReference = () => `ord-${Date.now().toString(36)}-${counter++}`

/** A `charge.success` body as Paystack sends it: compact JSON. */
function aChargeBody(reference = aReference(), id = 1_000 + counter) {
  return JSON.stringify({
    event: 'charge.success',
    data: {
      id,
      domain: 'test',
      status: 'success',
      reference,
      amount: 1_250_000,
      currency: 'NGN',
      customer: { id: 1, email: 'buyer@example.test', customer_code: 'CUS_x' },
    },
  })
}

function deliver(body: string | Uint8Array, signature?: string | null, ip?: string) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const sig = signature === undefined ? signPaystackPayload(secretKey, bytes) : signature
  return http.call('POST', PATH, {
    raw: { bytes, contentType: 'application/json' },
    headers: sig === null ? {} : { 'x-paystack-signature': sig },
    ...(ip ? { ip } : {}),
  })
}

const recordedFor = async (reference: string) =>
  (await world.core.payments.list(adminCliCtx(), { limit: 100, reference })).items

describe('POST /api/v1/webhooks/paystack', () => {
  it('answers 200 to a signed event and records it with its derived key', async () => {
    const reference = aReference()
    const res = await deliver(aChargeBody(reference, 4242))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ received: true })
    expect(await recordedFor(reference)).toEqual([
      expect.objectContaining({
        key: 'charge.success:4242:success',
        event: 'charge.success',
        reference,
        status: 'success',
      }),
    ])
  })

  it('records an event delivered five times in a row once, answering 200 each time', async () => {
    const reference = aReference()
    const body = aChargeBody(reference)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await deliver(body)).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200])
    expect(await recordedFor(reference)).toHaveLength(1)
  })

  it('records an event delivered five times at once once, answering 200 each time', async () => {
    const reference = aReference()
    const body = aChargeBody(reference)
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(body)))
    expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200, 200])
    expect(await recordedFor(reference)).toHaveLength(1)
  })

  it('announces a new event once on paystack.event_received', async () => {
    const reference = aReference()
    const seen: unknown[] = []
    const off = world.core.events.on('paystack.event_received', (payload) => {
      if (payload.reference === reference) seen.push(payload)
    })
    const body = aChargeBody(reference, 777_001)
    await Promise.all([deliver(body), deliver(body), deliver(body)])
    await world.core.events.drain()
    off()
    expect(seen).toEqual([
      expect.objectContaining({
        eventKey: 'charge.success:777001:success',
        paystackEvent: 'charge.success',
        reference,
      }),
    ])
  })

  it('refuses a delivery without a signature with 401 and records nothing', async () => {
    const reference = aReference()
    const res = await deliver(aChargeBody(reference), null)
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ error: { code: 'invalid_signature' } })
    expect(await recordedFor(reference)).toEqual([])
  })

  it('refuses a signature made with another key with 401 and records nothing', async () => {
    const reference = aReference()
    const body = aChargeBody(reference)
    const res = await deliver(body, signPaystackPayload('sk_test_someone_else', body))
    expect(res.status).toBe(401)
    expect(await recordedFor(reference)).toEqual([])
  })

  it('refuses a body changed by one byte after signing with 401 and records nothing', async () => {
    const reference = aReference()
    const original = Buffer.from(aChargeBody(reference))
    const signature = signPaystackPayload(secretKey, original)
    const changed = Buffer.from(original.toString('utf8').replace('1250000', '1250001'))
    expect(changed.length).toBe(original.length)
    const res = await deliver(changed, signature)
    expect(res.status).toBe(401)
    expect(await recordedFor(reference)).toEqual([])
  })

  it('refuses a validly signed body that is not JSON with 400 and records nothing', async () => {
    const before = await world.core.payments.list(adminCliCtx(), { limit: 100 })
    const res = await deliver('{"event":"charge.success","data":{')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'invalid_json' } })
    const after = await world.core.payments.list(adminCliCtx(), { limit: 100 })
    expect(after.items.length).toBe(before.items.length)
  })

  it('refuses a validly signed charge.success missing its reference with 400', async () => {
    const body = JSON.stringify({ event: 'charge.success', data: { id: 5, status: 'success' } })
    const res = await deliver(body)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ error: { code: 'invalid_event' } })
  })

  it('accepts a signed body with unusual spacing and key order: no re-serialisation', async () => {
    const reference = aReference()
    const body = `{ "data" : {"currency":"NGN", "amount": 500000, "status":"success",\n "reference":"${reference}", "id": 9} ,"event":"charge.success"}`
    const res = await deliver(body)
    expect(res.status).toBe(200)
    expect(await recordedFor(reference)).toHaveLength(1)
  })

  it('records a signed event we do not model, keyed by its data id', async () => {
    const reference = aReference()
    const body = JSON.stringify({
      event: 'charge.dispute.create',
      data: { id: 31, reference, status: 'awaiting-merchant-feedback' },
    })
    expect((await deliver(body)).status).toBe(200)
    expect(await recordedFor(reference)).toEqual([
      expect.objectContaining({ key: 'charge.dispute.create:31:awaiting-merchant-feedback' }),
    ])
  })

  it('refuses a body over 1 MiB with 413', async () => {
    const body = JSON.stringify({ event: 'charge.success', data: { pad: 'x'.repeat(1024 * 1024) } })
    const res = await deliver(body)
    expect(res.status).toBe(413)
  })
})

describe('POST /api/v1/webhooks/paystack with PAYSTACK_WEBHOOK_IPS', () => {
  let guarded: TestWorld
  let guardedHttp: TestApi
  beforeAll(async () => {
    guarded = await createTestWorld({
      config: paystackSettings({ webhookIps: ['52.31.139.75', '52.49.173.169'] }),
    })
    guardedHttp = createTestApi(guarded)
  })
  afterAll(() => guarded.close())

  const deliverFrom = (ip: string, body: string) =>
    guardedHttp.call('POST', PATH, {
      raw: { bytes: body, contentType: 'application/json' },
      headers: { 'x-paystack-signature': signPaystackPayload(secretKey, body) },
      ip,
    })

  it('refuses a validly signed delivery from another address with 403 and records nothing', async () => {
    const reference = aReference()
    const res = await deliverFrom('203.0.113.9', aChargeBody(reference))
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ error: { code: 'webhook_source_forbidden' } })
    const recorded = await guarded.core.payments.list(adminCliCtx(), { limit: 10, reference })
    expect(recorded.items).toEqual([])
  })

  it('accepts a delivery from a listed address, also in its IPv4-mapped IPv6 form', async () => {
    expect((await deliverFrom('52.31.139.75', aChargeBody())).status).toBe(200)
    expect((await deliverFrom('::ffff:52.49.173.169', aChargeBody())).status).toBe(200)
  })
})

describe('a real delivery from the sandbox to the running server', () => {
  it('records the charge.success the sandbox sends when a checkout is paid', async () => {
    const running = await startServer(world.core, { port: 0, host: '127.0.0.1' })
    const port = new URL(running.url).port
    const sandbox = await startSandbox({
      secretKey,
      webhookUrl: `http://127.0.0.1:${port}${PATH}`,
      transferDelayMs: 0,
      refundDelayMs: 0,
      feeModel: 'none',
      webhookRetrySchedule: [10, 20],
    })
    try {
      const client = new PaystackClient({ secretKey, baseUrl: sandbox.url, timeoutMs: 5_000 })
      const reference = aReference()
      await client.initializeTransaction({
        email: 'buyer@example.test',
        amount: 1_250_000,
        currency: 'NGN',
        reference,
      })
      const paid = await fetch(`${sandbox.url}/__sandbox/transactions/${reference}/succeed`, {
        method: 'POST',
      })
      expect(paid.status).toBe(200)
      await sandbox.idle()
      const delivery = sandbox.deliveries().find((d) => d.body.includes(reference))
      expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([200])
      const { id } = await client.verifyTransaction(reference)
      expect(await recordedFor(reference)).toEqual([
        expect.objectContaining({ key: `charge.success:${id}:success`, reference }),
      ])
    } finally {
      await sandbox.stop()
      await running.close()
    }
  })
})
