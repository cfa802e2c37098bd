import { describe, expect, it } from '@jest/globals'
import { aPaidOrder, paystackWorldForSuite } from '@kloset/core/testing'
import { runCommand } from '../test-support/run-command.js'
import EventsTail from './events/tail.js'

const { pw, world } = paystackWorldForSuite()

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

async function aShippedOrder() {
  const { store, order } = await aPaidOrder(pw)
  await world.core.orders.ship(store.seller, order.id, {
    carrier: 'DHL',
    trackingNumber: 'DHL-777',
  })
  return { seller: store.seller, orderId: order.id, storeId: store.store.id }
}

describe('kloset events tail', () => {
  it('prints, from another process’s core, only the events of the channel it watches', async () => {
    const watched = await aShippedOrder()
    const other = await aShippedOrder()
    const tail = runCommand(world, EventsTail, [
      '--channel',
      `order:${watched.orderId}`,
      '--count',
      '3',
      '--json',
    ])
    let finished = false
    void tail.finally(() => {
      finished = true
    })
    // The tail starts its own core and relay; keep the events coming until it has printed one.
    for (let round = 0; round < 60 && !finished; round++) {
      const now = { now: world.clock.now() }
      await world.core.orders.addTrackingCheckpoint({ ...other.seller, ...now }, other.orderId, {
        status: 'in_transit',
      })
      await world.core.orders.addTrackingCheckpoint(
        { ...watched.seller, ...now },
        watched.orderId,
        { status: 'in_transit', location: 'Ibadan hub' },
      )
      await sleep(250)
    }
    const run = await tail
    expect(run.exitCode).toBe(0)
    // The relay's first pass also reads the seconds before it started (its overlap): the
    // order's shipment may come first.
    const lines = run.stdout
      .trim()
      .split('\n')
      .slice(0, 3)
      .map((line) => JSON.parse(line))
    expect(lines.map((l) => l.data.orderId)).toEqual([
      watched.orderId,
      watched.orderId,
      watched.orderId,
    ])
    expect(lines.at(-1)).toMatchObject({
      event: 'order.tracking_updated',
      eventId: expect.stringMatching(/^[0-9a-f]{24}$/),
      channels: [`order:${watched.orderId}`, `store:${watched.storeId}`],
      data: { orderId: watched.orderId, checkpoint: { location: 'Ibadan hub' } },
    })
    expect(run.stdout).not.toContain(other.orderId)
    expect(run.stdout).toContain('"received": 3')
  })

  it('prints a line per event for people, with the channels it goes out on', async () => {
    const watched = await aShippedOrder()
    // The relay's first pass reads the seconds before it started: the store's approval, its
    // product's, the order's moves (at most 5 on this channel) may come first.
    const tail = runCommand(world, EventsTail, [
      '--channel',
      `store:${watched.storeId}`,
      '--count',
      '8',
    ])
    let finished = false
    void tail.finally(() => {
      finished = true
    })
    for (let round = 0; round < 60 && !finished; round++) {
      await world.core.orders.addTrackingCheckpoint(
        { ...watched.seller, now: world.clock.now() },
        watched.orderId,
        { status: 'out_for_delivery' },
      )
      await sleep(250)
    }
    const run = await tail
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain(
      `order.tracking_updated [order:${watched.orderId} store:${watched.storeId}] {"orderId":"${watched.orderId}"`,
    )
  })

  it('refuses to tail a conversation nobody reported', async () => {
    const { store, buyer } = await aPaidOrder(pw)
    const { conversation } = await world.core.chat.start(buyer.ctx, { storeId: store.store.id })
    const run = await runCommand(world, EventsTail, [
      '--channel',
      `conversation:${conversation.id}`,
      '--json',
    ])
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'not_found' } })
  })

  it('hides the text of chat messages in a reported conversation', async () => {
    const { store, buyer } = await aPaidOrder(pw)
    const { conversation } = await world.core.chat.start(buyer.ctx, { storeId: store.store.id })
    await world.core.chat.report(buyer.ctx, conversation.id, { reason: 'rude seller' })
    const tail = runCommand(world, EventsTail, [
      '--channel',
      `conversation:${conversation.id}`,
      '--count',
      '1',
      '--json',
    ])
    let finished = false
    void tail.finally(() => {
      finished = true
    })
    for (let round = 0; round < 60 && !finished; round++) {
      await world.core.chat.send({ ...buyer.ctx, now: world.clock.now() }, conversation.id, {
        body: 'my private question',
      })
      await sleep(500)
    }
    const run = await tail
    expect(run.exitCode).toBe(0)
    const line = JSON.parse(run.stdout.trim().split('\n')[0]!)
    expect(line).toMatchObject({
      event: 'chat.message_sent',
      data: { message: { body: '[private]' } },
    })
    expect(run.stdout).not.toContain('my private question')
  })

  it('refuses a name that is not a channel', async () => {
    const run = await runCommand(world, EventsTail, ['--channel', 'orders', '--json'])
    expect(run.exitCode).toBe(3)
    expect(run.json?.error?.code).toBe('unknown_channel')
  })

  it('refuses the channel of an order that does not exist', async () => {
    const run = await runCommand(world, EventsTail, [
      '--channel',
      'order:0123456789abcdef01234567',
      '--json',
    ])
    expect(run.exitCode).toBe(5)
    expect(run.json?.error?.code).toBe('not_found')
  })
})
