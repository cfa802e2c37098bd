import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import { newId } from '../shared/ids.js'
import {
  aProductIn,
  aProductInput,
  aSellerWithStore,
  aVariantInput,
} from '../test-support/catalog-builders.js'
import { adminCliCtx, createTestWorld, type TestWorld, userCtx } from '../test-support/harness.js'
import type { VariantDTO } from './product.types.js'

let world: TestWorld
let seller: Ctx
let sellerEmail: string
beforeAll(async () => {
  world = await createTestWorld()
  const made = await aSellerWithStore(world)
  seller = made.seller
  sellerEmail = made.email
})
afterAll(() => world.close())

const buyer = () => userCtx(newId(), 'buyer', world.clock.now())
/** The variant's stock as its seller reads it. */
const stockOf = async (variant: VariantDTO) =>
  (await world.core.products.get(seller, variant.productId)).variants.find(
    (v) => v.id === variant.id,
  )?.stock

/** A variant of an approved product with `stock` units. */
async function aVariantWithStock(stock: number, lowStockThreshold = 0): Promise<VariantDTO> {
  const product = await world.core.products.create(seller, aProductInput({ options: [] }))
  const variant = await world.core.products.addVariant(
    seller,
    product.id,
    aVariantInput({ options: {}, stock, lowStockThreshold }),
  )
  return variant
}

describe('reserving stock', () => {
  it('lets exactly the stock through when 50 checkouts race for 10 units', async () => {
    const variant = await aVariantWithStock(10)
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        world.core.inventory.reserve(buyer(), [{ variantId: variant.id, quantity: 1 }], 600),
      ),
    )
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(10)
    expect(lost).toHaveLength(40)
    for (const r of lost)
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'insufficient_stock',
        kind: 'conflict',
      })
    expect(await stockOf(variant)).toBe(0)
  })

  it('takes nothing when one of three lines is short', async () => {
    const [a, b, c] = [
      await aVariantWithStock(5),
      await aVariantWithStock(1),
      await aVariantWithStock(5),
    ] as const
    await expect(
      world.core.inventory.reserve(
        buyer(),
        [
          { variantId: a.id, quantity: 2 },
          { variantId: b.id, quantity: 2 },
          { variantId: c.id, quantity: 2 },
        ],
        600,
      ),
    ).rejects.toMatchObject({ code: 'insufficient_stock', details: { variantId: b.id } })
    expect([await stockOf(a), await stockOf(b), await stockOf(c)]).toEqual([5, 1, 5])
  })

  it('records each reserved line as a movement with the resulting stock', async () => {
    const variant = await aVariantWithStock(4)
    const reservation = await world.core.inventory.reserve(
      buyer(),
      [{ variantId: variant.id, quantity: 3 }],
      600,
      {
        orderGroupId: 'og_1',
      },
    )
    const page = await world.core.inventory.movements(seller, variant.id, { limit: 10 })
    expect(page.items[0]).toMatchObject({
      kind: 'reserve',
      delta: -3,
      stockAfter: 1,
      reservationId: reservation.id,
      orderGroupId: 'og_1',
      actor: expect.stringMatching(/^buyer:/),
    })
    expect(page.items[1]).toMatchObject({ kind: 'initial', delta: 4, stockAfter: 4 })
  })
})

