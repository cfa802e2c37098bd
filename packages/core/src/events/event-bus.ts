import { type Collection, type mongo, Types } from 'mongoose'
import type { PubSub } from '../adapters/kv.js'
import type { Clock } from '../shared/clock.js'
import type {
  AnyDelivered,
  DomainEvents,
  EventBus,
  EventName,
  Handler,
  OutboxEntry,
  OutboxSource,
} from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { EventLogDoc, EventLogModel } from './event-log.model.js'

/** How the relay polls (EVENTS_* settings, docs/configuration.md). */
export interface EventRelaySettings {
  /** How often the relay tails the log and claims pending events. */
  pollMs: number
  /** How long a claim on an event keeps other relays off it. */
  leaseMs: number
  /** After this many failed runs of its subscribers an event is marked `failed`. */
  maxAttempts: number
  /** How often aggregates' outboxes are swept for entries a crash left behind. */
  outboxSweepMs: number
}

export const defaultEventRelaySettings: EventRelaySettings = {
  pollMs: 250,
  leaseMs: 30_000,
  maxAttempts: 10,
  outboxSweepMs: 10_000,
}

/**
 * Seconds of the log read again on every poll: ids are made before their insert lands, and by
 * several processes, so an event can appear behind the cursor. Seen ids dedupe the overlap.
 */
const TAIL_OVERLAP_SECONDS = 3
/** After a stall, the tail catches up at most this far back (pending events are claimed anyway). */
const TAIL_MAX_BACKLOG_SECONDS = 60
/** How long an event id is remembered as seen by this process's listeners. */
const SEEN_FOR_MS = 5 * 60_000
const MAX_SEEN = 50_000
const PUBSUB_CHANNEL = 'events'
const EPOCH = new Date(0)
const DUPLICATE_KEY = 11000

export interface EventBusDeps {
  log: EventLogModel
  clock: Clock
  logger: Logger
  /** Redis pub/sub when REDIS_URL is set: events reach other instances' listeners at once. */
  pubsub?: PubSub
  settings?: Partial<EventRelaySettings>
}

/** The relay's controls: the server and `kloset scheduler` start it; `close()` stops it. */
export interface EventRelay {
  start(): Promise<void>
  stop(): Promise<void>
  /** One pass of every relay duty (tail, claim, outbox sweep); tests and `stop` use it. */
  runOnce(): Promise<void>
}

type AnyHandler = (event: AnyDelivered) => void | Promise<void>
interface Subscriber {
  subscriber: string
  handler: AnyHandler
}
type Row = Pick<EventLogDoc, '_id' | 'name' | 'payload'> & Partial<EventLogDoc>

const withoutUndefined = (payload: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined))

const errorText = (error: unknown) =>
  error instanceof Error ? error.message : String(error ?? 'unknown error')

/**
 * The durable event bus and its relay. `emit` records the event in the `events` collection and
 * then delivers it; aggregates that must change state and record an event atomically carry the
 * event in their own `outbox` and hand it over with `publishOutbox`.
 *
 * Delivery has two kinds of handler:
 * - listeners (`on`, `onAny`) run in every process that registered them, once per process,
 *   for events from any process: at once for this process's own events, through Redis pub/sub
 *   when configured, and through the relay's tail of the log (`_id` > a cursor) otherwise;
 * - subscribers (`subscribe`) run once for the whole marketplace, in the process that holds the
 *   event's claim (the emitter at first, any relay after the lease runs out); each finished
 *   subscriber is noted in `done`, and the event is `published` when all are.
 */
export class DurableEventBus implements EventBus, EventRelay {
  private listeners = new Map<string, Set<AnyHandler>>()
  private anyListeners = new Set<AnyHandler>()
  private subscribers = new Map<string, Subscriber[]>()
  private pending = new Set<Promise<void>>()
  private seen = new Map<string, number>()
  private sources: OutboxSource[] = []
  private settings: EventRelaySettings
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private stopPubSub: (() => Promise<void>) | undefined
  private tailFrom = 0
  private lastSweep = 0

