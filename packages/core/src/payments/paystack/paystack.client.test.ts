import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from '@jest/globals'
import { pino } from 'pino'
import { PaystackClient } from './paystack.client.js'
import { PaystackRejectedError } from './paystack.errors.js'

// The failure modes the sandbox never produces: a Paystack (or something posing as one at the
// base URL) that hangs, lies about its shape, redirects, or echoes our key back.

type Handler = (request: IncomingMessage, response: ServerResponse) => void

const secretKey = `sk_test_${randomBytes(20).toString('hex')}`
const opened: { close(): Promise<void> }[] = []

async function aServer(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0
  const server = createServer((request, response) => {
    hits++
    handler(request, response)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  opened.push({
    close: () => {
      server.closeAllConnections()
      return new Promise<void>((done) => server.close(() => done()))
    },
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits }
}

const answering = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  aServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(typeof body === 'string' ? body : JSON.stringify(body))
  })

afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()))
})

const clientFor = (url: string, timeoutMs = 2_000) =>
  new PaystackClient({ secretKey, baseUrl: url, timeoutMs })

describe('PaystackClient against a misbehaving Paystack', () => {
  it('gives up after its timeout with paystack_unavailable', async () => {
    const { url } = await aServer(() => {
      // never answers
    })
    const started = Date.now()
    await expect(clientFor(url, 200).fetchBalance()).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'paystack_unavailable',
    })
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('reports a Paystack it cannot reach as paystack_unavailable', async () => {
    const { url } = await answering(200, {})
    await Promise.all(opened.splice(0).map((server) => server.close()))
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_unavailable',
    })
  })

  it('treats a success envelope around unexpected data as paystack_bad_response', async () => {
    const { url } = await answering(200, { status: true, message: 'ok', data: { foo: 1 } })
    await expect(clientFor(url).verifyTransaction('ref-1')).rejects.toMatchObject({
      kind: 'upstream',
      code: 'paystack_bad_response',
    })
  })

  it('treats a body that is not JSON as paystack_bad_response', async () => {
    const { url } = await answering(200, '<html>maintenance</html>')
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_bad_response',
    })
  })

  it('cuts off an answer that streams on past 5 MiB with paystack_bad_response', async () => {
    let written = 0
    const { url } = await aServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      // An answer with no end: only the client giving up stops it.
      const more = () => {
        if (response.destroyed || written > 256 * 1024 * 1024) return
        written += chunk.byteLength
        response.write(chunk, () => setImmediate(more))
      }
      more()
    })
    await expect(clientFor(url, 10_000).fetchBalance()).rejects.toMatchObject({
      kind: 'upstream',
      code: 'paystack_bad_response',
      message: 'Paystack sent an oversized answer',
    })
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('treats status false on an HTTP 200 as a refusal, never a success', async () => {
    const { url } = await answering(200, { status: false, message: 'Transaction not allowed' })
    const error = await clientFor(url)
      .fetchBalance()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PaystackRejectedError)
    expect(error).toMatchObject({ code: 'paystack_rejected', message: 'Transaction not allowed' })
  })

  it("carries Paystack's message and code on a 400 refusal", async () => {
    const { url } = await answering(400, {
      status: false,
      message: 'Recipient specified is invalid',
      type: 'validation_error',
      code: 'invalid_transfer_recipient',
    })
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_rejected',
      message: 'Recipient specified is invalid',
      httpStatus: 400,
      paystackCode: 'invalid_transfer_recipient',
    })
  })

  it('maps an HTTP 503 to paystack_unavailable', async () => {
    const { url } = await answering(503, 'Service Unavailable')
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_unavailable',
    })
  })

  it('maps an HTTP 429 to paystack_unavailable', async () => {
    const { url } = await answering(429, {
      status: false,
      message: 'Please wait a few minutes and try again.',
    })
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_unavailable',
    })
  })

  it('maps an HTTP 401 to paystack_auth', async () => {
    const { url } = await answering(401, { status: false, message: 'Invalid key' })
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({ code: 'paystack_auth' })
  })

  it('does not follow a redirect', async () => {
    const elsewhere = await answering(200, { status: true, message: 'ok', data: [] })
    const { url } = await answering(302, '', { location: `${elsewhere.url}/balance` })
    await expect(clientFor(url).fetchBalance()).rejects.toMatchObject({
      code: 'paystack_bad_response',
    })
    expect(elsewhere.hits()).toBe(0)
  })

  it('sends the key as a Bearer token and bodies as JSON with a content type', async () => {
    let seen: { authorization?: string; contentType?: string; body?: string } = {}
    const { url } = await aServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        seen = {
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({
            status: true,
            message: 'Authorization URL created',
            data: {
              authorization_url: 'https://checkout.paystack.com/abc',
              access_code: 'abc',
              reference: 'ord-1',
            },
          }),
        )
      })
    })
    await clientFor(url).initializeTransaction({
      email: 'b@example.test',
      amount: 500_000,
      currency: 'NGN',
      reference: 'ord-1',
      callbackUrl: 'http://localhost:8080/done',
    })
    expect(seen.authorization).toBe(`Bearer ${secretKey}`)
    expect(seen.contentType).toBe('application/json')
    expect(JSON.parse(seen.body ?? '')).toEqual({
      email: 'b@example.test',
      amount: 500_000,
      currency: 'NGN',
      reference: 'ord-1',
      callback_url: 'http://localhost:8080/done',
    })
  })
})

