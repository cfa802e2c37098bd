import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  aBuyer,
  aCheckout,
  anEmail,
  anonCtx,
  aStoreSelling,
  createPaystackWorld,
  createTestWorld,
  type PaystackWorld,
  type TestWorld,
} from '@kloset/core/testing'
import { createTestApi, type TestApi } from '../test-support/api-harness.js'

/** The pages without a browser: when they are served, what they answer, and where links go. */
describe('with no APP_URL', () => {
  let pw: PaystackWorld
  let world: TestWorld
  let t: TestApi
  beforeAll(async () => {
    pw = await createPaystackWorld()
    world = pw.world
    t = createTestApi(world)
  })
  afterAll(() => pw.close())

  it('serves the verify page as HTML with its own Content-Security-Policy', async () => {
    const res = await t.call('GET', '/verify-email?token=abc')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(String(res.body)).toContain('<input type="hidden" name="token" value="abc">')
  })

  it('answers the plan and chat links with pages that say where to go, and nothing private', async () => {
    const returned = await t.call('GET', '/seller/plan?reference=sub_123&trxref=sub_123')
    expect(returned.status).toBe(200)
    expect(returned.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(String(returned.body)).toContain('Paystack is confirming your payment')
    const plan = await t.call('GET', '/seller/plan')
    expect(String(plan.body)).toContain('See your plan, change it, cancel it')
    const chat = await t.call('GET', '/conversations/6751f3b0c1d2e3f4a5b6c7e1')
    expect(chat.status).toBe(200)
    expect(String(chat.body)).toContain('Open the KlosetStore app to read this conversation')
    expect(String(chat.body)).not.toContain('6751f3b0c1d2e3f4a5b6c7e1')
  })

  it('escapes what comes from the address bar', async () => {
    const res = await t.call('GET', '/reset-password?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E')
    expect(String(res.body)).not.toContain('<script>alert(1)')
    expect(String(res.body)).toContain('&quot;&gt;&lt;script&gt;')
  })

  it('answers a link without a token with a 400 page that says so', async () => {
    const res = await t.call('GET', '/reset-password')
    expect(res.status).toBe(400)
    expect(String(res.body)).toContain('The link has no token')
  })

  it('answers an unknown store with a 404 page, not the JSON envelope', async () => {
    const res = await t.call('GET', '/stores/no-such-store')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('text/html')
  })

  it('refuses a weak password on the reset form and keeps the form', async () => {
    const res = await t.call('POST', '/reset-password', {
      raw: {
        bytes: `token=${'t'.repeat(43)}&password=short&confirm=short`,
        contentType: 'application/x-www-form-urlencoded',
      },
    })
    expect(res.status).toBe(400)
    expect(String(res.body)).toContain('must be at least 10 characters')
    expect(String(res.body)).toContain('name="password"')
  })

  it('tells anyone holding a reference the status of its payment, and nothing else', async () => {
    const seller = await aStoreSelling(world, { stock: 2 })
    const buyer = await aBuyer(world)
    const checkout = await aCheckout(world, buyer.ctx, [
      { variantId: seller.variant.id, quantity: 1 },
    ])
    const res = await t.call('GET', `/api/v1/checkout/${checkout.payment.reference}/payment-status`)
    // Paystack (the sandbox) says it is not paid yet: the group still awaits payment.
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ reference: checkout.payment.reference, status: 'awaiting_payment' })
  })

  it('answers an unknown reference with 404', async () => {
    const res = await t.call('GET', '/api/v1/checkout/kg-000000000000000000000000/payment-status')
    expect(res.status).toBe(404)
  })
})

describe('with APP_URL', () => {
  let world: TestWorld
  let t: TestApi
  beforeAll(async () => {
    world = await createTestWorld({ config: { appUrl: 'https://shop.example.com' } })
    t = createTestApi(world)
  })
  afterAll(() => world.close())

  it('sends links that point at the storefront', async () => {
    const email = anEmail('storefront')
    await world.core.accounts.signup(anonCtx(world.clock.now()), {
      email,
      password: A_PASSWORD,
      name: 'Store Front',
      role: 'buyer',
    })
    const mail = await world.smtp.waitFor(email, /Confirm/)
    expect(
      mail.links.some((l) => l.startsWith('https://shop.example.com/verify-email?token=')),
    ).toBe(true)
  })

  it('serves none of the pages', async () => {
    const res = await t.call('GET', '/verify-email?token=abc')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
  })
})