  constructor(private deps: EventBusDeps) {
    this.settings = { ...defaultEventRelaySettings, ...deps.settings }
  }

  private get log(): Collection<EventLogDoc> {
    return this.deps.log.collection as unknown as Collection<EventLogDoc>
  }

  /** Lets the relay sweep this collection's `outbox` arrays after a crash. */
  addOutboxSource(source: OutboxSource): void {
    this.sources.push(source)
  }

  async emit<E extends EventName>(name: E, payload: DomainEvents[E]): Promise<string> {
    const row = this.newRow(new Types.ObjectId(), name, withoutUndefined(payload))
    await this.log.insertOne(row)
    this.deliver(row)
    return row._id.toHexString()
  }

  outboxEntry<E extends EventName>(name: E, payload: DomainEvents[E]): OutboxEntry {
    return {
      _id: new Types.ObjectId(),
      name,
      payload: withoutUndefined(payload),
      at: this.deps.clock.now(),
    }
  }

  async publishOutbox(source: OutboxSource, id: unknown, entries: OutboxEntry[]): Promise<void> {
    try {
      await this.copyOutbox(source, id, entries)
    } catch (error) {
      // The state change is done and its events are safe in the aggregate's outbox: the relay's
      // sweep copies them later. The caller's operation succeeded, so this does not throw.
      this.deps.logger.warn(
        { err: error, collection: source.name, id: String(id) },
        'outbox left for the relay',
      )
    }
  }

  private async copyOutbox(source: OutboxSource, id: unknown, entries: OutboxEntry[]) {
    const rows = entries.map((e) => this.newRow(e._id, e.name, e.payload, e.at))
    // The entries are already durable (the aggregate's update wrote them), so listeners and other
    // instances hear of them now, not one log write later: that write was on the WebSocket push's
    // path. A second announcement (a sweep's, after a crash) is deduped by event id.
    for (const row of rows) this.announce(row)
    for (const row of rows) {
      try {
        await this.log.insertOne(row)
      } catch (error) {
        // Already copied (by the relay's sweep, or by the emitter before a crash): theirs to run.
        if ((error as { code?: number }).code === DUPLICATE_KEY) continue
        throw error
      }
      if (row.status === 'pending') this.track(this.runSubscribers(row))
    }
    const _id = id as Types.ObjectId
    // Usually the outbox holds exactly these entries: emptied and unmarked in one write (these
    // writes follow the push, but the next request's writes queue behind them on the engine).
    const exactly = { _id, outbox: entries } as unknown as mongo.Filter<mongo.Document>
    const emptied = await source.collection.updateOne(exactly, {
      $set: { outbox: [] },
      $unset: { outboxState: 1 },
    })
    if (emptied.modifiedCount === 1) return
    // The exact stored values: `$pull` by condition is a no-op on the embedded engine.
    const pull = { $pullAll: { outbox: entries } } as unknown as mongo.UpdateFilter<mongo.Document>
    await source.collection.updateOne({ _id }, pull)
    // Unmarked only once empty: an entry pushed meanwhile keeps the mark for the sweep.
    await source.collection.updateOne({ _id, outbox: { $size: 0 } }, { $unset: { outboxState: 1 } })
  }

  on<E extends EventName>(name: E, handler: Handler<E>): () => void {
    const set = this.listeners.get(name) ?? new Set()
    set.add(handler as unknown as AnyHandler)
    this.listeners.set(name, set)
    return () => set.delete(handler as unknown as AnyHandler)
  }

  onAny(handler: AnyHandler): () => void {
    this.anyListeners.add(handler)
    return () => this.anyListeners.delete(handler)
  }

