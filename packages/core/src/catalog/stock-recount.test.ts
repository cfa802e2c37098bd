import { describe, expect, it } from '@jest/globals'
import { Types } from 'mongoose'
import { adminCliCtx, anInterruptedRestock, aStoreSelling } from '../test-support/index.js'
import { testWorldForSuite } from '../test-support/suite.js'

const world = testWorldForSuite()

const admin = () => adminCliCtx(world.clock.now())
const movements = () => world.core.connection.collection('stock_movements')
const stockOf = async (variantId: string) =>
  (await world.core.connection
    .collection('variants')
    .findOne({ _id: new Types.ObjectId(variantId) }))!.stock as number

describe('stock recount', () => {
  it('puts back the units of a restock a crash left unconfirmed, clears the mark, and a second recount changes nothing', async () => {
    const { variant } = await aStoreSelling(world, { price: 500_000, stock: 5 })
    await anInterruptedRestock(world, variant.id, 3)
    expect(await stockOf(variant.id)).toBe(5)

    const first = await world.core.stockRecount.recount(admin(), { variantId: variant.id })
    expect(first.variants).toEqual([
      expect.objectContaining({
        movements: 8,
        stockBefore: 5,
        stockAfter: 8,
        restored: 1,
        confirmed: 0,
        shortfall: 0,
      }),
    ])
    expect(await stockOf(variant.id)).toBe(8)
    expect(
      await movements().countDocuments({
        variantId: new Types.ObjectId(variant.id),
        unconfirmed: true,
      }),
    ).toBe(0)

    const second = await world.core.stockRecount.recount(admin(), { variantId: variant.id })
    expect(second.variants[0]).toMatchObject({
      stockBefore: 8,
      stockAfter: 8,
      restored: 0,
      confirmed: 0,
    })
    expect(await stockOf(variant.id)).toBe(8)
  })

  it('only clears the mark when the units were added and the mark alone was left', async () => {
    const { variant } = await aStoreSelling(world, { price: 500_000, stock: 4 })
    await anInterruptedRestock(world, variant.id, 2, true)
    const { variants } = await world.core.stockRecount.recount(admin(), { all: true })
    expect(variants).toContainEqual(
      expect.objectContaining({
        variantId: variant.id,
        stockBefore: 6,
        stockAfter: 6,
        confirmed: 1,
      }),
    )
    expect(await stockOf(variant.id)).toBe(6)
    expect(
      (await world.core.inventory.unconfirmedMovements(admin(), { limit: 100 })).items.map(
        (m) => m.variantId,
      ),
    ).not.toContain(variant.id)
  })

  it('leaves a restock younger than the grace period alone: it may still be on its way', async () => {
    const { variant } = await aStoreSelling(world, { price: 500_000, stock: 1 })
    await anInterruptedRestock(world, variant.id, 2)
    await movements().updateOne(
      { variantId: new Types.ObjectId(variant.id), unconfirmed: true },
      { $set: { at: world.clock.now() } },
    )
    const { variants } = await world.core.stockRecount.recount(admin(), { variantId: variant.id })
    expect(variants[0]).toMatchObject({ stockAfter: 1, restored: 0, shortfall: 2 })
  })

  it('writes an audit entry for each variant it recounts, with who asked and what it did', async () => {
    const { variant } = await aStoreSelling(world, { price: 500_000, stock: 2 })
    await anInterruptedRestock(world, variant.id, 3)
    const ctx = admin()
    await world.core.stockRecount.recount(ctx, { variantId: variant.id })
    expect(await world.core.audit.listFor(ctx, { type: 'variant', id: variant.id })).toEqual([
      expect.objectContaining({
        action: 'stock.recounted',
        actor: expect.stringMatching(/^admin-cli:/),
        details: {
          movements: 5,
          stockBefore: 2,
          stockAfter: 5,
          restored: 1,
          confirmed: 0,
          shortfall: 0,
        },
      }),
    ])
  })
})