describe('the secret key', () => {
  it('never appears in an error or a log line, even when Paystack echoes it', async () => {
    const lines: string[] = []
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk))
          done()
        },
      }),
    )
    const echo = await aServer((request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({ status: false, message: `Bad header ${request.headers.authorization}` }),
      )
    })
    const hanging = await aServer(() => {})
    const unauthorized = await answering(401, { status: false, message: 'Invalid key' })
    const broken = await answering(500, 'oops')
    const calls = [echo, hanging, unauthorized, broken].map(({ url }) =>
      new PaystackClient({ secretKey, baseUrl: url, timeoutMs: 200, logger }).fetchBalance(),
    )
    const errors = await Promise.all(calls.map((call) => call.catch((e: unknown) => e)))

    expect(errors).toHaveLength(4)
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error)
      expect(inspect(error)).not.toContain(secretKey)
      expect(JSON.stringify(error)).not.toContain(secretKey)
    }
    expect((errors[0] as Error).message).toBe('Bad header Bearer [redacted]')
    expect(lines.length).toBeGreaterThanOrEqual(4)
    expect(lines.join('\n')).not.toContain(secretKey)
  })

  it('is not visible when the client itself is logged or inspected', () => {
    const client = clientFor('http://127.0.0.1:9')
    expect(inspect(client, { depth: 5, showHidden: true })).not.toContain(secretKey)
    expect(JSON.stringify(client)).not.toContain(secretKey)
  })
})

describe("PaystackClient reading a transfer's fee_charged", () => {
  const verifyAnswer = (extra: Record<string, unknown>) => ({
    status: true,
    message: 'Transfer retrieved',
    data: {
      id: 1,
      transfer_code: 'TRF_abc',
      reference: 'payout-fee-read-0001',
      amount: 500_000,
      currency: 'NGN',
      status: 'success',
      recipient: {
        id: 2,
        recipient_code: 'RCP_abc',
        name: 'Seller',
        currency: 'NGN',
        active: true,
        details: { account_number: null, account_name: null, bank_code: '058', bank_name: null },
      },
      ...extra,
    },
  })
  const feeOf = async (extra: Record<string, unknown>) => {
    const { url } = await answering(200, verifyAnswer(extra))
    return (await clientFor(url).verifyTransfer('payout-fee-read-0001')).feeCharged
  }

  it('reads the fee in subunits, as a number or a string of digits', async () => {
    expect(await feeOf({ fee_charged: 2_500 })).toBe(2_500)
    expect(await feeOf({ fee_charged: '2500' })).toBe(2_500)
  })

  it('reads an absent, null or malformed fee as 0 and still reads the transfer', async () => {
    expect(await feeOf({})).toBe(0)
    expect(await feeOf({ fee_charged: null })).toBe(0)
    expect(await feeOf({ fee_charged: -5 })).toBe(0)
    expect(await feeOf({ fee_charged: '25.00' })).toBe(0)
  })
})
