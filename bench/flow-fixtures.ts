/**
 * The servers side of the checkout and webhook flows: buyers and a 3-line cart from 2 demo
 * stores (made through core services, like every bench fixture), and the answers to the load
 * generator's requests (fill carts, database-time windows, settle).
 */
import {
  type CatalogProductDetailDTO,
  type CatalogProductDTO,
  type Core,
  catalogQuery,
  makeCtx,
  validateInput,
} from '@kloset/core'
import type { DbTimer } from './db-time.js'
import type {
  CartLine,
  FlowCallMessage,
  FlowCallName,
  FlowCalls,
  FlowFixtures,
  FlowReplyMessage,
  Settled,
} from './flow-protocol.js'

const PASSWORD = 'bench horse battery staple'
// Enough that no run, however long, sells a variant out (stock is held until payment).
const STOCK_TOP_UP = 1_000_000
const SIGNUP_CONCURRENCY = 4

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
const adminCtx = () => makeCtx({ kind: 'admin-cli', id: 'bench', osUser: 'bench' }, new Date())
const anonCtx = () => makeCtx({ kind: 'anonymous' }, new Date())
const buyerCtx = (id: string) => makeCtx({ kind: 'user', id, role: 'buyer' }, new Date())

/** Runs `work` on every item, at most `limit` at a time, in order of the items. */
async function eachLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** A verified buyer, signed up and verified through the captured mail, and their id and token. */
async function aSignedInBuyer(core: Core, email: string): Promise<{ id: string; token: string }> {
  await core.accounts.signup(anonCtx(), {
    email,
    password: PASSWORD,
    name: 'Bench Buyer',
    role: 'buyer',
  })
  for (let attempt = 0; attempt < 100; attempt++) {
    const [summary] = await core.mailbox.list(adminCtx(), { to: email, limit: 1 })
    const link = summary
      ? (await core.mailbox.show(adminCtx(), summary.id)).links.find((l) => l.includes('token='))
      : undefined
    const token = link ? new URL(link).searchParams.get('token') : null
    if (token) {
      await core.accounts.verifyEmail(anonCtx(), { token })
      // No ip in the context: the per-address login limit would stop a few dozen sign-ins.
      const session = await core.accounts.login(anonCtx(), { email, password: PASSWORD })
      return { id: session.user.id, token: session.accessToken }
    }
    await sleep(50)
  }
  throw new Error(`No verification mail reached ${email} within 5 s`)
}

/** Two in-stock variants of one demo store and one of another, from the public catalog. */
async function cartOfTwoStores(core: Core): Promise<{ lines: CartLine[]; total: number }> {
  const query = validateInput(catalogQuery, { limit: 50, sort: 'price_asc' })
  const answer = await core.catalog.listProducts(anonCtx(), query)
  const products = (JSON.parse(answer.body) as { items: CatalogProductDTO[] }).items
  const byStore = new Map<string, CatalogProductDTO[]>()
  for (const product of products) {
    byStore.set(product.store.id, [...(byStore.get(product.store.id) ?? []), product])
  }
  const picked: { variantId: string; price: number }[][] = []
  for (const [, storeProducts] of byStore) {
    const variants: { variantId: string; price: number }[] = []
    for (const product of storeProducts) {
      const page = await core.catalog.getProduct(anonCtx(), product.id)
      const detail = (JSON.parse(page.body) as { product: CatalogProductDetailDTO }).product
      variants.push(...detail.variants.map((v) => ({ variantId: v.id, price: v.price })))
      if (variants.length >= 2) break
    }
    picked.push(variants)
  }
  const twoFrom = picked.find((variants) => variants.length >= 2)
  const oneFrom = picked.find((variants) => variants !== twoFrom && variants.length >= 1)
  if (!twoFrom || !oneFrom) throw new Error('The demo catalog has no two stores to buy from')
  const chosen = [
    { ...twoFrom[0]!, quantity: 1 },
    { ...twoFrom[1]!, quantity: 2 },
    { ...oneFrom[0]!, quantity: 1 },
  ]
  for (const line of chosen) {
    await core.inventory.adjust(adminCtx(), line.variantId, STOCK_TOP_UP, 'bench stock')
  }
  return {
    lines: chosen.map(({ variantId, quantity }) => ({ variantId, quantity })),
    total: chosen.reduce((sum, line) => sum + line.price * line.quantity, 0),
  }
}