describe('committing and releasing', () => {
  it('refuses to release a committed reservation and keeps the stock sold', async () => {
    const variant = await aVariantWithStock(3)
    const system = systemCtx('checkout', world.clock.now())
    const reservation = await world.core.inventory.reserve(
      system,
      [{ variantId: variant.id, quantity: 2 }],
      600,
    )
    await world.core.inventory.commit(system, reservation.id)
    await expect(
      world.core.inventory.release(system, reservation.id, 'cancelled'),
    ).rejects.toMatchObject({
      code: 'reservation_not_active',
    })
    expect(await stockOf(variant)).toBe(1)
  })

  it('restocks once when a reservation is released twice', async () => {
    const variant = await aVariantWithStock(3)
    const system = systemCtx('checkout', world.clock.now())
    const reservation = await world.core.inventory.reserve(
      system,
      [{ variantId: variant.id, quantity: 2 }],
      600,
    )
    const first = await world.core.inventory.release(system, reservation.id, 'buyer cancelled')
    const second = await world.core.inventory.release(system, reservation.id, 'buyer cancelled')
    expect([first.status, second.status]).toEqual(['released', 'released'])
    expect(await stockOf(variant)).toBe(3)
  })

  it('refuses to commit a released reservation', async () => {
    const variant = await aVariantWithStock(3)
    const system = systemCtx('checkout', world.clock.now())
    const reservation = await world.core.inventory.reserve(
      system,
      [{ variantId: variant.id, quantity: 1 }],
      600,
    )
    await world.core.inventory.release(system, reservation.id, 'cancelled')
    await expect(world.core.inventory.commit(system, reservation.id)).rejects.toMatchObject({
      code: 'reservation_not_active',
    })
  })

  it('hides a buyer’s reservation from another buyer', async () => {
    const variant = await aVariantWithStock(3)
    const reservation = await world.core.inventory.reserve(
      buyer(),
      [{ variantId: variant.id, quantity: 1 }],
      600,
    )
    await expect(
      world.core.inventory.release(buyer(), reservation.id, 'not mine'),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})

describe('a crash between taking stock and recording it', () => {
  it('leaves the unrecorded line out on release: stock can end lower, never higher', async () => {
    const [a, b] = [await aVariantWithStock(5), await aVariantWithStock(5)] as const
    const system = systemCtx('checkout', world.clock.now())
    const reservation = await world.core.inventory.reserve(
      system,
      [
        { variantId: a.id, quantity: 2 },
        { variantId: b.id, quantity: 2 },
      ],
      600,
    )
    // What a crash right after b's $inc would leave: the stock taken, no movement row.
    await world.core.connection
      .collection('stock_movements')
      .deleteOne({ key: `${reservation.id}:${b.id}:reserve` })
    await world.core.inventory.release(system, reservation.id, 'checkout abandoned')
    expect([await stockOf(a), await stockOf(b)]).toEqual([5, 3])
  })
})

describe('expiry', () => {
  it('gives back the stock of reservations past their expiry, and only those', async () => {
    const variant = await aVariantWithStock(5)
    const at = world.clock.now()
    const short = await world.core.inventory.reserve(
      userCtx(newId(), 'buyer', at),
      [{ variantId: variant.id, quantity: 2 }],
      60,
    )
    await world.core.inventory.reserve(
      userCtx(newId(), 'buyer', at),
      [{ variantId: variant.id, quantity: 1 }],
      3600,
    )
    expect(await world.core.inventory.releaseExpired(world.clock.now())).toBe(0)
    world.clock.advance(61_000)
    expect(await world.core.inventory.releaseExpired(world.clock.now())).toBe(1)
    expect(await stockOf(variant)).toBe(4)
    const after = await world.core.inventory.getReservation(systemCtx('t'), short.id)
    expect(after).toMatchObject({ status: 'expired' })
  })
})

describe('seller stock changes', () => {
  it('never drives stock below zero', async () => {
    const variant = await aVariantWithStock(2)
    await expect(
      world.core.inventory.adjust(seller, variant.id, -3, 'damaged in transit'),
    ).rejects.toMatchObject({
      code: 'insufficient_stock',
    })
    expect(await stockOf(variant)).toBe(2)
  })

  it('sets a counted quantity and records the difference', async () => {
    const variant = await aVariantWithStock(2)
    const result = await world.core.inventory.change(seller, variant.id, {
      set: 7,
      reason: 'stocktake',
    })
    expect(result).toMatchObject({ previous: 2, variant: { stock: 7 } })
    const page = await world.core.inventory.movements(seller, variant.id, { limit: 1 })
    expect(page.items[0]).toMatchObject({
      kind: 'set',
      delta: 5,
      stockAfter: 7,
      reason: 'stocktake',
    })
  })

  it('answers another seller with not found for stock and movements', async () => {
    const variant = await aVariantWithStock(2)
    const other = (await aSellerWithStore(world)).seller
    await expect(
      world.core.inventory.adjust(other, variant.id, 5, 'restock'),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(
      world.core.inventory.movements(other, variant.id, { limit: 10 }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    expect(await stockOf(variant)).toBe(2)
  })

  it('flips the product out of stock at zero and back in when restocked', async () => {
    const { product, variant } = await aProductIn(world, seller, 'approved')
    await world.core.inventory.set(seller, variant.id, 0, 'sold out at the market')
    expect((await world.core.products.get(seller, product.id)).inStock).toBe(false)
    await world.core.inventory.adjust(seller, variant.id, 4, 'restock')
    expect((await world.core.products.get(seller, product.id)).inStock).toBe(true)
  })
})

describe('platform restocks', () => {
  const refundJob = () => systemCtx('refunds.settle', world.clock.now())
  const aRestock = (variant: VariantDTO, key = `refund:${newId()}:${variant.id}`) => ({
    variantId: variant.id,
    quantity: 2,
    key,
    reason: 'refund',
  })

  it('restocks once when the same key is restocked twice', async () => {
    const variant = await aVariantWithStock(3)
    const input = aRestock(variant)
    const first = await world.core.inventory.restock(refundJob(), input)
    const second = await world.core.inventory.restock(refundJob(), input)
    expect([first.applied, second.applied]).toEqual([true, false])
    expect(await stockOf(variant)).toBe(5)
  })

  it('lets a system job restock and records it as that job', async () => {
    const variant = await aVariantWithStock(3)
    const result = await world.core.inventory.restock(refundJob(), {
      ...aRestock(variant),
      refs: { orderGroupId: 'og_7' },
    })
    expect(result).toMatchObject({ applied: true, previous: 3, variant: { stock: 5 } })
    const page = await world.core.inventory.movements(seller, variant.id, { limit: 1 })
    expect(page.items[0]).toEqual(
      expect.objectContaining({
        kind: 'restock',
        delta: 2,
        stockAfter: 5,
        orderGroupId: 'og_7',
        actor: 'system:refunds.settle',
      }),
    )
    expect(page.items[0]).not.toHaveProperty('unconfirmed')
  })

  it('lets an administrator at the terminal restock', async () => {
    const variant = await aVariantWithStock(3)
    await world.core.inventory.restock(adminCliCtx(world.clock.now()), aRestock(variant))
    expect(await stockOf(variant)).toBe(5)
  })

  it('refuses a seller, even for their own variant', async () => {
    const variant = await aVariantWithStock(3)
    await expect(world.core.inventory.restock(seller, aRestock(variant))).rejects.toMatchObject({
      kind: 'forbidden',
    })
    expect(await stockOf(variant)).toBe(3)
  })

  it('skips a retry after a crash between recording the key and the increment', async () => {
    const variant = await aVariantWithStock(3)
    const input = aRestock(variant)
    await world.core.inventory.restock(refundJob(), input)
    // What a crash right after the movement insert would leave: the row unconfirmed, no $inc.
    await world.core.connection
      .collection('variants')
      .updateOne({ _id: new Types.ObjectId(variant.id) }, { $inc: { stock: -2 } })
    await world.core.connection
      .collection('stock_movements')
      .updateOne({ key: input.key }, { $set: { unconfirmed: true } })
    const retry = await world.core.inventory.restock(refundJob(), input)
    expect(retry.applied).toBe(false)
    expect(await stockOf(variant)).toBe(3)
  })

  it('refuses a key already used for another variant', async () => {
    const [a, b] = [await aVariantWithStock(3), await aVariantWithStock(3)] as const
    const key = `refund:${newId()}:shared`
    await world.core.inventory.restock(refundJob(), aRestock(a, key))
    await expect(world.core.inventory.restock(refundJob(), aRestock(b, key))).rejects.toMatchObject(
      { code: 'restock_key_reused' },
    )
    expect(await stockOf(b)).toBe(3)
  })

  it('refuses a key that could take the place of a seller adjustment', async () => {
    const variant = await aVariantWithStock(3)
    await expect(
      world.core.inventory.restock(refundJob(), aRestock(variant, `adjust:${newId()}`)),
    ).rejects.toMatchObject({ kind: 'validation', details: { key: expect.any(String) } })
  })
})

describe('unconfirmed restocks', () => {
  const admin = () => adminCliCtx(world.clock.now())
  const listAll = () => world.core.inventory.unconfirmedMovements(admin(), { limit: 100 })

  /** A restock as a crash right after its movement insert leaves it: marked, never applied. */
  async function anInterruptedRestock(variant: VariantDTO): Promise<void> {
    const key = `refund:${newId()}:${variant.id}`
    const job = systemCtx('refunds.settle', world.clock.now())
    await world.core.inventory.restock(job, {
      variantId: variant.id,
      quantity: 2,
      key,
      reason: 'x',
    })
    await world.core.connection
      .collection('variants')
      .updateOne({ _id: new Types.ObjectId(variant.id) }, { $inc: { stock: -2 } })
    await world.core.connection
      .collection('stock_movements')
      .updateOne({ key }, { $set: { unconfirmed: true } })
  }

  it('lists a restock interrupted before its increment, for its variant to be recounted', async () => {
    const variant = await aVariantWithStock(3)
    await anInterruptedRestock(variant)
    const { items } = await listAll()
    expect(items.filter((m) => m.variantId === variant.id)).toEqual([
      expect.objectContaining({ kind: 'restock', delta: 2, stockAfter: 5, unconfirmed: true }),
    ])
  })

  it('leaves out a restock that completed', async () => {
    const variant = await aVariantWithStock(3)
    await world.core.inventory.restock(systemCtx('refunds.settle', world.clock.now()), {
      variantId: variant.id,
      quantity: 2,
      key: `refund:${newId()}:${variant.id}`,
      reason: 'refund',
    })
    const { items } = await listAll()
    expect(items.map((m) => m.variantId)).not.toContain(variant.id)
  })

  it('lists the newest first', async () => {
    const [older, newer] = [await aVariantWithStock(3), await aVariantWithStock(3)] as const
    await anInterruptedRestock(older)
    await anInterruptedRestock(newer)
    const { items } = await world.core.inventory.unconfirmedMovements(admin(), { limit: 2 })
    expect(items.map((m) => m.variantId)).toEqual([newer.id, older.id])
  })

  it('counts every unconfirmed restock, beyond the limit it lists', async () => {
    const before = (await listAll()).total
    await anInterruptedRestock(await aVariantWithStock(3))
    await anInterruptedRestock(await aVariantWithStock(3))
    const page = await world.core.inventory.unconfirmedMovements(admin(), { limit: 1 })
    expect(page.items).toHaveLength(1)
    expect(page.total).toBe(before + 2)
  })

  it('refuses a seller', async () => {
    await expect(
      world.core.inventory.unconfirmedMovements(seller, { limit: 10 }),
    ).rejects.toMatchObject({ kind: 'forbidden' })
  })

  it('refuses a limit above 100', async () => {
    await expect(
      world.core.inventory.unconfirmedMovements(admin(), { limit: 101 }),
    ).rejects.toMatchObject({ kind: 'validation', details: { limit: expect.any(String) } })
  })

  it('reports how many there are in the retry-pending-restocks job result', async () => {
    await anInterruptedRestock(await aVariantWithStock(3))
    const run = await world.core.jobs.run(admin(), 'retry-pending-restocks')
    expect(run.result).toMatchObject({ unconfirmedMovements: (await listAll()).total })
    expect(run.result?.unconfirmedMovements).toBeGreaterThanOrEqual(1)
  })
})

describe('low stock', () => {
  it('emails the seller once when stock falls to the threshold', async () => {
    const variant = await aVariantWithStock(5, 3)
    const low: unknown[] = []
    const stop = world.core.events.on('stock.low', (event) => {
      if (event.variantId === variant.id) low.push(event)
    })
    try {
      await world.core.inventory.adjust(seller, variant.id, -1, 'sold at pop-up')
      expect(low).toHaveLength(0)
      await world.core.inventory.adjust(seller, variant.id, -1, 'sold at pop-up')
      await world.core.inventory.adjust(seller, variant.id, -1, 'sold at pop-up')
      await world.core.events.drain()
      expect(low).toEqual([expect.objectContaining({ stock: 3, threshold: 3, sku: variant.sku })])
      const mail = await world.smtp.waitFor(sellerEmail, new RegExp(`Low stock: .*${variant.sku}`))
      expect(mail.text).toContain('Only 3 left')
    } finally {
      stop()
    }
  })
})
