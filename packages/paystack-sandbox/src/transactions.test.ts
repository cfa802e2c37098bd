import {
  paginationMetaSchema,
  paystackErrorSchema,
  paystackListEnvelope,
  transactionDataSchema,
  transactionInitializeDataSchema,
} from './index.js'
import {
  dataOf,
  eventually,
  harnessForSuite,
  paidTransaction,
} from './test-support/sandbox-client.js'

let clock = new Date('2026-03-01T10:00:00.000Z')
const h = harnessForSuite({ now: () => clock })
beforeEach(async () => {
  clock = new Date('2026-03-01T10:00:00.000Z')
})

describe('authentication', () => {
  it('refuses a request without an Authorization header', async () => {
    const response = await h.api.get('/transaction', null)
    expect(response.status).toBe(401)
    expect(response.body).toEqual({ status: false, message: 'No Authorization Header was found' })
  })

  it('refuses a malformed Authorization header', async () => {
    const response = await fetch(`${h.sandbox.url}/transaction`, {
      headers: { authorization: `Token ${h.sandbox.secretKey}` },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      status: false,
      message: 'Format is Authorization Bearer [secret key]',
    })
  })

  it('refuses a wrong secret key', async () => {
    const response = await h.api.get('/transaction', 'sk_test_wrong')
    expect(response.status).toBe(401)
    expect(response.body).toEqual({ status: false, message: 'Invalid key' })
  })

  it('answers 404 for a path Paystack does not have', async () => {
    const response = await h.api.get('/charges')
    expect(response.status).toBe(404)
    expect(paystackErrorSchema.parse(response.body).status).toBe(false)
  })
})

describe('POST /transaction/initialize', () => {
  it('returns a checkout link on the sandbox itself, an access code and the reference', async () => {
    const response = await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 1_250_000,
      reference: 'order-1001',
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ status: true, message: 'Authorization URL created' })
    const data = dataOf(response, transactionInitializeDataSchema)
    expect(data.reference).toBe('order-1001')
    expect(data.authorization_url).toBe(`${h.sandbox.url}/checkout/${data.access_code}`)
  })

  it('generates a reference when none is sent and accepts form-encoded numeric strings', async () => {
    const response = await h.api.form('/transaction/initialize', {
      email: 'ada@example.com',
      amount: '500000',
      currency: 'NGN',
    })
    expect(response.status).toBe(200)
    expect(dataOf(response, transactionInitializeDataSchema).reference).toMatch(/^[a-z0-9]{10}$/)
  })

  it('refuses a reused reference with duplicate_reference', async () => {
    const body = { email: 'ada@example.com', amount: 500_000, reference: 'dup-ref' }
    await h.api.post('/transaction/initialize', body)
    const response = await h.api.post('/transaction/initialize', body)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      status: false,
      message: 'Duplicate Transaction Reference',
      type: 'validation_error',
      code: 'duplicate_reference',
      meta: { nextStep: expect.any(String) },
    })
  })

  it('refuses a reference with characters outside alphanumerics, "-", "." and "="', async () => {
    const response = await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 500_000,
      reference: 'order/1',
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'Invalid character in transaction reference' })
  })

  it('refuses a missing email with missing_params', async () => {
    const response = await h.api.post('/transaction/initialize', { amount: 500_000 })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Email Address is required',
      code: 'missing_params',
      meta: { nextStep: 'Provide all required params' },
    })
  })

  it('refuses an invalid email and a non-integer amount', async () => {
    const badEmail = await h.api.post('/transaction/initialize', { email: 'ada', amount: 500_000 })
    expect(badEmail.body).toMatchObject({ message: 'Invalid Email Address Passed' })
    const badAmount = await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 12.5,
    })
    expect(badAmount.status).toBe(400)
    expect(badAmount.body).toMatchObject({ message: 'Invalid Amount Sent' })
  })

  it('refuses an amount below the currency minimum', async () => {
    const response = await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 4_999,
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'Amount must be at least ₦50.00' })
  })

  it('refuses a currency Paystack does not settle in', async () => {
    const response = await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 500_000,
      currency: 'EUR',
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'Currency not supported by merchant' })
  })
})

describe('GET /transaction/verify/:reference', () => {
  it('reports an unpaid transaction as pending', async () => {
    await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 300_000,
      currency: 'GHS',
      reference: 'ghs-1',
      metadata: { order_id: 'o-1' },
    })
    const response = await h.api.get('/transaction/verify/ghs-1')
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ message: 'Verification successful' })
    const data = dataOf(response, transactionDataSchema)
    expect(data).toMatchObject({
      status: 'pending',
      amount: 300_000,
      currency: 'GHS',
      metadata: { order_id: 'o-1' },
      paid_at: null,
      customer: { email: 'ada@example.com' },
    })
  })

  it('answers 400 "Transaction reference not found" for an unknown reference, as live Paystack', async () => {
    const response = await h.api.get('/transaction/verify/nope')
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      status: false,
      message: 'Transaction reference not found',
    })
  })
})

