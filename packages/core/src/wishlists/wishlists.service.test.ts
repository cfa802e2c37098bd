import { describe, expect, it } from '@jest/globals'
import { aProductIn, aSellerWithStore, aVariantInput } from '../test-support/catalog-builders.js'
import { aBuyer, aStoreSelling } from '../test-support/order-builders.js'
import { testWorldForSuite } from '../test-support/suite.js'

const world = testWorldForSuite()

const settle = async () => {
  await world.core.events.drain()
  await world.core.events.drain()
}
const inbox = async (ctx: Parameters<typeof world.core.notifications.list>[0]) =>
  (await world.core.notifications.list(ctx, { limit: 50, type: 'wishlist' })).items

describe('wishlists', () => {
  it('saves a product and a variant, lists them with price and availability, and removes one', async () => {
    const shop = await aStoreSelling(world, { price: 800_000, stock: 2 })
    const buyer = await aBuyer(world)
    const whole = await world.core.wishlists.add(buyer.ctx, { productId: shop.variant.productId })
    expect(whole.created).toBe(true)
    const one = await world.core.wishlists.add(buyer.ctx, {
      productId: shop.variant.productId,
      variantId: shop.variant.id,
      alerts: { priceDrop: true },
    })
    expect(one.item).toMatchObject({ variantId: shop.variant.id, price: 800_000 })
    // Saving again returns the same item.
    const again = await world.core.wishlists.add(buyer.ctx, { productId: shop.variant.productId })
    expect(again).toMatchObject({ created: false, item: { id: whole.item.id } })

    const list = await world.core.wishlists.list(buyer.ctx, { limit: 20 })
    expect(list.items.map((i) => i.id)).toEqual([one.item.id, whole.item.id])
    expect(list.items[1]).toMatchObject({
      price: 800_000,
      savedPrice: 800_000,
      availability: 'in_stock',
      priceDropped: false,
      alerts: { backInStock: false, priceDrop: false },
      product: { id: shop.variant.productId, store: { id: shop.store.id } },
    })

    await world.core.wishlists.remove(buyer.ctx, whole.item.id)
    const after = await world.core.wishlists.list(buyer.ctx, { limit: 20 })
    expect(after.items.map((i) => i.id)).toEqual([one.item.id])
    await expect(world.core.wishlists.remove(buyer.ctx, whole.item.id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('refuses a product that is not on sale and a variant of another product, saving nothing', async () => {
    const { seller } = await aSellerWithStore(world)
    const draft = await aProductIn(world, seller, 'draft')
    const shop = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await expect(
      world.core.wishlists.add(buyer.ctx, { productId: draft.product.id }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'Product not found' })
    await expect(
      world.core.wishlists.add(buyer.ctx, {
        productId: shop.variant.productId,
        variantId: draft.variant.id,
      }),
    ).rejects.toMatchObject({ message: 'Variant not found' })
    expect((await world.core.wishlists.list(buyer.ctx, { limit: 20 })).items).toEqual([])
  })

  it("does not let a buyer remove or change another buyer's item", async () => {
    const shop = await aStoreSelling(world)
    const owner = await aBuyer(world)
    const other = await aBuyer(world)
    const { item } = await world.core.wishlists.add(owner.ctx, {
      productId: shop.variant.productId,
    })
    await expect(world.core.wishlists.remove(other.ctx, item.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    await expect(
      world.core.wishlists.updateAlerts(other.ctx, item.id, { priceDrop: true }),
    ).rejects.toMatchObject({ code: 'not_found' })
    expect((await world.core.wishlists.list(owner.ctx, { limit: 5 })).items).toHaveLength(1)
  })

  it('shows an item as unavailable once its product is archived', async () => {
    const shop = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    await world.core.wishlists.add(buyer.ctx, { productId: shop.variant.productId })
    await world.core.products.archive(shop.seller, shop.variant.productId)
    const [item] = (await world.core.wishlists.list(buyer.ctx, { limit: 5 })).items
    expect(item).toMatchObject({ availability: 'unavailable', price: null, product: null })
  })

  it('alerts once when a sold-out product is back in stock, and not again the same day', async () => {
    const shop = await aStoreSelling(world, { stock: 1 })
    const buyer = await aBuyer(world)
    await world.core.wishlists.add(buyer.ctx, {
      productId: shop.variant.productId,
      alerts: { backInStock: true },
    })
    const stock = (n: number) =>
      world.core.inventory.set(shop.seller, shop.variant.id, n, 'stocktake count')
    await stock(0)
    await stock(3)
    await settle()
    const alerts = await inbox(buyer.ctx)
    expect(alerts).toMatchObject([
      {
        type: 'wishlist',
        title: expect.stringContaining('Back in stock'),
        link: { productId: shop.variant.productId },
      },
    ])
    // Sold out and back again within the day: no second alert.
    await stock(0)
    await stock(2)
    await settle()
    expect(await inbox(buyer.ctx)).toHaveLength(1)
    // A day later it alerts again.
    world.clock.advance(24 * 3600_000 + 1000)
    await stock(0)
    await stock(2)
    await settle()
    expect(await inbox(buyer.ctx)).toHaveLength(2)
  })

  it('alerts on a price drop below the saved price only for items that asked, and never on a rise', async () => {
    const shop = await aStoreSelling(world, { price: 1_000_000 })
    const watcher = await aBuyer(world)
    const quiet = await aBuyer(world)
    await world.core.wishlists.add(watcher.ctx, {
      productId: shop.variant.productId,
      variantId: shop.variant.id,
      alerts: { priceDrop: true },
    })
    await world.core.wishlists.add(quiet.ctx, { productId: shop.variant.productId })
    await world.core.products.updateVariant(shop.seller, shop.variant.id, { price: 1_200_000 })
    await settle()
    expect(await inbox(watcher.ctx)).toEqual([])
    await world.core.products.updateVariant(shop.seller, shop.variant.id, { price: 900_000 })
    await settle()
    expect(await inbox(watcher.ctx)).toMatchObject([
      { title: expect.stringContaining('Price drop'), body: expect.stringContaining('₦9,000.00') },
    ])
    expect(await inbox(quiet.ctx)).toEqual([])
    const [item] = (await world.core.wishlists.list(watcher.ctx, { limit: 5 })).items
    expect(item).toMatchObject({ price: 900_000, savedPrice: 1_000_000, priceDropped: true })
  })

  it('sends no alert to a buyer who muted wishlist notifications', async () => {
    const shop = await aStoreSelling(world, { price: 1_000_000 })
    const buyer = await aBuyer(world)
    await world.core.notifications.updatePreferences(buyer.ctx, {
      types: { wishlist: { inApp: false } },
    })
    await world.core.wishlists.add(buyer.ctx, {
      productId: shop.variant.productId,
      alerts: { priceDrop: true },
    })
    await world.core.products.updateVariant(shop.seller, shop.variant.id, { price: 500_000 })
    await settle()
    expect(await inbox(buyer.ctx)).toEqual([])
  })

  it('watches a whole product: a variant back in stock alerts only if the product was sold out', async () => {
    const { seller } = await aSellerWithStore(world)
    const { product, variant } = await aProductIn(world, seller, 'approved')
    const large = await world.core.products.addVariant(
      seller,
      product.id,
      aVariantInput({ options: { size: 'L' }, stock: 0 }),
    )
    const buyer = await aBuyer(world)
    await world.core.wishlists.add(buyer.ctx, {
      productId: product.id,
      alerts: { backInStock: true },
    })
    // Size M is in stock all along: size L arriving is not "back in stock".
    await world.core.inventory.set(seller, large.id, 4, 'stocktake count')
    await settle()
    expect(await inbox(buyer.ctx)).toEqual([])
    await world.core.inventory.set(seller, large.id, 0, 'stocktake count')
    await world.core.inventory.set(seller, variant.id, 0, 'stocktake count')
    await world.core.inventory.set(seller, large.id, 1, 'stocktake count')
    await settle()
    expect(await inbox(buyer.ctx)).toHaveLength(1)
  })
})
