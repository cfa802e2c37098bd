/**
 * Accounts and demo data for the bench processes, made through core services the way the API
 * would: the demo seed, a verified buyer, the seeded administrator and a seller.
 */
import {
  type CatalogProductDTO,
  type Core,
  catalogQuery,
  type DemoSeedResult,
  makeCtx,
  type Session,
  validateInput,
} from '@kloset/core'

const PASSWORD = 'bench horse battery staple'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

async function verificationToken(core: Core, email: string): Promise<string> {
  const admin = makeCtx({ kind: 'admin-cli', id: 'bench', osUser: 'bench' }, new Date())
  for (let attempt = 0; attempt < 100; attempt++) {
    // A seeded seller's newest mails are store and product decisions: look further back.
    for (const summary of await core.mailbox.list(admin, { to: email, limit: 50 })) {
      const mail = await core.mailbox.show(admin, summary.id)
      const link = mail.links.find((l) => l.includes('verify-email?token='))
      const token = link ? new URL(link).searchParams.get('token') : null
      if (token) return token
    }
    await sleep(100)
  }
  throw new Error(`No verification mail reached ${email} within 10 s`)
}

/** The demo marketplace (stores, products, photos), made through core services, and one of its products. */
export async function demoProduct(
  core: Core,
): Promise<{ productId: string; seed: DemoSeedResult }> {
  const seed = await core.seed.demo()
  const query = validateInput(catalogQuery, { category: 'accessories', sort: 'price_asc' })
  const answer = await core.catalog.listProducts(makeCtx({ kind: 'anonymous' }, new Date()), query)
  const [first] = (JSON.parse(answer.body) as { items: CatalogProductDTO[] }).items
  if (!first) throw new Error('The demo seed left no accessories in the catalog')
  return { productId: first.id, seed }
}

const anon = () => makeCtx({ kind: 'anonymous' }, new Date(), undefined, '127.0.0.1')

/** Verifies a seeded account through its captured mail and signs it in. */
export async function signIn(core: Core, email: string, password: string): Promise<Session> {
  await core.accounts.verifyEmail(anon(), { token: await verificationToken(core, email) })
  return core.accounts.login(anon(), { email, password })
}

/** The demo administrator and a seller of a store with orders (the first one with any). */
export async function staffTokens(
  core: Core,
  seed: DemoSeedResult,
): Promise<{ sellerToken: string; adminToken: string }> {
  const admin = await core.accounts.login(anon(), seed.admin)
  const withOrders = await core.connection.db?.collection('orders').findOne({})
  let sellerToken: string | undefined
  for (const seller of seed.sellers) {
    const session = await signIn(core, seller.email, seller.password)
    sellerToken ??= session.accessToken
    const ctx = makeCtx({ kind: 'user', id: session.user.id, role: 'seller' }, new Date())
    const store = await core.stores.requireOwnStore(ctx).catch(() => null)
    if (withOrders && store?.id === withOrders.storeId) {
      sellerToken = session.accessToken
      break
    }
  }
  if (!sellerToken) throw new Error('The demo seed made no sellers')
  return { sellerToken, adminToken: admin.accessToken }
}

/** A verified, signed-in buyer, made through the same services the API calls. */
export async function benchBuyer(
  core: Core,
): Promise<{ id: string; email: string; token: string }> {
  return benchUser(core, 'buyer')
}

let users = 0
/** A verified, signed-in buyer or seller (no store yet), made through the services. */
export async function benchUser(
  core: Core,
  role: 'buyer' | 'seller',
): Promise<{ id: string; email: string; token: string }> {
  const email = `bench.${role}.${Date.now().toString(36)}${users++}@example.test`
  await core.accounts.signup(anon(), {
    email,
    password: PASSWORD,
    name: role === 'buyer' ? 'Bench Buyer' : 'Bench Seller',
    role,
  })
  const session = await signIn(core, email, PASSWORD)
  return { id: session.user.id, email, token: session.accessToken }
}

/**
 * A new access token for a bench user: loading 50,000 orders on a busy machine can outlast the
 * one made at sign-up (15 minutes).
 */
export async function freshToken(core: Core, email: string): Promise<string> {
  return (await core.accounts.login(anon(), { email, password: PASSWORD })).accessToken
}