describe('GET /transaction/:id', () => {
  it('fetches a transaction by its numeric id', async () => {
    const paid = await paidTransaction(h)
    const response = await h.api.get(`/transaction/${paid.id}`)
    expect(response.status).toBe(200)
    expect(dataOf(response, transactionDataSchema)).toMatchObject({
      reference: paid.reference,
      status: 'success',
    })
  })

  it('answers 404 for an unknown id', async () => {
    const response = await h.api.get('/transaction/42')
    expect(response.status).toBe(404)
    expect(response.body).toEqual({ status: false, message: 'Transaction not found' })
  })
})

describe('GET /transaction', () => {
  it('filters by status, customer email and dates, and pages the result', async () => {
    await paidTransaction(h, { email: 'ada@example.com', reference: 'march-1' })
    clock = new Date('2026-03-05T10:00:00.000Z')
    await paidTransaction(h, { email: 'bola@example.com', reference: 'march-5' })
    await h.api.post('/transaction/initialize', {
      email: 'ada@example.com',
      amount: 500_000,
      reference: 'march-5-unpaid',
    })
    const list = paystackListEnvelope(transactionDataSchema)
    const refs = async (query: string) =>
      list.parse((await h.api.get(`/transaction${query}`)).body).data.map((t) => t.reference)

    expect(await refs('')).toEqual(['march-5-unpaid', 'march-5', 'march-1'])
    expect(await refs('?status=success')).toEqual(['march-5', 'march-1'])
    expect(await refs('?customer=ADA@example.com')).toEqual(['march-5-unpaid', 'march-1'])
    expect(await refs('?from=2026-03-02&to=2026-03-05')).toEqual(['march-5-unpaid', 'march-5'])
    expect(await refs('?to=2026-03-01')).toEqual(['march-1'])
    const paged = await h.api.get('/transaction?perPage=2&page=2')
    expect(paystackListEnvelope(transactionDataSchema).parse(paged.body).data).toHaveLength(1)
    expect(paginationMetaSchema.parse((paged.body as { meta: unknown }).meta)).toEqual({
      total: 3,
      skipped: 2,
      perPage: 2,
      page: 2,
      pageCount: 2,
    })
  })

  it('refuses a page number that is not a positive integer', async () => {
    const response = await h.api.get('/transaction?page=0')
    expect(response.status).toBe(400)
  })
})

describe('POST /transaction/charge_authorization', () => {
  it('charges a saved card again and credits the balance', async () => {
    const paid = await paidTransaction(h, { amount: 1_000_000 })
    const response = await h.api.post('/transaction/charge_authorization', {
      email: 'ada@example.com',
      amount: '250000',
      authorization_code: paid.authorizationCode,
      reference: 'renewal-1',
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ message: 'Charge attempted' })
    expect(dataOf(response, transactionDataSchema)).toMatchObject({
      status: 'success',
      reference: 'renewal-1',
      amount: 250_000,
      authorization: { authorization_code: paid.authorizationCode, reusable: true },
    })
    expect(h.sandbox.state.balances.NGN).toBe(1_250_000)
    await eventually(() => h.receiver.events('charge.success').length === 2)
  })

  it('returns 200 with a failed status when the card is declined', async () => {
    const paid = await paidTransaction(h)
    await h.api.post(`/__sandbox/authorizations/${paid.authorizationCode}/outcome`, {
      outcome: 'insufficient_funds',
    })
    const response = await h.api.post('/transaction/charge_authorization', {
      email: 'ada@example.com',
      amount: 250_000,
      authorization_code: paid.authorizationCode,
    })
    expect(response.status).toBe(200)
    expect(dataOf(response, transactionDataSchema)).toMatchObject({
      status: 'failed',
      gateway_response: 'Insufficient Funds',
    })
  })

  it('refuses an unknown authorization code', async () => {
    const response = await h.api.post('/transaction/charge_authorization', {
      email: 'ada@example.com',
      amount: 250_000,
      authorization_code: 'AUTH_nothing',
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ message: 'Invalid Authorization Code' })
  })

  it('refuses an authorization that belongs to another email', async () => {
    const paid = await paidTransaction(h)
    const response = await h.api.post('/transaction/charge_authorization', {
      email: 'mallory@example.com',
      amount: 250_000,
      authorization_code: paid.authorizationCode,
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({
      message: 'Email does not match Authorization code. Please confirm.',
    })
  })

  it('refuses a reference already used by a transaction', async () => {
    const paid = await paidTransaction(h)
    const response = await h.api.post('/transaction/charge_authorization', {
      email: 'ada@example.com',
      amount: 250_000,
      authorization_code: paid.authorizationCode,
      reference: paid.reference,
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ code: 'duplicate_reference' })
  })
})
