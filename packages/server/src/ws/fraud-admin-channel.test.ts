import { describe, expect, it } from '@jest/globals'
import {
  aBuyer,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  aVerifiedUser,
  paystackWorldForSuite,
} from '@kloset/core/testing'
import { serverForSuite } from '../test-support/suite.js'
import { connect, type Frame } from '../test-support/ws-client.js'

const { world } = paystackWorldForSuite({ kv: 'redis' })
const server = serverForSuite(world)

describe('fraud decisions on the admin channel', () => {
  it('pushes a checkout’s decision to a subscribed administrator', async () => {
    const store = await aStoreSelling(world)
    const buyer = await aBuyer(world)
    const { session } = await aVerifiedUser(world, 'admin')
    await world.core.events.drain()
    const client = connect(`${server.url.replace(/^http/, 'ws')}/ws`, [
      'bearer',
      session.accessToken,
    ])
    await client.opened
    expect(await client.next()).toMatchObject({ type: 'welcome' })
    client.send({ type: 'subscribe', id: 'a', channel: 'admin' })
    expect(await client.next()).toMatchObject({ type: 'subscribed', channel: 'admin' })
    await world.core.cart.addItem(buyer.ctx, { variantId: store.variant.id, quantity: 1 })
    const result = await world.core.checkout.checkout(
      buyer.ctx,
      { shippingAddress: aShippingAddress() },
      anIdempotencyKey(),
    )
    let frame: Frame = await client.next()
    for (let skipped = 0; frame.event !== 'fraud.decision_made' && skipped < 10; skipped++) {
      frame = await client.next()
    }
    expect(frame).toMatchObject({
      type: 'event',
      channel: 'admin',
      event: 'fraud.decision_made',
      data: {
        orderGroupId: result.body.orderGroup.id,
        buyerId: buyer.user.id,
        outcome: expect.any(String),
        score: expect.any(Number),
        riskScore: 0,
      },
    })
    client.socket.close()
  })
})
