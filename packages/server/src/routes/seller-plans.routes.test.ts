import { beforeAll, describe, expect, it } from '@jest/globals'
import {
  type InvoiceDTO,
  PAYSTACK_WEBHOOK_PATH,
  type PlanDTO,
  type SellerPlanView,
  type SubscriptionDTO,
} from '@kloset/core'
import {
  A_PASSWORD,
  aBuyer,
  aCheckout,
  adminCliCtx,
  anonCtx,
  aStoreSelling,
  aVariantOf,
  aVerifiedUser,
  payOnCheckoutPage,
} from '@kloset/core/testing'
import { paystackApiForSuite, serverForSuite } from '../test-support/suite.js'

const DAY_MS = 24 * 3600_000
const FREE_LIMIT = 2

const { pw, world, http } = paystackApiForSuite()
const server = serverForSuite(world)
let pro: PlanDTO
let basic: PlanDTO

beforeAll(async () => {
  // Webhooks go to the real HTTP server, through the real route.
  pw.sandbox.setWebhookUrl(
    `${server.url.replace('localhost', '127.0.0.1')}${PAYSTACK_WEBHOOK_PATH}`,
  )
  const admin = adminCliCtx(world.clock.now())
  await world.core.plans.update(admin, 'free', { productLimit: FREE_LIMIT })
  pro = await world.core.plans.create(admin, {
    code: 'pro',
    name: 'Pro',
    amount: 1_500_000,
    commissionRateBps: 300,
    productLimit: 10,
    featured: true,
  })
  basic = await world.core.plans.create(admin, {
    code: 'basic',
    name: 'Basic',
    amount: 500_000,
    commissionRateBps: 400,
    productLimit: 3,
  })
})

type ErrorBody = { error: { code: string } }