  subscribe<E extends EventName>(name: E, subscriber: string, handler: Handler<E>): void {
    const list = this.subscribers.get(name) ?? []
    if (list.some((s) => s.subscriber === subscriber))
      throw new Error(`subscriber ${subscriber} is already registered for ${name}`)
    list.push({ subscriber, handler: handler as unknown as AnyHandler })
    this.subscribers.set(name, list)
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  /** Deletes published events recorded before `before` (the `sweep-event-log` job). */
  async prunePublished(before: Date): Promise<number> {
    const { deletedCount } = await this.log.deleteMany({
      status: 'published',
      createdAt: { $lt: before },
    })
    return deletedCount
  }

  async start(): Promise<void> {
    if (this.timer || this.running) return
    this.tailFrom = Math.floor(Date.now() / 1000)
    if (this.deps.pubsub)
      this.stopPubSub = await this.deps.pubsub.subscribe(PUBSUB_CHANNEL, (message) =>
        this.onPubSub(message),
      )
    const tick = () => {
      this.running = this.runOnce()
        .catch((error) => this.deps.logger.error({ err: error }, 'event relay pass failed'))
        .finally(() => {
          this.running = undefined
          if (this.timer) this.timer = setTimeout(tick, this.settings.pollMs).unref()
        })
    }
    this.timer = setTimeout(tick, 0).unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await this.running
    await this.stopPubSub?.()
    this.stopPubSub = undefined
    await this.drain()
  }

  async runOnce(): Promise<void> {
    await this.tail()
    await this.claimPending()
    if (Date.now() - this.lastSweep >= this.settings.outboxSweepMs) {
      this.lastSweep = Date.now()
      await this.sweepOutboxes()
    }
  }

  // ---- the relay's duties -----------------------------------------------------------------

  /** Tells this process's listeners about events other processes recorded in recent seconds. */
  private async tail(): Promise<void> {
    const now = Math.floor(Date.now() / 1000)
    if (this.tailFrom === 0) this.tailFrom = now
    const from = Math.max(this.tailFrom - TAIL_OVERLAP_SECONDS, now - TAIL_MAX_BACKLOG_SECONDS)
    const rows = await this.log
      .find({ _id: { $gt: Types.ObjectId.createFromTime(from) } })
      .sort({ _id: 1 })
      .toArray()
    for (const row of rows) this.notify(row)
    this.tailFrom = now
    this.forgetOldSeen()
  }

  /** Runs the subscribers of events whose claim ran out (a crash, a failed subscriber). */
  private async claimPending(): Promise<void> {
    // Soonest claimable first, so events backing off never crowd out ones that are due.
    const candidates = await this.log
      .find({ status: 'pending' })
      .sort({ lockedUntil: 1 })
      .limit(100)
      .toArray()
    const now = new Date()
    for (const candidate of candidates.sort((a, b) =>
      a._id.toHexString().localeCompare(b._id.toHexString()),
    )) {
      if (candidate.lockedUntil > now) continue
      const claimed = await this.log.findOneAndUpdate(
        { _id: candidate._id, status: 'pending', lockedUntil: { $lte: now } },
        {
          $set: { lockedUntil: new Date(now.getTime() + this.settings.leaseMs) },
          $inc: { attempts: 1 },
        },
        { returnDocument: 'after' },
      )
      if (claimed) this.deliver(claimed)
    }
  }

  /** Copies outbox entries a crash left in aggregates to the log, and delivers them. */
  private async sweepOutboxes(): Promise<void> {
    for (const source of this.sources) {
      const docs = await source.collection.find({ outboxState: 'pending' }).limit(100).toArray()
      for (const doc of docs) {
        const entries = (doc.outbox ?? []) as OutboxEntry[]
        if (entries.length > 0) await this.copyOutbox(source, doc._id, entries)
      }
    }
  }

  // ---- delivery ---------------------------------------------------------------------------

  private newRow(
    id: Types.ObjectId,
    name: EventName,
    payload: Record<string, unknown>,
    createdAt = this.deps.clock.now(),
  ): EventLogDoc {
    const claimed = (this.subscribers.get(name)?.length ?? 0) > 0
    return {
      _id: id,
      name,
      payload,
      createdAt,
      // With no subscriber there is nothing to run once: published as it is recorded.
      status: claimed ? 'pending' : 'published',
      attempts: claimed ? 1 : 0,
      lockedUntil: claimed ? new Date(Date.now() + this.settings.leaseMs) : EPOCH,
      done: [],
      ...(claimed ? {} : { publishedAt: new Date() }),
    }
  }

  /** Delivers an event this process recorded or claimed: listeners, other instances, subscribers. */
  private deliver(row: EventLogDoc): void {
    this.announce(row)
    if (row.status === 'pending') this.track(this.runSubscribers(row))
  }

  /** Tells this process's listeners and, through Redis, every other instance's. */
  private announce(row: EventLogDoc): void {
    this.notify(row)
    if (this.deps.pubsub) {
      const message = JSON.stringify({
        id: row._id.toHexString(),
        name: row.name,
        payload: row.payload,
      })
      this.deps.pubsub
        .publish(PUBSUB_CHANNEL, message)
        .catch((error) => this.deps.logger.warn({ err: error }, 'event fan-out to Redis failed'))
    }
  }

  private onPubSub(message: string): void {
    try {
      const { id, name, payload } = JSON.parse(message) as {
        id: string
        name: string
        payload: Record<string, unknown>
      }
      this.notify({ _id: new Types.ObjectId(id), name, payload })
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'unreadable event message on Redis')
    }
  }

