import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Model, Schema, type Types } from 'mongoose'
import { connectDatabase, type Database } from '../db/connection.js'
import { systemClock } from '../shared/clock.js'
import type { Delivered } from '../shared/events.js'
import { createLogger } from '../shared/logger.js'
import { eventually, testMongoUri } from '../test-support/harness.js'
import { DurableEventBus, type EventRelaySettings } from './event-bus.js'
import { createEventLogModel, type EventLogModel } from './event-log.model.js'
import { OUTBOX_PENDING, outboxFields, outboxSourceOf, type WithOutbox } from './outbox.js'

// Each bus stands for one process; they share the database as the server and a CLI command do.

interface WidgetDoc extends WithOutbox {
  _id: Types.ObjectId
  status: string
}

let database: Database
let log: EventLogModel
let widgets: Model<WidgetDoc>

beforeAll(async () => {
  database = await connectDatabase(testMongoUri(), `t_${randomBytes(6).toString('hex')}`, {
    embedded: true,
  })
  log = createEventLogModel(database.connection)
  widgets = database.connection.model<WidgetDoc>(
    'Widget',
    new Schema<WidgetDoc>({ status: String, ...outboxFields }, { collection: 'widgets' }),
  )
  await Promise.all([log.init(), widgets.init()])
})

afterAll(async () => {
  await database.connection.dropDatabase().catch(() => {})
  await database.close()
})

const silent = createLogger({ level: 'silent', pretty: false })
const fast: Partial<EventRelaySettings> = { pollMs: 50, leaseMs: 200, outboxSweepMs: 0 }

/** A bus ("a process") with a subscriber that counts what it handles. */
function aProcess(settings: Partial<EventRelaySettings> = fast) {
  const bus = new DurableEventBus({ log, clock: systemClock, logger: silent, settings })
  bus.addOutboxSource(outboxSourceOf(widgets))
  const handled: Delivered<'store.approved'>[] = []
  bus.subscribe('store.approved', 'test.count', (event) => {
    handled.push(event)
  })
  return { bus, handled }
}

/** Compile-time checks (tsc runs in `npm run typecheck`): the catalog is closed. */
export function catalogIsClosed(bus: DurableEventBus) {
  // @ts-expect-error 'store.teleported' is not in DomainEvents
  void bus.emit('store.teleported', { storeId: 's' })
  // @ts-expect-error a payload must have its event's shape
  void bus.emit('store.approved', { productId: 'p' })
  // @ts-expect-error no listening to names outside the catalog either
  bus.on('*', () => {})
}

describe('the durable event bus', () => {
  it('records an emitted event and delivers it with its id to listeners and subscribers', async () => {
    const { bus, handled } = aProcess()
    const heard: string[] = []
    bus.on('store.approved', ({ storeId, eventId, event }) => {
      heard.push(`${event}:${storeId}:${eventId}`)
    })
    const eventId = await bus.emit('store.approved', { storeId: 's1' })
    await bus.drain()
    expect(heard).toEqual([`store.approved:s1:${eventId}`])
    expect(handled.map((e) => e.eventId)).toEqual([eventId])
    const row = await log.findById(eventId).lean()
    expect(row).toMatchObject({ name: 'store.approved', status: 'published', done: ['test.count'] })
  })

  it('delivers an outbox entry left by a crash once, though two relays sweep it', async () => {
    // "Process" A changes the state with its event in the same update, then dies before copying
    // the event to the log: nothing was delivered.
    const crashed = aProcess()
    const entry = crashed.bus.outboxEntry('store.approved', { storeId: 'crashed' })
    const widget = await widgets.create({ status: 'draft', outbox: [] })
    await widgets.updateOne(
      { _id: widget._id },
      { $set: { status: 'approved', ...OUTBOX_PENDING }, $push: { outbox: entry } },
    )
    expect(crashed.handled).toHaveLength(0)

    // Two new processes start their relays; each sweeps outboxes and claims pending events.
    const b = aProcess()
    const c = aProcess()
    await Promise.all([b.bus.runOnce(), c.bus.runOnce()])
    await Promise.all([b.bus.runOnce(), c.bus.runOnce()])
    await Promise.all([b.bus.drain(), c.bus.drain()])

    const handled = [...b.handled, ...c.handled]
    expect(handled.map((e) => [e.storeId, e.eventId])).toEqual([
      ['crashed', entry._id.toHexString()],
    ])
    expect(await widgets.findById(widget._id).lean()).toMatchObject({ outbox: [] })
    expect((await widgets.findById(widget._id).lean())?.outboxState).toBeUndefined()
    expect(await log.findById(entry._id).lean()).toMatchObject({ status: 'published' })
  })

  it('runs a failed subscriber again from the relay, not the ones that succeeded', async () => {
    const a = new DurableEventBus({ log, clock: systemClock, logger: silent, settings: fast })
    let failures = 1
    const runs: string[] = []
    a.subscribe('store.rejected', 'test.flaky', ({ storeId }) => {
      runs.push(`flaky:${storeId}`)
      if (failures-- > 0) throw new Error('SMTP is down')
    })
    a.subscribe('store.rejected', 'test.steady', ({ storeId }) => {
      runs.push(`steady:${storeId}`)
    })
    const eventId = await a.emit('store.rejected', { storeId: 's2' })
    await a.drain()
    expect(await log.findById(eventId).lean()).toMatchObject({
      status: 'pending',
      done: ['test.steady'],
      lastError: 'SMTP is down',
    })
    // The retry waits out its back-off (2 s after the first attempt).
    await log.updateOne({ _id: eventId }, { $set: { lockedUntil: new Date() } })
    await a.runOnce()
    await a.drain()
    expect(runs.sort()).toEqual(['flaky:s2', 'flaky:s2', 'steady:s2'])
    expect(await log.findById(eventId).lean()).toMatchObject({ status: 'published', attempts: 2 })
  })

  it("tells another process's listeners about an event through the log", async () => {
    const cli = aProcess()
    const server = aProcess()
    const heard: string[] = []
    // A relay starting tails the last few seconds, which hold other tests' events too.
    server.bus.on('store.approved', ({ storeId }) => {
      if (storeId === 'from-cli') heard.push(storeId)
    })
    await server.bus.start()
    try {
      await cli.bus.emit('store.approved', { storeId: 'from-cli' })
      await eventually(() => heard.length > 0)
      await cli.bus.drain()
      // A few more polls: the tail reads recent seconds again, yet each event is heard once.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(heard).toEqual(['from-cli'])
      // The subscriber ran in the process that recorded the event, not again in the server.
      const fromCli = (handled: { storeId: string }[]) =>
        handled.filter((e) => e.storeId === 'from-cli').length
      expect([fromCli(cli.handled), fromCli(server.handled)]).toEqual([1, 0])
    } finally {
      await server.bus.stop()
    }
  })

  it('prunes published events older than the cut-off and keeps pending ones', async () => {
    const { bus } = aProcess()
    const published = await bus.emit('store.closed', { storeId: 'old' }) // no subscriber
    const pending = await bus.emit('store.approved', { storeId: 'waiting' })
    await bus.drain()
    await log.updateOne({ _id: pending }, { $set: { status: 'pending' } })
    const deleted = await bus.prunePublished(new Date(Date.now() + 60_000))
    expect(deleted).toBeGreaterThanOrEqual(1)
    expect(await log.findById(published).lean()).toBeNull()
    expect(await log.findById(pending).lean()).toMatchObject({ status: 'pending' })
  })
})
