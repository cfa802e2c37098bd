/**
 * The bench's fast loader (`BENCH_ORDERS`): fills the database with N orders and everything a
 * paid checkout writes next to them (order groups, ledger journals, stock movements and
 * reservations, payment events, idempotency records, timelines), so that each route and flow
 * is measured against collections of a known size.
 *
 * Making 50,000 orders through the services would take longer than the benchmark itself, so one
 * real checkout is made and paid through the services (the template), and what it inserted is
 * cloned: every id minted during the template is minted anew per clone (as an ObjectId and
 * wherever it appears as a string), so clones reference each other the way the template's
 * documents do; the buyer rotates over a pool (the bench buyer among a thousand), orders rotate
 * over the statuses a live marketplace holds, and values under single-field unique indexes get
 * a per-clone suffix. Stores, products and variants are the demo seed's, unchanged.
 */
import { type Core, makeCtx } from '@kloset/core'
import type { CartLine } from './flow-protocol.js'

/** The shipping address every bench checkout uses. */
export const SHIPPING = {
  name: 'Bench Buyer',
  phone: '+234 803 555 0101',
  line1: '4 Admiralty Way',
  city: 'Lekki',
  state: 'Lagos',
  country: 'NG',
}

/**
 * Collections the template touches that must not be cloned: one cart per buyer, and the mail
 * outbox, whose rows are mail not sent yet (a sent mail leaves no row).
 */
const NOT_CLONED = new Set(['carts', 'mail_outbox'])

/**
 * Clones are history, not work in progress: their events are published and their aggregates'
 * outboxes empty, as in a marketplace whose relay has caught up. Cloning the template's pending
 * events or outbox entries would hand the relay tens of thousands of events to run again.
 */
function asHistory(name: string, copy: Record<string, unknown>): void {
  if (name === 'events') {
    copy.status = 'published'
    copy.publishedAt ??= copy.createdAt
    copy.lockedUntil = new Date(0)
  }
  if ('outbox' in copy) copy.outbox = []
  delete copy.outboxState
}
const BUYER_POOL = 1_000
const CLONES_PER_BATCH = 500
const ORDER_STATUSES = ['processing', 'shipped', 'delivered', 'completed'] as const

export interface PreloadReport {
  orders: number
  /** Documents inserted per collection, the template's included. */
  documents: Record<string, number>
  seconds: number
}

interface ObjectIdLike {
  _bsontype: 'ObjectId'
  toHexString(): string
}
type ObjectIdConstructor = new (hex?: string) => ObjectIdLike

const isObjectId = (value: unknown): value is ObjectIdLike =>
  typeof value === 'object' &&
  value !== null &&
  (value as { _bsontype?: unknown })._bsontype === 'ObjectId'

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

/**
 * Makes and pays one checkout for the buyer through the services; returns its payment reference
 * and idempotency key, the two strings of its own that the clones must not repeat.
 */
export async function paidTemplate(
  core: Core,
  buyerId: string,
  cart: CartLine[],
  sandboxUrl: string,
): Promise<{ reference: string; key: string }> {
  const buyer = makeCtx({ kind: 'user', id: buyerId, role: 'buyer' }, new Date())
  for (const line of cart) await core.cart.addItem(buyer, line)
  const key = `bench-template-${Date.now().toString(36)}`
  const placed = await core.checkout.checkout(buyer, { shippingAddress: SHIPPING }, key)
  const reference = placed.body.payment.reference
  const paid = await fetch(
    `${sandboxUrl}/__sandbox/transactions/${encodeURIComponent(reference)}/succeed`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
  )
  if (!paid.ok) throw new Error(`sandbox succeed: ${paid.status} ${await paid.text()}`)
  const system = makeCtx({ kind: 'system', job: 'bench-preload' }, new Date())
  for (let attempt = 0; attempt < 50; attempt++) {
    const outcome = await core.checkout.confirmPayment(system, reference, 'poll')
    if (outcome === 'paid' || outcome === 'already_paid') break
    await sleep(100)
  }
  await core.events.drain()
  return { reference, key }
}

