import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import { catalogQuery } from '../catalog/public-catalog.schemas.js'
import type { Core } from '../create-core.js'
import type { Delivered } from '../shared/events.js'
import { validateInput } from '../shared/validate.js'
import {
  aProductIn,
  aProductInput,
  aSellerWithStore,
  aVariantInput,
} from '../test-support/catalog-builders.js'
import {
  adminCliCtx,
  anonCtx,
  anotherProcess,
  eventually,
  type OtherProcess,
} from '../test-support/harness.js'
import { testWorldForSuite } from '../test-support/suite.js'

// The world's core stands for a `kloset` command; a second core on the same database, with its
// relay running, stands for the server. They share no cache: only the database (and Redis).

const world = testWorldForSuite()

const opened: OtherProcess[] = []
afterAll(async () => {
  for (const other of opened) await other.close()
})

/** Another process on the world's database, its relay started. */
async function aServer(options: { redisPrefix?: string; pollMs?: number } = {}): Promise<Core> {
  const other = await anotherProcess(world, options)
  opened.push(other)
  return other.core
}

/** A product of a new store, submitted and waiting for an administrator. */
async function aProductInReview(core: Core) {
  const { seller, store } = await aSellerWithStore(world)
  const product = await core.products.create(seller, aProductInput({ title: 'Adire scarf' }))
  await core.products.addVariant(seller, product.id, aVariantInput())
  await core.products.submit(seller, product.id)
  return { product, store }
}

describe('events across processes', () => {
  it("drops the server's cached catalog when a CLI command approves a product (no Redis)", async () => {
    const server = await aServer()
    const { product, store } = await aProductInReview(world.core)
    const query = validateInput(catalogQuery, { store: store.slug })
    const listed = async () =>
      (await server.catalog.listProducts(anonCtx(world.clock.now()), query)).body.includes(
        product.id,
      )
    expect(await listed()).toBe(false) // now cached in the server, for 300 s by its TTL

    await world.core.products.approve(adminCliCtx(world.clock.now()), product.id)
    // The clock stands still: only the invalidation can make the server list the product.
    await eventually(listed)
  })

  it("reaches another instance's listeners through Redis", async () => {
    const prefix = `t${randomBytes(6).toString('hex')}:`
    // Polling once a minute: only Redis can bring the event within the test.
    const server = await aServer({ redisPrefix: prefix, pollMs: 60_000 })
    // The CLI's core: same Redis, and its relay polls once a minute too.
    const other = await anotherProcess(world, { redisPrefix: prefix, pollMs: 60_000 })
    opened.push(other)
    const cli = other.core
    const heard: Delivered<'product.approved'>[] = []
    server.events.on('product.approved', (event) => {
      heard.push(event)
    })
    // The relay's first pass (its tail) runs at start; later ones only after a minute.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const { product } = await aProductInReview(cli)
    await cli.products.approve(adminCliCtx(world.clock.now()), product.id)
    await eventually(async () => heard.length > 0)
    expect(heard.map((e) => e.productId)).toEqual([product.id])
  })

  it('delivers an event recorded by a process that died before delivering it, once', async () => {
    const { seller, email } = await aSellerWithStore(world)
    const { product, variant } = await aProductIn(world, seller, 'approved')
    // What `emit('stock.low', ...)` leaves in the log when its process dies right after the
    // insert: pending, its subscribers not run, its claim (here) already run out.
    const id = new Types.ObjectId()
    await world.core.connection.collection('events').insertOne({
      _id: id,
      name: 'stock.low',
      payload: {
        variantId: variant.id,
        productId: product.id,
        storeId: product.storeId,
        sku: variant.sku,
        stock: 2,
        threshold: 3,
      },
      createdAt: world.clock.now(),
      status: 'pending',
      attempts: 1,
      lockedUntil: new Date(),
      done: [],
    })
    // Two processes start their relays; the low-stock mail (a subscriber) goes out once.
    await Promise.all([aServer(), aServer()])
    await world.smtp.waitFor(email, new RegExp(`Low stock: .*${variant.sku}`))
    const event = world.core.connection.collection('events')
    await eventually(async () => (await event.findOne({ _id: id }))?.status === 'published')
    await new Promise((resolve) => setTimeout(resolve, 500)) // a few more relay passes
    const lowStockMails = world.smtp.to(email).filter((m) => m.subject.includes(variant.sku))
    expect(lowStockMails).toHaveLength(1)
    expect(await event.findOne({ _id: id })).toMatchObject({ done: ['inventory.low-stock-mail'] })
  })
})