/** Calls the sandbox's control API (what a test or a demo steers it with). */
async function sandboxControl(path: string, body: unknown = {}) {
  const response = await fetch(`${pw.sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  await pw.settle()
  return response.json() as Promise<{ data: Record<string, unknown> }>
}

const view = async (token: string) =>
  (await http.call<SellerPlanView>('GET', '/api/v1/seller/subscription', { token })).body

/** A seller with an approved store, `products` live products, subscribed to `plan` and paid. */
async function aSubscribedSeller(plan: string, products = 1) {
  const seller = await aStoreSelling(world)
  const started = await http.call<{ subscription: SubscriptionDTO }>(
    'POST',
    '/api/v1/seller/subscription',
    { token: seller.token, body: { planCode: plan } },
  )
  expect(started.status).toBe(201)
  expect(started.body.subscription).toMatchObject({ status: 'incomplete', planCode: plan })
  await payOnCheckoutPage(started.body.subscription.authorizationUrl!)
  await pw.settle()
  for (let i = 1; i < products; i++) await aVariantOf(world, seller.seller)
  const { subscription } = await view(seller.token)
  return { ...seller, subscription: subscription! }
}

/**
 * The store's plan as the core sees it, for after the test clock moved past the seller's
 * access token (the API would answer 401 then).
 */
async function planOf(storeId: string) {
  const [{ subscription }, store] = await Promise.all([
    world.core.subscriptions.get(adminCliCtx(), storeId),
    world.core.stores.getStore(storeId),
  ])
  return { subscription, policy: store.plan }
}

const liveProducts = async (slug: string) =>
  (await http.call<{ items: unknown[] }>('GET', `/api/v1/stores/${slug}/products?limit=50`)).body
    .items.length

describe('subscribing to a plan', () => {
  it('activates the plan from the webhooks: commission frozen on new orders, featured shelf, revenue booked', async () => {
    const seller = await aSubscribedSeller('pro')
    const current = await view(seller.token)
    expect(current.subscription).toMatchObject({
      status: 'active',
      planCode: 'pro',
      paystackSubscriptionCode: expect.stringMatching(/^SUB_/),
    })
    expect(current.policy).toMatchObject({
      code: 'pro',
      commissionRateBps: 300,
      productLimit: 10,
      featured: true,
    })
    const buyer = await aBuyer(world)
    const checkout = await aCheckout(world, buyer.ctx, [
      { variantId: seller.variant.id, quantity: 1 },
    ])
    const order = await world.core.orders.get(adminCliCtx(), checkout.orders[0]!.id)
    expect(order.commissionRateBps).toBe(300)
    const shelf = await http.call<{ items: { store: { id: string; featured?: true } }[] }>(
      'GET',
      '/api/v1/products?featured=true&limit=100',
    )
    expect(shelf.body.items.map((p) => p.store.id)).toContain(seller.store.id)
    expect(shelf.body.items.every((p) => p.store.featured)).toBe(true)
    const invoices = await http.call<{ items: InvoiceDTO[] }>(
      'GET',
      '/api/v1/seller/subscription/invoices',
      { token: seller.token },
    )
    expect(invoices.body.items).toEqual([
      expect.objectContaining({ status: 'paid', amount: pro.amount, planCode: 'pro' }),
    ])
    const journal = await world.core.ledger.journalByKey(
      adminCliCtx(),
      `subscription:${invoices.body.items[0]!.code}`,
    )
    expect(journal).toMatchObject({
      kind: 'subscription_fee',
      entries: expect.arrayContaining([
        { account: 'platform:subscriptions', amount: -pro.amount },
        { account: 'platform:cash', amount: pro.amount },
      ]),
    })
    const revenue = await world.core.ledger.revenueSummary(adminCliCtx(), {
      from: new Date(Date.now() - DAY_MS),
      to: new Date(Date.now() + DAY_MS),
      currency: 'NGN',
    })
    expect(revenue.subscriptions).toBeGreaterThanOrEqual(pro.amount)
  })

  it('refuses a second subscription, the free tier and an unknown plan', async () => {
    const seller = await aSubscribedSeller('basic')
    const again = await http.call<ErrorBody>('POST', '/api/v1/seller/subscription', {
      token: seller.token,
      body: { planCode: 'pro' },
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_subscribed')
    const other = await aStoreSelling(world)
    const free = await http.call<ErrorBody>('POST', '/api/v1/seller/subscription', {
      token: other.token,
      body: { planCode: 'free' },
    })
    expect(free.body.error.code).toBe('free_plan')
    const unknown = await http.call<ErrorBody>('POST', '/api/v1/seller/subscription', {
      token: other.token,
      body: { planCode: 'gold' },
    })
    expect(unknown.status).toBe(404)
    expect((await view(other.token)).subscription).toBeNull()
  })

  it('starts a new checkout on the same subscription while the first is unpaid, for another plan too', async () => {
    const seller = await aStoreSelling(world)
    const start = (planCode: string) =>
      http.call<{ subscription: SubscriptionDTO }>('POST', '/api/v1/seller/subscription', {
        token: seller.token,
        body: { planCode },
      })
    const first = await start('basic')
    world.clock.advance(60_000)
    const second = await start('pro')
    expect(second.status).toBe(201)
    expect(second.body.subscription).toMatchObject({
      id: first.body.subscription.id,
      status: 'incomplete',
      planCode: 'pro',
    })
    expect(second.body.subscription.authorizationUrl).not.toBe(
      first.body.subscription.authorizationUrl,
    )
    await payOnCheckoutPage(second.body.subscription.authorizationUrl!)
    await pw.settle()
    expect((await view(seller.token)).subscription).toMatchObject({
      status: 'active',
      planCode: 'pro',
    })
  })

  it('starts a new checkout after the subscription expired', async () => {
    const seller = await aSubscribedSeller('basic')
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl(`/__sandbox/subscriptions/${code}/renew`, { outcome: 'decline' })
    world.clock.advance(14 * DAY_MS + 60_000)
    await world.core.jobs.run(adminCliCtx(), 'plans-subscriptions')
    expect((await planOf(seller.store.id)).subscription).toMatchObject({ status: 'expired' })
    // The seller's access token expired with the fortnight: they sign in again.
    const { accessToken: token } = await world.core.accounts.login(anonCtx(world.clock.now()), {
      email: seller.email,
      password: A_PASSWORD,
    })
    const again = await http.call<{ subscription: SubscriptionDTO }>(
      'POST',
      '/api/v1/seller/subscription',
      { token, body: { planCode: 'pro' } },
    )
    expect(again.status).toBe(201)
    expect(again.body.subscription).toMatchObject({
      id: seller.subscription.id,
      status: 'incomplete',
      planCode: 'pro',
      graceUntil: null,
      paystackSubscriptionCode: null,
    })
    expect(again.body.subscription.history.at(-1)).toMatchObject({
      from: 'expired',
      to: 'incomplete',
      reason: 'checkout started',
    })
  })

  it('refuses to submit a product over the plan’s limit', async () => {
    const seller = await aStoreSelling(world)
    await aVariantOf(world, seller.seller)
    await expect(aVariantOf(world, seller.seller)).rejects.toMatchObject({
      code: 'product_limit_reached',
    })
  })
})

describe('a replayed subscription webhook', () => {
  it('is recorded once and changes nothing twice', async () => {
    const seller = await aSubscribedSeller('basic')
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl(`/__sandbox/subscriptions/${code}/renew`)
    const before = (await view(seller.token)).subscription!
    const journalsBefore = await world.core.ledger.balance(
      adminCliCtx(),
      'platform:subscriptions',
      'NGN',
    )
    const deliveries = pw.sandbox
      .deliveries()
      .filter((d) => ['subscription.create', 'invoice.update'].includes(d.event))
      .filter((d) => JSON.stringify(d.body).includes(code))
    expect(deliveries.map((d) => d.event).sort()).toEqual(['invoice.update', 'subscription.create'])
    for (const delivery of deliveries) {
      await sandboxControl(`/__sandbox/deliveries/${delivery.id}/replay`)
    }
    const replays = pw.sandbox.deliveries().filter((d) => d.replayOf)
    expect(replays.slice(-2).every((d) => d.status === 'delivered')).toBe(true)
    const after = (await view(seller.token)).subscription!
    expect(after.history).toEqual(before.history)
    expect(after.currentPeriodEnd).toBe(before.currentPeriodEnd)
    expect(await world.core.ledger.balance(adminCliCtx(), 'platform:subscriptions', 'NGN')).toBe(
      journalsBefore,
    )
    const invoices = await http.call<{ items: InvoiceDTO[] }>(
      'GET',
      '/api/v1/seller/subscription/invoices',
      { token: seller.token },
    )
    expect(invoices.body.items.map((i) => i.status)).toEqual(['paid', 'paid'])
  })
})

describe('a subscription event Paystack contradicts', () => {
  it('is ignored: a signed invoice.payment_failed for a subscription Paystack calls active', async () => {
    const seller = await aSubscribedSeller('basic')
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl('/__sandbox/events', {
      event: 'invoice.payment_failed',
      data: {
        invoice_code: 'INV_forged0001',
        status: 'failed',
        paid: false,
        subscription: { subscription_code: code, status: 'attention' },
        customer: { email: seller.subscription.customerEmail },
      },
    })
    const recorded = await world.core.payments.list(adminCliCtx(), {
      event: 'invoice.payment_failed',
      limit: 100,
    })
    expect(recorded.items.map((e) => e.key)).toContain(
      'invoice.payment_failed:INV_forged0001:failed',
    )
    expect((await view(seller.token)).subscription).toMatchObject({
      status: 'active',
      graceUntil: null,
    })
  })
})

describe('a failed renewal', () => {
  it('starts a grace period with reminders, then falls back to free, hiding products over its limit', async () => {
    const seller = await aSubscribedSeller('pro', 4)
    expect(await liveProducts(seller.store.slug)).toBe(4)
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl(`/__sandbox/subscriptions/${code}/renew`, { outcome: 'decline' })
    const failed = (await view(seller.token)).subscription!
    expect(failed).toMatchObject({ status: 'attention', remindersSent: 1 })
    expect(new Date(failed.graceUntil!).getTime() - world.clock.now().getTime()).toBe(14 * DAY_MS)
    await world.smtp.waitFor(seller.email, /renewal failed/)
    // The plan stays in force through the grace period.
    expect((await view(seller.token)).policy.code).toBe('pro')

    world.clock.advance(3 * DAY_MS + 60_000)
    const reminded = await world.core.jobs.run(adminCliCtx(), 'plans-subscriptions')
    expect(reminded.result).toMatchObject({ reminded: 1, expired: 0 })
    await world.smtp.waitFor(seller.email, /Reminder: your pro plan ends/)

    world.clock.advance(11 * DAY_MS)
    const ended = await world.core.jobs.run(adminCliCtx(), 'plans-subscriptions')
    expect(ended.result).toMatchObject({ expired: 1 })
    const after = await planOf(seller.store.id)
    expect(after.subscription).toMatchObject({ status: 'expired', planCode: 'free' })
    expect(after.policy).toMatchObject({ code: 'free', commissionRateBps: 500, featured: false })
    await world.smtp.waitFor(seller.email, /free tier/, undefined, /2 product\(s\)/)
    // Kept, not deleted: the seller still sees four, buyers see the free tier's two.
    expect(await liveProducts(seller.store.slug)).toBe(FREE_LIMIT)
    const own = await world.core.products.listOwn(
      { ...seller.seller, now: world.clock.now() },
      { limit: 20 },
    )
    expect(own.items).toHaveLength(4)
    expect(own.items.filter((p) => p.hiddenByPlan)).toHaveLength(2)
  })

  it('recovers when a later renewal is paid within the grace period', async () => {
    const seller = await aSubscribedSeller('basic')
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl(`/__sandbox/subscriptions/${code}/renew`, {
      outcome: 'insufficient_funds',
    })
    expect((await view(seller.token)).subscription?.status).toBe('attention')
    await sandboxControl(`/__sandbox/subscriptions/${code}/renew`)
    const recovered = (await view(seller.token)).subscription!
    expect(recovered).toMatchObject({ status: 'active', graceUntil: null })
  })
})

describe('changing plan', () => {
  it('downgrades at the end of the paid period, hiding products over the cheaper limit', async () => {
    const seller = await aSubscribedSeller('pro', 4)
    const changed = await http.call<{ subscription: SubscriptionDTO }>(
      'POST',
      '/api/v1/seller/subscription/change',
      { token: seller.token, body: { planCode: 'basic' } },
    )
    expect(changed.status).toBe(200)
    expect(changed.body.subscription).toMatchObject({
      status: 'non_renewing',
      planCode: 'pro',
      pendingPlanCode: 'basic',
    })
    await pw.settle()
    // Renewals stopped at Paystack; the paid period keeps pro in force.
    expect((await view(seller.token)).policy.code).toBe('pro')
    expect(await liveProducts(seller.store.slug)).toBe(4)

    const periodEnd = new Date(changed.body.subscription.currentPeriodEnd!)
    world.clock.set(new Date(periodEnd.getTime() + 60_000))
    const run = await world.core.jobs.run(adminCliCtx(), 'plans-subscriptions')
    expect(run.result).toMatchObject({ renewedOnScheduledPlan: 1 })
    await pw.settle()
    const after = await planOf(seller.store.id)
    expect(after.subscription).toMatchObject({ status: 'active', planCode: 'basic' })
    expect(after.subscription?.paystackSubscriptionCode).not.toBe(
      seller.subscription.paystackSubscriptionCode,
    )
    expect(after.policy).toMatchObject({ code: 'basic', productLimit: basic.productLimit })
    expect(await liveProducts(seller.store.slug)).toBe(3)
    const { invoices } = await world.core.subscriptions.get(adminCliCtx(), seller.store.id)
    expect(invoices[0]).toMatchObject({ planCode: 'basic', status: 'paid' })
  })

  it('upgrades at once on the saved card and disables the old Paystack subscription', async () => {
    const seller = await aSubscribedSeller('basic', 3)
    const changed = await http.call<{ subscription: SubscriptionDTO }>(
      'POST',
      '/api/v1/seller/subscription/change',
      { token: seller.token, body: { planCode: 'pro' } },
    )
    expect(changed.status).toBe(200)
    await pw.settle()
    const after = await view(seller.token)
    expect(after.subscription).toMatchObject({ status: 'active', planCode: 'pro' })
    expect(after.policy.commissionRateBps).toBe(300)
    const old = await fetch(
      `${pw.sandbox.url}/subscription/${seller.subscription.paystackSubscriptionCode}`,
      { headers: { authorization: `Bearer ${pw.secretKey}` } },
    )
    expect(((await old.json()) as { data: { status: string } }).data.status).toBe('cancelled')
  })

  it('cancels at period end: the disable webhook keeps the paid period, then the free tier', async () => {
    const seller = await aSubscribedSeller('basic')
    const cancelled = await http.call<{ subscription: SubscriptionDTO }>(
      'POST',
      '/api/v1/seller/subscription/cancel',
      { token: seller.token },
    )
    expect(cancelled.body.subscription).toMatchObject({
      status: 'non_renewing',
      pendingPlanCode: 'free',
    })
    await pw.settle()
    expect((await view(seller.token)).subscription?.status).toBe('non_renewing')
    const again = await http.call<ErrorBody>('POST', '/api/v1/seller/subscription/cancel', {
      token: seller.token,
    })
    expect(again.status).toBe(409)
    world.clock.set(new Date(new Date(cancelled.body.subscription.currentPeriodEnd!).getTime() + 1))
    await world.core.jobs.run(adminCliCtx(), 'plans-subscriptions')
    expect((await planOf(seller.store.id)).subscription.status).toBe('expired')
  })
})

describe('subscription.not_renew from Paystack', () => {
  it('moves an active subscription to non-renewing', async () => {
    const seller = await aSubscribedSeller('basic')
    const code = seller.subscription.paystackSubscriptionCode!
    await sandboxControl(`/__sandbox/subscriptions/${code}/not-renew`)
    expect((await view(seller.token)).subscription).toMatchObject({
      status: 'non_renewing',
      pendingPlanCode: 'free',
    })
  })
})

describe('admin routes', () => {
  it('lists plans and subscriptions for an administrator only', async () => {
    const seller = await aStoreSelling(world)
    const forbidden = await http.call('GET', '/api/v1/admin/plans', { token: seller.token })
    expect(forbidden.status).toBe(403)
    const plans = await http.call<{ plans: PlanDTO[] }>('GET', '/api/v1/seller/plans', {
      token: seller.token,
    })
    expect(plans.body.plans.map((p) => p.code)).toEqual(['free', 'basic', 'pro'])
    const page = await world.core.subscriptions.list(adminCliCtx(), { status: 'active' })
    expect(page.items.length).toBeGreaterThan(0)
  })
})

describe('admin plan and subscription routes over REST', () => {
  // Each 2xx body goes through the contract checker (createTestApi): this is what shows that the
  // Plan, Subscription and PlanInvoice schemas match what the routes really send.
  it('creates, updates and archives a plan, and reads subscriptions with their invoices', async () => {
    const token = (await aVerifiedUser(world, 'admin')).session.accessToken
    const created = await http.call<{ plan: PlanDTO }>('POST', '/api/v1/admin/plans', {
      token,
      body: {
        code: 'team',
        name: 'Team',
        amount: 900_000,
        commissionRateBps: 350,
        productLimit: 25,
        payoutMinimumKobo: null,
      },
    })
    expect(created.status).toBe(201)
    expect(created.body.plan).toMatchObject({ code: 'team', interval: 'monthly', status: 'active' })
    expect(created.body.plan.paystackPlanCode).toMatch(/^PLN_/)
    const updated = await http.call<{ plan: PlanDTO }>('PATCH', '/api/v1/admin/plans/team', {
      token,
      body: { description: 'For small teams', productLimit: null },
    })
    expect(updated.status).toBe(200)
    expect(updated.body.plan).toMatchObject({ description: 'For small teams', productLimit: null })
    const archived = await http.call<{ plan: PlanDTO }>(
      'POST',
      '/api/v1/admin/plans/team/archive',
      { token },
    )
    expect(archived.body.plan.status).toBe('archived')
    const all = await http.call<{ plans: PlanDTO[] }>('GET', '/api/v1/admin/plans?archived=true', {
      token,
    })
    expect(all.body.plans.map((p) => p.code)).toContain('team')

    const seller = await aSubscribedSeller('basic')
    const page = await http.call<{ items: SubscriptionDTO[] }>(
      'GET',
      '/api/v1/admin/subscriptions?planCode=basic&limit=100',
      { token },
    )
    expect(page.status).toBe(200)
    expect(page.body.items.map((s) => s.id)).toContain(seller.subscription.id)
    const one = await http.call<{ subscription: SubscriptionDTO; invoices: InvoiceDTO[] }>(
      'GET',
      `/api/v1/admin/subscriptions/${seller.subscription.storeId}`,
      { token },
    )
    expect(one.body.subscription).toMatchObject({ id: seller.subscription.id, status: 'active' })
    expect(one.body.invoices.map((i) => i.status)).toContain('paid')
  })
})

describe('the OpenAPI document', () => {
  it('describes the plan routes with their bodies', async () => {
    const res = await http.call<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >
    }>('GET', '/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const { paths } = res.body
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/seller/plans',
        '/api/v1/seller/subscription',
        '/api/v1/seller/subscription/change',
        '/api/v1/seller/subscription/cancel',
        '/api/v1/seller/subscription/invoices',
        '/api/v1/admin/plans',
        '/api/v1/admin/subscriptions',
      ]),
    )
    expect(JSON.stringify(paths['/api/v1/seller/subscription']?.post?.requestBody)).toContain(
      'planCode',
    )
  })
})
