import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  aBuyer,
  anIdempotencyKey,
  aShippingAddress,
  aStoreSelling,
  aVerifiedUser,
  createPaystackWorld,
  type PaystackWorld,
  type TestWorld,
} from '@kloset/core/testing'
import { type RunningServer, startServer } from '../server.js'
import { connect, type Frame } from '../test-support/ws-client.js'

let pw: PaystackWorld
let world: TestWorld
let server: RunningServer
beforeAll(async () => {
  pw = await createPaystackWorld({ kv: 'redis' })
  world = pw.world
  server = await startServer(world.core, { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server.close()
  await pw.close()
})

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
