import { describe, expect, it } from '@jest/globals'
import { testWorldForSuite } from '../test-support/suite.js'
import { type ChannelPublication, onRealtimeEvents, parseChannel } from './channels.js'

const world = testWorldForSuite()

describe('which channels events are pushed on', () => {
  it('routes order, stock, payout, decision and payment-issue events to their channels', async () => {
    const bus = world.core.events
    const published: ChannelPublication[] = []
    const off = onRealtimeEvents(bus, (publication) => published.push(publication))
    const order = { orderId: 'o1', orderGroupId: 'g1', storeId: 's1', buyerId: 'b1' }
    await bus.emit('order.shipped', order)
    await bus.emit('order.disputed', order)
    await bus.emit('stock.low', {
      variantId: 'v1',
      productId: 'p1',
      storeId: 's1',
      sku: 'SKU-1',
      stock: 1,
      threshold: 2,
    })
    await bus.emit('payout.failed', {
      payoutId: 'po1',
      storeId: 's1',
      amount: 100,
      reference: 'r1',
      reason: 'bank',
    })
    await bus.emit('product.rejected', { productId: 'p1', storeId: 's1', reason: 'blurry photos' })
    await bus.emit('order_group.payment_issue', { orderGroupId: 'g1', code: 'amount_mismatch' })
    await bus.emit('stock.changed', {
      variantId: 'v1',
      productId: 'p1',
      storeId: 's1',
      stock: 1,
      previous: 2,
    })
    await bus.drain()
    expect(published.map((p) => `${p.event} -> ${p.channel}`)).toEqual([
      'order.shipped -> order:o1',
      'order.shipped -> store:s1',
      'order.disputed -> order:o1',
      'order.disputed -> store:s1',
      'order.disputed -> admin',
      'stock.low -> store:s1',
      'payout.failed -> store:s1',
      'product.rejected -> store:s1',
      'product.rejected -> admin',
      'order_group.payment_issue -> admin',
    ])
    // The bus's own `event` field is not repeated in the data.
    expect(published[0]?.data).toEqual(order)
    off()
    await bus.emit('order.shipped', order)
    await bus.drain()
    expect(published).toHaveLength(10)
  })

  it('reads the four channel forms and nothing else', () => {
    expect(parseChannel('admin')).toEqual({ kind: 'admin' })
    expect(parseChannel('order:6751f3b0c1d2e3f4a5b6c7e1')).toEqual({
      kind: 'order',
      id: '6751f3b0c1d2e3f4a5b6c7e1',
    })
    for (const name of ['admins', 'user:', 'chat:1', 'store:a b', 'user:1:2'])
      expect(parseChannel(name)).toBeUndefined()
  })
})
