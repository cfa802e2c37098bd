import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type SandboxHandle, startSandbox } from '@kloset/paystack-sandbox'
import type { VariantDTO } from '../catalog/product.types.js'
import type { CheckoutResult, ShippingAddress } from '../orders/order.types.js'
import type { Ctx } from '../shared/ctx.js'
import type { StoreDTO } from '../stores/store.types.js'
import { aProductInput, aSignedUpSeller, aVariantInput } from './catalog-builders.js'
import {
  adminCliCtx,
  anonCtx,
  aVerifiedUser,
  createTestWorld,
  type TestWorld,
  type TestWorldOptions,
  userCtx,
} from './harness.js'

/** A test world whose Paystack is a sandbox of its own, with webhooks delivered to the core. */
export interface PaystackWorld {
  world: TestWorld
  sandbox: SandboxHandle
  secretKey: string
  /** Where the sandbox sends webhooks (a relay into `core.payments`); null to stop them. */
  webhookUrl: string
  /** Waits for queued webhooks and for every event handler they started. */
  settle(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a Paystack sandbox (no delays; no fees unless `feeModel: 'paystack'`) and a test world
 * pointed at it. Webhooks reach
 * `core.payments.receivePaystackWebhook` through a small HTTP relay, the way the API route
 * passes them on (server tests point the sandbox at a real server instead).
 */
export async function createPaystackWorld(
  options: TestWorldOptions & {
    refundDelayMs?: number | 'manual'
    feeModel?: 'paystack' | 'none'
  } = {},
): Promise<PaystackWorld> {
  const { refundDelayMs = 0, feeModel = 'none', ...worldOptions } = options
  const secretKey = `sk_test_${randomBytes(20).toString('hex')}`
  const sandbox = await startSandbox({
    secretKey,
    transferDelayMs: 0,
    refundDelayMs,
    feeModel,
  })
  const world = await createTestWorld({
    ...worldOptions,
    config: {
      ...worldOptions.config,
      paystack: {
        mode: 'test',
        secretKey,
        baseUrl: sandbox.url,
        timeoutMs: 10_000,
        sandboxPort: 0,
      },
    },
  })
  const relay = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      world.core.payments
        .receivePaystackWebhook(anonCtx(world.clock.now()), {
          rawBody: Buffer.concat(chunks),
          signature: (request.headers['x-paystack-signature'] as string | undefined) ?? null,
        })
        .then(
          () => response.writeHead(200).end('{"received":true}'),
          () => response.writeHead(401).end('{}'),
        )
    })
  })
  await new Promise<void>((done) => relay.listen(0, '127.0.0.1', done))
  const webhookUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/webhook`
  sandbox.setWebhookUrl(webhookUrl)
  return {
    world,
    sandbox,
    secretKey,
    webhookUrl,
    async settle() {
      await sandbox.idle()
      await world.core.events.drain()
    },
    async close() {
      await new Promise<void>((done) => relay.close(() => done()))
      await sandbox.stop()
      await world.close()
    },
  }
}

export const aShippingAddress = (overrides: Partial<ShippingAddress> = {}): ShippingAddress => ({
  name: 'Chiamaka Obi',
  phone: '+234 803 555 0101',
  line1: '4 Admiralty Way',
  city: 'Lekki',
  state: 'Lagos',
  country: 'NG',
  ...overrides,
})

/** A signed-up, verified buyer and their request context. */
export async function aBuyer(world: TestWorld) {
  const made = await aVerifiedUser(world, 'buyer')
  return { ...made, ctx: userCtx(made.user.id, 'buyer', world.clock.now()) }
}

/**
 * An approved store with a seller account behind it (seller mail goes to `email`) and one live
 * variant of `stock` units at `price` kobo.
 */
export async function aStoreSelling(
  world: TestWorld,
  options: { price?: number; stock?: number } = {},
): Promise<{ seller: Ctx; store: StoreDTO; email: string; token: string; variant: VariantDTO }> {
  const { seller, store, email, token } = await aSignedUpSeller(world)
  const variant = await aVariantOf(world, seller, options)
  return { seller, store, email, token, variant }
}

/** Another live product with one variant in the seller's store. */
export async function aVariantOf(
  world: TestWorld,
  seller: Ctx,
  options: { price?: number; stock?: number } = {},
): Promise<VariantDTO> {
  const { products } = world.core
  const product = await products.create(seller, aProductInput({ options: [] }))
  const variant = await products.addVariant(
    seller,
    product.id,
    aVariantInput({
      options: {},
      price: options.price ?? 1_500_000,
      stock: options.stock ?? 10,
      lowStockThreshold: 0,
    }),
  )
  await products.submit(seller, product.id)
  await products.approve(adminCliCtx(world.clock.now()), product.id)
  return variant
}

let keys = 0
/** A fresh Idempotency-Key. */
export const anIdempotencyKey = (): string => `key-${Date.now().toString(36)}-${keys++}-test`

/** Fills the buyer's cart and checks out. */
export async function aCheckout(
  world: TestWorld,
  buyer: Ctx,
  items: { variantId: string; quantity: number }[],
): Promise<CheckoutResult> {
  for (const item of items) await world.core.cart.addItem(buyer, item)
  const result = await world.core.checkout.checkout(
    buyer,
    { shippingAddress: aShippingAddress() },
    anIdempotencyKey(),
  )
  return result.body
}

/**
 * A store order of one fresh store (`price` kobo, `stock` units) bought by a fresh buyer
 * (`quantity` units) and paid on the sandbox's checkout page, so it waits in processing.
 */
export async function aPaidOrder(
  pw: PaystackWorld,
  options: { price?: number; stock?: number; quantity?: number } = {},
) {
  const { world } = pw
  const store = await aStoreSelling(world, {
    price: options.price ?? 1_000_000,
    stock: options.stock ?? 10,
  })
  const buyer = await aBuyer(world)
  const result = await aCheckout(world, buyer.ctx, [
    { variantId: store.variant.id, quantity: options.quantity ?? 1 },
  ])
  await payOnCheckoutPage(result.payment.authorizationUrl)
  await pw.settle()
  const order = result.orders[0]!
  return { store, buyer, order, result }
}

/**
 * A successful Paystack charge under `reference` (a `kg-` one looks like ours) that no order
 * group was made for: what reconciliation reports as `charge_without_paid_order`.
 */
export async function aStrayCharge(
  pw: PaystackWorld,
  reference: string,
  amount = 990_000,
): Promise<void> {
  const checkout = await pw.world.core.paystack.initializeTransaction({
    email: 'stray@example.test',
    amount,
    currency: 'NGN',
    reference,
  })
  await payOnCheckoutPage(checkout.authorizationUrl)
  await pw.settle()
}

/**
 * Pays on the sandbox's hosted checkout page over HTTP, as a buyer's browser would: loads
 * `authorizationUrl` and submits its form with the "Pay" button. Returns the final response.
 * `cardSignature` names one physical card shared across buyers (the sandbox otherwise gives
 * each buyer email its own).
 */
export async function payOnCheckoutPage(
  authorizationUrl: string,
  action: 'success' | 'decline' | 'abandon' = 'success',
  cardSignature?: string,
): Promise<Response> {
  const page = await fetch(authorizationUrl)
  const html = await page.text()
  const form = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  const card = /name="card" value="([^"]+)" checked/.exec(html)?.[1]
  if (!form || !card) throw new Error(`no checkout form at ${authorizationUrl}`)
  return fetch(new URL(form.replaceAll('&amp;', '&'), authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      card,
      action,
      ...(cardSignature ? { signature: cardSignature } : {}),
    }).toString(),
    redirect: 'manual',
  })
}