/** Every ObjectId in a document whose hex is at or after `since` (minted by the template). */
function mintedIds(value: unknown, since: string, into: Set<string>): void {
  if (isObjectId(value)) {
    const hex = value.toHexString()
    if (hex >= since) into.add(hex)
  } else if (Array.isArray(value)) {
    for (const item of value) mintedIds(item, since, into)
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const item of Object.values(value)) mintedIds(item, since, into)
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Deep copy with every token replaced, in ObjectIds and inside strings alike. */
function rewrite(
  value: unknown,
  swap: Map<string, string>,
  pattern: RegExp,
  ObjectId: ObjectIdConstructor,
): unknown {
  if (isObjectId(value)) {
    const hex = value.toHexString()
    const next = swap.get(hex)
    return next ? new ObjectId(next) : value
  }
  if (typeof value === 'string') return value.replace(pattern, (token) => swap.get(token) ?? token)
  if (Array.isArray(value)) return value.map((item) => rewrite(item, swap, pattern, ObjectId))
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, rewrite(item, swap, pattern, ObjectId)]),
    )
  }
  return value
}

/**
 * Loads the database up to `orders` orders (see the file's comment). The bench buyer is one of
 * the pool, so its order list grows with the size like every buyer's.
 */
export async function preloadOrders(
  core: Core,
  options: { orders: number; buyerId: string; cart: CartLine[]; sandboxUrl: string },
): Promise<PreloadReport> {
  const started = performance.now()
  const db = core.connection.db
  if (!db) throw new Error('The database is not connected')
  // The driver's own ObjectId class, from a document it decoded (the seed made users).
  const someone = await db.collection('users').findOne({})
  const ObjectId = someone?._id.constructor as ObjectIdConstructor | undefined
  if (!ObjectId) throw new Error('Seed the database before preloading it')
  const since = new ObjectId().toHexString()
  const { reference, key } = await paidTemplate(
    core,
    options.buyerId,
    options.cart,
    options.sandboxUrl,
  )

  // What the template inserted, per collection.
  const template = new Map<string, Record<string, unknown>[]>()
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (NOT_CLONED.has(name)) continue
    const docs = await db
      .collection(name)
      .find({ _id: { $gte: new ObjectId(since) } } as never)
      .toArray()
    if (docs.length > 0) template.set(name, docs)
  }
  const templateOrders = template.get('orders')?.length ?? 0
  if (templateOrders === 0) throw new Error('The template checkout made no orders')

  const minted = new Set<string>()
  for (const docs of template.values()) for (const doc of docs) mintedIds(doc, since, minted)
  const tokens = [...minted, reference, key, options.buyerId]
  const pattern = new RegExp(tokens.map(escapeRegExp).join('|'), 'g')
  const uniqueFields = new Map<string, string[]>()
  for (const name of template.keys()) {
    const indexes = await db.collection(name).indexes()
    uniqueFields.set(
      name,
      indexes
        .filter((index) => index.unique && Object.keys(index.key).length === 1)
        .map((index) => Object.keys(index.key)[0]!)
        .filter((field) => field !== '_id' && !field.includes('.')),
    )
  }
  const buyers = [
    options.buyerId,
    ...Array.from({ length: BUYER_POOL - 1 }, () => new ObjectId().toHexString()),
  ]

  const documents: Record<string, number> = Object.fromEntries(
    [...template].map(([name, docs]) => [name, docs.length]),
  )
  const clones = Math.max(0, Math.ceil((options.orders - templateOrders) / templateOrders))
  for (let first = 1; first <= clones; first += CLONES_PER_BATCH) {
    const batch = new Map<string, Record<string, unknown>[]>()
    for (let clone = first; clone < first + CLONES_PER_BATCH && clone <= clones; clone++) {
      const swap = new Map<string, string>(
        [...minted].map((hex) => [hex, new ObjectId().toHexString()]),
      )
      // A reference is `kg-<group id>` (the admin list derives it): the clone's names its group.
      const group = swap.get(reference.replace(/^kg-/, ''))
      swap.set(reference, group ? `kg-${group}` : `${reference}c${clone}`)
      swap.set(key, `${key}c${clone}`)
      swap.set(options.buyerId, buyers[clone % buyers.length]!)
      for (const [name, docs] of template) {
        const out = batch.get(name) ?? []
        for (const doc of docs) {
          const copy = rewrite(doc, swap, pattern, ObjectId) as Record<string, unknown>
          for (const field of uniqueFields.get(name) ?? []) {
            if (typeof copy[field] === 'string' && copy[field] === doc[field]) {
              copy[field] = `${copy[field]}~c${clone}`
            }
          }
          if (name === 'orders') copy.status = ORDER_STATUSES[clone % ORDER_STATUSES.length]
          asHistory(name, copy)
          out.push(copy)
        }
        batch.set(name, out)
      }
    }
    for (const [name, docs] of batch) {
      await db.collection(name).insertMany(docs as never[], { ordered: true })
      documents[name] = (documents[name] ?? 0) + docs.length
    }
  }
  return {
    orders: templateOrders * (clones + 1),
    documents,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
}
