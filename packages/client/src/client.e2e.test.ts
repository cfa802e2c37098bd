import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  A_PASSWORD,
  anEmail,
  aShippingAddress,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
  payOnCheckoutPage,
} from '@kloset/core/testing'
import { createApi, type RunningServer, startServer } from '@kloset/server'
import { checkedFetch } from '../../server/src/test-support/checked-fetch.js'
import { ContractChecker } from '../../server/src/test-support/contract.js'
import { createKlosetClient, type KlosetClient } from './index.js'

/**
 * The typed client against a live server: a seller and a buyer sign up and verify through the
 * mail capture, the store and product go live, the buyer pays on the Paystack sandbox, and the
 * seller ships and delivers. Every body below is typed from the OpenAPI document.
 */
let pw: PaystackWorld
let server: RunningServer
let contract: ContractChecker
beforeAll(async () => {
  pw = await createPaystackWorld()
  server = await startServer(pw.world.core, { port: 0, host: '127.0.0.1' })
  pw.sandbox.setWebhookUrl(`${server.url}/api/v1/webhooks/paystack`)
  contract = await ContractChecker.of(createApi(pw.world.core))
})
afterAll(async () => {
  await server.close()
  await pw.close()
})

/** A client with its own token, as an app on one device would hold it. */
function clientFor(): { api: KlosetClient; signIn(token: string): void } {
  let token: string | undefined
  const api = createKlosetClient({ baseUrl: server.url, token: () => token })
  // Every answer over the wire is held to the document too, as the harness does in-process.
  api.use({
    async onResponse({ request, response }) {
      const text = await response.clone().text()
      const path = new URL(request.url).pathname
      contract.check(request.method, path, response.status, text ? JSON.parse(text) : undefined)
      // Nothing returned: the response goes on unchanged.
    },
  })
  return {
    api,
    signIn: (value) => {
      token = value
    },
  }
}

/** Signs up through the API, follows the emailed link's token, and signs in. */
async function signUpAndSignIn(role: 'buyer' | 'seller') {
  const client = clientFor()
  const email = anEmail(role)
  const signup = await client.api.POST('/api/v1/auth/signup', {
    body: { email, password: A_PASSWORD, name: 'Ngozi Eze', role },
  })
  expect(signup.data).toEqual({ status: 'verification_sent' })
  const mail = await pw.world.smtp.waitFor(email, /Confirm/)
  const token = new URL(mail.links[0]!).searchParams.get('token')!
  const verified = await client.api.POST('/api/v1/auth/verify-email', { body: { token } })
  expect(verified.data?.user.emailVerified).toBe(true)
  const login = await client.api.POST('/api/v1/auth/login', {
    body: { email, password: A_PASSWORD },
  })
  client.signIn(login.data!.accessToken)
  return client
}

describe('the typed client', () => {
  it('drives a sale from sign-up to delivery against a live server', async () => {
    const admin = clientFor()
    admin.signIn((await aVerifiedUser(pw.world, 'admin')).session.accessToken)

    const seller = await signUpAndSignIn('seller')
    const registered = await seller.api.POST('/api/v1/seller/store', {
      body: {
        name: 'Ile Aso',
        description: 'Aso-oke and adire made to order in Abeokuta.',
        contactEmail: anEmail('store'),
        contactPhone: '+234 803 555 0101',
        address: { line1: '3 Itoku Road', city: 'Abeokuta', state: 'Ogun', country: 'NG' },
        categories: ['women'],
      },
    })
    expect(registered.response.status).toBe(201)
    const storeId = registered.data!.store.id
    const approved = await admin.api.POST('/api/v1/admin/stores/{id}/approve', {
      params: { path: { id: storeId } },
      body: {},
    })
    expect(approved.data?.store.status).toBe('approved')

    const created = await seller.api.POST('/api/v1/seller/products', {
      body: {
        title: 'Adire wrap skirt',
        description: 'Indigo-dyed cotton.',
        category: 'women',
        options: [{ name: 'size', values: ['M'] }],
      },
    })
    const productId = created.data!.product.id
    const variant = await seller.api.POST('/api/v1/seller/products/{id}/variants', {
      params: { path: { id: productId } },
      body: { sku: 'ADIRE-SKIRT-M', options: { size: 'M' }, price: 1_800_000, stock: 4 },
    })
    const variantId = variant.data!.variant.id
    await seller.api.POST('/api/v1/seller/products/{id}/submit', {
      params: { path: { id: productId } },
    })
    const live = await admin.api.POST('/api/v1/admin/products/{id}/approve', {
      params: { path: { id: productId } },
      body: {},
    })
    expect(live.data?.product.status).toBe('approved')

    const buyer = await signUpAndSignIn('buyer')
    const page = await buyer.api.GET('/api/v1/products/{id}', {
      params: { path: { id: productId } },
    })
    expect(page.data?.product.variants.map((v) => v.availability)).toEqual(['in_stock'])
    const cart = await buyer.api.POST('/api/v1/cart/items', { body: { variantId, quantity: 2 } })
    expect(cart.data?.cart.subtotal).toBe(3_600_000)
    const checkout = await buyer.api.POST('/api/v1/checkout', {
      params: { header: { 'Idempotency-Key': 'client-e2e-0001' } },
      body: { shippingAddress: aShippingAddress() },
    })
    expect(checkout.response.status).toBe(201)
    const { payment, orders } = checkout.data!
    expect((await payOnCheckoutPage(payment.authorizationUrl)).status).toBe(302)
    await pw.settle()
    const status = await buyer.api.GET('/api/v1/checkout/{reference}/status', {
      params: { path: { reference: payment.reference } },
    })
    expect(status.data?.orderGroup.status).toBe('paid')

    const orderId = orders[0]!.id
    const shipped = await seller.api.POST('/api/v1/seller/orders/{id}/ship', {
      params: { path: { id: orderId } },
      body: { carrier: 'GIG Logistics', trackingNumber: 'GIG0001' },
    })
    expect(shipped.data?.order.status).toBe('shipped')
    const delivered = await seller.api.POST('/api/v1/seller/orders/{id}/deliver', {
      params: { path: { id: orderId } },
    })
    expect(delivered.data?.order.status).toBe('delivered')
    const mine = await buyer.api.GET('/api/v1/orders/{id}', { params: { path: { id: orderId } } })
    expect(mine.data?.order.timeline.map((t) => t.to)).toEqual([
      'pending',
      'processing',
      'shipped',
      'delivered',
    ])
  })

  it('gives errors as the typed error envelope', async () => {
    const anonymous = clientFor()
    const me = await anonymous.api.GET('/api/v1/me')
    expect(me.response.status).toBe(401)
    expect(me.error?.error.code).toBe('unauthorized')
  })

  it('is generated from the document the server serves now', async () => {
    const { readFile } = await import('node:fs/promises')
    const checkedIn = JSON.parse(
      await readFile(new URL('./generated/openapi.json', import.meta.url), 'utf8'),
    )
    const served = await (await checkedFetch(`${server.url}/api/v1/openapi.json`)).json()
    // The server URL is the deployment's; everything else must match (`npm run client`).
    expect({ ...checkedIn, servers: [] }).toEqual({ ...served, servers: [], info: checkedIn.info })
  })
})
