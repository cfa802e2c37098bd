import { describe, expect, it } from '@jest/globals'
import { adminCliCtx } from '../test-support/harness.js'
import { aBuyer, aStoreSelling, aVariantOf } from '../test-support/order-builders.js'
import { paystackWorldForSuite } from '../test-support/suite.js'

const { world } = paystackWorldForSuite()

describe('the cart', () => {
  it('prices lines from the catalog, whatever the client believes', async () => {
    const s = await aStoreSelling(world, { price: 1_234_500 })
    const buyer = await aBuyer(world)
    const cart = await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 2 })
    expect(cart.lines[0]).toMatchObject({
      unitPrice: 1_234_500,
      quantity: 2,
      lineTotal: 2_469_000,
      issues: [],
    })
    expect(cart.subtotal).toBe(2_469_000)
  })

  it('adds to the quantity of an existing line rather than adding a second line', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    const cart = await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 2 })
    expect(cart.lines.map((l) => l.quantity)).toEqual([3])
  })

  it('flags price_changed until the buyer changes the line', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const added = await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    await world.core.products.updateVariant(s.seller, s.variant.id, { price: 1_700_000 })
    const flagged = await world.core.cart.get(buyer.ctx)
    expect(flagged.lines[0]).toMatchObject({
      issues: ['price_changed'],
      unitPrice: 1_700_000,
      priceSeen: 1_500_000,
    })
    const acknowledged = await world.core.cart.updateItem(buyer.ctx, added.lines[0]!.id, {
      quantity: 1,
    })
    expect(acknowledged.lines[0]!.issues).toEqual([])
  })

  it('flags insufficient_stock when stock falls below the quantity', async () => {
    const s = await aStoreSelling(world, { stock: 5 })
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 4 })
    await world.core.inventory.set(s.seller, s.variant.id, 2, 'recount')
    expect((await world.core.cart.get(buyer.ctx)).lines[0]!.issues).toEqual(['insufficient_stock'])
  })

  it('flags unavailable when the store is suspended', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    await world.core.stores.suspend(adminCliCtx(), s.store.id, { reason: 'fake goods reported' })
    const cart = await world.core.cart.get(buyer.ctx)
    expect(cart.lines[0]!.issues).toEqual(['unavailable'])
    expect(cart.hasIssues).toBe(true)
    expect(cart.subtotal).toBe(0)
  })

  it('flags unavailable when the product is archived', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    await world.core.products.archive(s.seller, s.variant.productId)
    expect((await world.core.cart.get(buyer.ctx)).lines[0]!.issues).toEqual(['unavailable'])
  })

  it('refuses more than 20 of one item', async () => {
    const s = await aStoreSelling(world, { stock: 100 })
    const buyer = await aBuyer(world)
    await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 15 })
    await expect(
      world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 6 }),
    ).rejects.toMatchObject({ code: 'quantity_limit' })
  })

  it('refuses a 51st line', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const variants = [
      s.variant,
      ...(await Promise.all(Array.from({ length: 50 }, () => aVariantOf(world, s.seller)))),
    ]
    for (const v of variants.slice(0, 50))
      await world.core.cart.addItem(buyer.ctx, { variantId: v.id, quantity: 1 })
    await expect(
      world.core.cart.addItem(buyer.ctx, { variantId: variants[50]!.id, quantity: 1 }),
    ).rejects.toMatchObject({ code: 'cart_full' })
  })

  it('refuses a seller buying from their own store', async () => {
    const s = await aStoreSelling(world)
    await expect(
      world.core.cart.addItem(s.seller, { variantId: s.variant.id, quantity: 1 }),
    ).rejects.toMatchObject({ code: 'own_store' })
  })

  it('removes a line', async () => {
    const s = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const cart = await world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 })
    expect((await world.core.cart.removeItem(buyer.ctx, cart.lines[0]!.id)).lines).toEqual([])
  })

  it('keeps both lines when two items are added at once', async () => {
    const s = await aStoreSelling(world)
    const other = await aVariantOf(world, s.seller)
    const buyer = await aBuyer(world)
    await Promise.all([
      world.core.cart.addItem(buyer.ctx, { variantId: s.variant.id, quantity: 1 }),
      world.core.cart.addItem(buyer.ctx, { variantId: other.id, quantity: 1 }),
    ])
    expect((await world.core.cart.get(buyer.ctx)).lines).toHaveLength(2)
  })
})