  /** Runs this process's listeners, once per event id. */
  private notify(row: Row): void {
    const eventId = row._id.toHexString()
    if (this.seen.has(eventId)) return
    this.seen.set(eventId, Date.now())
    // A process that runs no relay (a test, a one-shot command) never tails, so trims here.
    if (this.seen.size > MAX_SEEN) this.forgetOldSeen()
    const event = this.delivered(row)
    for (const handler of [...(this.listeners.get(row.name) ?? []), ...this.anyListeners]) {
      this.track(
        Promise.resolve()
          .then(() => handler(event))
          .catch((error) =>
            this.deps.logger.error(
              { err: error, event: row.name, eventId },
              'event listener failed',
            ),
          ),
      )
    }
  }

  private async runSubscribers(row: EventLogDoc): Promise<void> {
    const event = this.delivered(row)
    const todo = (this.subscribers.get(row.name) ?? []).filter(
      (s) => !row.done.includes(s.subscriber),
    )
    const failures: unknown[] = []
    // One subscriber: its mark rides in the `published` update below (one write fewer). With
    // several, each is marked as it finishes, so a retry skips the ones that succeeded.
    const markEach = todo.length > 1
    await Promise.all(
      todo.map(async ({ subscriber, handler }) => {
        try {
          await handler(event)
          if (markEach)
            await this.log.updateOne({ _id: row._id }, { $addToSet: { done: subscriber } })
        } catch (error) {
          failures.push(error)
          this.deps.logger.error(
            { err: error, event: row.name, eventId: event.eventId, subscriber },
            'event subscriber failed',
          )
        }
      }),
    )
    if (failures.length === 0) {
      await this.log.updateOne(
        { _id: row._id },
        {
          $set: { status: 'published', publishedAt: new Date() },
          ...(markEach || todo.length === 0
            ? {}
            : { $addToSet: { done: { $each: todo.map((s) => s.subscriber) } } }),
        },
      )
      return
    }
    const lastError = errorText(failures[0])
    const retryInMs = Math.min(1000 * 2 ** row.attempts, 5 * 60_000)
    await this.log.updateOne(
      { _id: row._id },
      {
        $set:
          row.attempts >= this.settings.maxAttempts
            ? { status: 'failed', lastError }
            : { lockedUntil: new Date(Date.now() + retryInMs), lastError },
      },
    )
  }

  private delivered(row: Row): AnyDelivered {
    return { ...row.payload, event: row.name, eventId: row._id.toHexString() } as AnyDelivered
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error) => this.deps.logger.error({ err: error }, 'event delivery failed'))
      .finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
  }

  private forgetOldSeen(): void {
    const before = Date.now() - SEEN_FOR_MS
    for (const [id, at] of this.seen) {
      if (at >= before) break
      this.seen.delete(id)
    }
  }
}
