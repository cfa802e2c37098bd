import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  aPaidOrder,
  createPaystackWorld,
  type PaystackWorld,
} from '../test-support/order-builders.js'
import { createOrderModel } from './order.model.js'
import {
  createPurchaseLineModel,
  createPurchaseLogStateModel,
  PurchaseLog,
} from './purchase-log.js'

let pw: PaystackWorld
let log: PurchaseLog
const lines = () => createPurchaseLineModel(pw.world.core.connection)
const state = () => createPurchaseLogStateModel(pw.world.core.connection)
const logged = (orderId: string) => lines().find({ orderId }).lean()

beforeAll(async () => {
  pw = await createPaystackWorld()
  const connection = pw.world.core.connection
  log = new PurchaseLog({
    lines: createPurchaseLineModel(connection),
    state: createPurchaseLogStateModel(connection),
    orders: createOrderModel(connection),
  })
}, 120_000)
afterAll(() => pw.close())

describe('the purchase log', () => {
  it('holds one row per line of a paid order, with its buyer, store, product and quantity', async () => {
    const { order, buyer, store } = await aPaidOrder(pw, { quantity: 2 })
    expect(await logged(order.id)).toEqual([
      expect.objectContaining({
        key: `${order.id}:0`,
        buyerId: buyer.user.id,
        storeId: store.store.id,
        productId: store.variant.productId,
        quantity: 2,
      }),
    ])
  })

  it('keeps one row per line when the payment is recorded again (a retried event)', async () => {
    const { order } = await aPaidOrder(pw)
    await log.recordPaid(order.id)
    expect(await logged(order.id)).toHaveLength(1)
  })

  it('drops the rows of an order cancelled after payment', async () => {
    const { order, buyer } = await aPaidOrder(pw)
    await pw.world.core.orders.cancel({ ...buyer.ctx, now: pw.world.clock.now() }, order.id, {
      reason: 'Changed my mind',
    })
    await pw.settle()
    expect(await logged(order.id)).toHaveLength(0)
  })

  it('fills itself from the paid orders once when it started after them', async () => {
    const { order } = await aPaidOrder(pw)
    await lines().deleteMany({})
    await state().deleteMany({})
    expect(await log.backfillOnce(pw.world.clock.now())).toBeGreaterThan(0)
    expect(await logged(order.id)).toHaveLength(1)
    await lines().deleteMany({ orderId: order.id })
    expect(await log.backfillOnce(pw.world.clock.now())).toBe(0)
    expect(await logged(order.id)).toHaveLength(0)
  })
})
