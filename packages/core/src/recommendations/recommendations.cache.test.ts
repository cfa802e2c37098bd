import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { anonCtx, createTestWorld, type TestWorld } from '../test-support/harness.js'
import { aStoreSelling, aVariantOf } from '../test-support/order-builders.js'

let world: TestWorld
beforeAll(async () => {
  world = await createTestWorld({ kv: 'redis' })
})
afterAll(() => world.close())

describe('recommendations in the Redis cache', () => {
  it('stores an answer in Redis under the catalog generation and drops it when stock runs out', async () => {
    const shop = await aStoreSelling(world)
    const other = await aVariantOf(world, shop.seller, { stock: 1 })
    expect(world.core.kv.kind).toBe('redis')
    const ctx = anonCtx(world.clock.now())
    const first = await world.core.recommendations.alsoBought(ctx, shop.variant.productId)
    const generation = await world.core.kv.get('catalog:generation')
    const key = `catalog:${generation}:recs:also:${shop.variant.productId}`
    expect(await world.core.kv.get(key)).toContain(first.etag)
    expect(
      JSON.parse(first.body).items.map((i: { product: { id: string } }) => i.product.id),
    ).toContain(other.productId)
    // The only unit sells out: the generation moves on and the next answer leaves it out.
    await world.core.inventory.set(shop.seller, other.id, 0, 'stocktake count')
    await world.core.events.drain()
    expect(await world.core.kv.get('catalog:generation')).not.toBe(generation)
    const after = await world.core.recommendations.alsoBought(ctx, shop.variant.productId)
    expect(after.body).not.toContain(other.productId)
  })
})
