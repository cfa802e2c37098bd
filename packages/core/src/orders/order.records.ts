import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import { type Ctx, describeActor } from '../shared/ctx.js'
import { NotFoundError } from '../shared/errors.js'
import type { EventBus, OutboxEntry, OutboxSource } from '../shared/events.js'
import { isId } from '../shared/ids.js'
import type {
  OrderDoc,
  OrderGroupDoc,
  OrderGroupModel,
  OrderModel,
  TrackingCheckpointDoc,
} from './order.model.js'
import type { OrderStatus } from './order.types.js'

export interface OrderRecordsDeps {
  orders: OrderModel
  groups: OrderGroupModel
  events: EventBus
}

export const orderNotFound = () => new NotFoundError('Order')

/** Every status an order can move to (it is created `pending`). */
export type MoveTarget = Exclude<OrderStatus, 'pending'>

/**
 * What else a move writes in its single-document update: a tracking checkpoint pushed onto
 * `tracking`, and events recorded before the move's own `order.<status>` (same outbox, in order).
 */
export interface MoveExtras {
  checkpoint?: TrackingCheckpointDoc
  eventsBefore?: OutboxEntry[]
}

/**
 * The one place that writes an order's status: a compare-and-set on the status with the
 * timeline entry and the `order.<status>` event (in the order's outbox) pushed in the same
 * single-document update; the event is then copied to the event log and delivered. Callers check
 * the transition table (and the actor) first.
 */
export class OrderRecords {
  private outbox: OutboxSource

  constructor(private deps: OrderRecordsDeps) {
    this.outbox = outboxSourceOf(deps.orders)
  }

  get orders(): OrderModel {
    return this.deps.orders
  }

  get groups(): OrderGroupModel {
    return this.deps.groups
  }

  /** An order by id, no authorization (callers scope it). @throws NotFoundError */
  async get(orderId: string): Promise<OrderDoc> {
    const order = isId(orderId) ? await this.deps.orders.findById(orderId).lean() : null
    if (!order) throw orderNotFound()
    return order
  }

  /** The group an order belongs to. @throws NotFoundError */
  async groupOf(order: Pick<OrderDoc, 'groupId'>): Promise<OrderGroupDoc> {
    const group = await this.deps.groups.findById(order.groupId).lean()
    if (!group) throw new NotFoundError('Order group')
    return group
  }

  /**
   * Moves an order from `from` to `to` if it is still in `from`. Returns the updated order, or
   * null when another move got there first (the caller decides whether that is an error).
   * Given the order as already read (its identity is all the event needs), no read is made:
   * the compare-and-set on `from` is what decides.
   */
  async move(
    ctx: Ctx,
    orderOrId: OrderIdentity | OrderDoc['_id'] | string,
    from: OrderStatus,
    to: MoveTarget,
    options: { reason?: string; set?: Record<string, unknown> } & MoveExtras = {},
  ): Promise<OrderDoc | null> {
    // The event's payload is the order's fixed identity (group, store, buyer), known before the
    // update so that the event rides in it. Reading it again cost a round trip before the push.
    const order = isIdentity(orderOrId)
      ? orderOrId
      : await this.deps.orders.findById(orderOrId).lean()
    if (!order) return null
    const event = this.deps.events.outboxEntry(`order.${to}`, orderEventPayload(order))
    const events = [...(options.eventsBefore ?? []), event]
    const updated = await this.deps.orders
      .findOneAndUpdate(
        { _id: order._id, status: from },
        {
          $set: { status: to, ...options.set, ...OUTBOX_PENDING },
          $push: {
            timeline: {
              kind: 'transition',
              from,
              to,
              actor: describeActor(ctx.actor),
              ...(options.reason ? { reason: options.reason } : {}),
              at: ctx.now,
              eventId: event._id.toHexString(),
            },
            outbox: events.length === 1 ? event : { $each: events },
            ...(options.checkpoint ? { tracking: options.checkpoint } : {}),
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) return null
    await this.deps.events.publishOutbox(this.outbox, updated._id, events)
    return updated
  }

  /**
   * Adds a tracking checkpoint to a shipped order, with its `order.tracking_updated` event in the
   * same single-document update (guarded on the status still being `shipped`) and `set` applied
   * too. Returns null when the order is no longer shipped.
   */
  async track(
    order: OrderIdentity,
    checkpoint: TrackingCheckpointDoc,
    event: OutboxEntry,
    set: Record<string, unknown> = {},
  ): Promise<OrderDoc | null> {
    const updated = await this.deps.orders
      .findOneAndUpdate(
        { _id: order._id, status: 'shipped' },
        {
          $set: { ...set, ...OUTBOX_PENDING },
          $push: { tracking: checkpoint, outbox: event },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!updated) return null
    await this.deps.events.publishOutbox(this.outbox, updated._id, [event])
    return updated
  }

  /**
   * Adds a note to the timeline without changing the status (an acknowledgement, a refund), with
   * optional fields set in the same update, guarded by `where`.
   */
  async note(
    ctx: Ctx,
    order: Pick<OrderDoc, '_id' | 'status'>,
    reason: string,
    options: { set?: Record<string, unknown>; where?: Record<string, unknown> } = {},
  ): Promise<OrderDoc | null> {
    return this.deps.orders
      .findOneAndUpdate(
        { _id: order._id, ...options.where },
        {
          ...(options.set ? { $set: options.set } : {}),
          $push: {
            timeline: {
              kind: 'note',
              from: order.status,
              to: order.status,
              actor: describeActor(ctx.actor),
              reason,
              at: ctx.now,
            },
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
  }
}

/** What never changes about an order: what every `order.*` event carries. */
export type OrderIdentity = Pick<OrderDoc, '_id' | 'groupId' | 'storeId' | 'buyerId'>

const isIdentity = (value: unknown): value is OrderIdentity =>
  typeof value === 'object' && value !== null && 'storeId' in value && 'groupId' in value

/** The fixed identity every `order.*` event carries. */
export function orderEventPayload(order: OrderIdentity) {
  return {
    orderId: String(order._id),
    orderGroupId: order.groupId,
    storeId: order.storeId,
    buyerId: order.buyerId,
  }
}