export interface PreparedFlows {
  fixtures: FlowFixtures
  /** Puts the bench cart in the (empty) carts of these shoppers; returns the lines added. */
  fillCarts(shoppers: number[]): Promise<number>
  /** Counts of what payment confirmations did so far. */
  settled(): Settled
  /** Starts the counts again (after the preload, whose template checkout is paid too). */
  resetSettled(): void
}

/** Prepares the flows: `shoppers` verified buyers and the cart they buy. Needs the demo seed. */
export async function prepareFlows(core: Core, shoppers: number): Promise<PreparedFlows> {
  const cart = await cartOfTwoStores(core)
  const stamp = Date.now().toString(36)
  const buyers = await eachLimited(
    Array.from({ length: shoppers }, (_, index) => index),
    SIGNUP_CONCURRENCY,
    (index) => aSignedInBuyer(core, `bench.shopper.${stamp}.${index}@example.test`),
  )
  const counts: Settled = { ordersPaid: 0, paymentIssues: 0 }
  core.events.on('order.processing', () => {
    counts.ordersPaid++
  })
  core.events.on('order_group.payment_issue', () => {
    counts.paymentIssues++
  })
  return {
    fixtures: {
      shopperTokens: buyers.map((b) => b.token),
      cart: cart.lines,
      cartTotal: cart.total,
    },
    async fillCarts(indexes) {
      const added = await eachLimited(indexes, 8, async (index) => {
        const buyer = buyers[index]
        if (!buyer) throw new Error(`No shopper ${index}`)
        for (const line of cart.lines) await core.cart.addItem(buyerCtx(buyer.id), line)
        return cart.lines.length
      })
      return added.reduce((sum, n) => sum + n, 0)
    },
    settled: () => ({ ...counts }),
    resetSettled: () => {
      counts.ordersPaid = 0
      counts.paymentIssues = 0
    },
  }
}

type Handlers = {
  [N in FlowCallName]: (args: FlowCalls[N]['args']) => Promise<FlowCalls[N]['result']>
}

/**
 * Answers the load generator's flow requests on this process's IPC channel. The database-time
 * window works without the flows (the table routes use it); filling carts needs them.
 * `timer` must sit on the core's own connection (opened with `monitorCommands`).
 */
export function answerFlowCalls(core: Core, timer: DbTimer, flows: PreparedFlows | null): void {
  const handlers: Handlers = {
    'fill-carts': async ({ shoppers }) => {
      if (!flows) throw new Error('The flows were not prepared (BENCH_ONLY)')
      return { lines: await flows.fillCarts(shoppers) }
    },
    'db-start': async () => {
      timer.start()
      return null
    },
    'db-stop': async () => timer.stop(),
    settle: async () => {
      await core.events.drain()
      return flows?.settled() ?? { ordersPaid: 0, paymentIssues: 0 }
    },
  }
  process.on('message', (message: Partial<FlowCallMessage>) => {
    if (message.kind !== 'flow-call' || message.id === undefined || !message.name) return
    const { id, name } = message
    const handler = handlers[name] as (args: unknown) => Promise<unknown>
    const reply = (answer: FlowReplyMessage) => process.send?.(answer)
    handler(message.args).then(
      (result) => reply({ kind: 'flow-reply', id, ok: true, result }),
      (error: unknown) =>
        reply({
          kind: 'flow-reply',
          id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    )
  })
}
