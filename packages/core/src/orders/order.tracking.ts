import { type Ctx, describeActor } from '../shared/ctx.js'
import { ChangedMeanwhileError, InvalidStateError, ValidationError } from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import { actorOf, type OrderAccess } from './order.access.js'
import { toCheckpointDTO, toOrderTrackingDTO } from './order.dto.js'
import type { OrderDoc, TrackingCheckpointDoc } from './order.model.js'
import { orderEventPayload } from './order.records.js'
import type { TrackingCheckpointBody } from './order.schemas.js'
import type { OrderSteps } from './order.steps.js'
import type { OrderTrackingDTO } from './order.types.js'
import type { OrdersDeps } from './orders.service.js'

/** Checkpoints one order may carry (the array lives in the order document). */
export const MAX_TRACKING_CHECKPOINTS = 100
/** How far ahead of the server's clock a checkpoint's `at` may be (a phone's clock drifts). */
export const CHECKPOINT_CLOCK_SKEW_MS = 60_000

/** Tracking checkpoints on a shipped order (a `delivered` one also delivers it). */
export class OrderTracking {
  constructor(
    private deps: OrdersDeps,
    private access: OrderAccess,
    private steps: OrderSteps,
  ) {}

  /**
   * The store's seller (or an administrator) posts a tracking checkpoint on a shipped order. It
   * is pushed onto the order with its `order.tracking_updated` event in one single-document
   * update. A `delivered` checkpoint also moves the order shipped -> delivered, as the transition
   * table allows (the seller may, an administrator may not), in the same update.
   * @throws NotFoundError, InvalidStateError `order_not_shipped` / `too_many_checkpoints` /
   * `changed_meanwhile`, ValidationError `checkpoint_in_future`, ForbiddenError `transition_not_allowed`
   */
  async addTrackingCheckpoint(
    ctx: Ctx,
    orderId: string,
    input: TrackingCheckpointBody,
  ): Promise<OrderTrackingDTO> {
    const viewer = await this.access.viewer(ctx, 'seller')
    const order = await this.access.visible(ctx, orderId, viewer)
    const { at, shipment } = checkedCheckpoint(order, input, ctx.now)
    const actor = actorOf(viewer)
    const checkpoint: TrackingCheckpointDoc = {
      id: newId(),
      status: input.status,
      ...(input.location ? { location: input.location } : {}),
      ...(input.note ? { note: input.note } : {}),
      at,
      carrier: input.carrier ?? shipment.carrier,
      trackingNumber: input.trackingNumber ?? shipment.trackingNumber,
      ...(input.estimatedDeliveryDate
        ? { estimatedDeliveryDate: input.estimatedDeliveryDate }
        : {}),
      postedBy: actor === 'admin' ? 'admin' : 'seller',
      actor: describeActor(ctx.actor),
      postedAt: ctx.now,
    }
    const set: Record<string, unknown> = {}
    if (input.carrier) set['shipment.carrier'] = input.carrier
    if (input.trackingNumber) set['shipment.trackingNumber'] = input.trackingNumber
    if (input.estimatedDeliveryDate)
      set['shipment.estimatedDeliveryDate'] = input.estimatedDeliveryDate
    const event = this.deps.events.outboxEntry('order.tracking_updated', {
      ...orderEventPayload(order),
      checkpoint: toCheckpointDTO(checkpoint),
    })
    let updated: OrderDoc | null
    if (input.status === 'delivered') {
      const where = input.location ? ` at ${input.location}` : ''
      updated = await this.steps.deliver(ctx, actor, order, `delivered${where}, per tracking`, {
        checkpoint,
        eventsBefore: [event],
        set,
      })
    } else {
      updated = await this.deps.records.track(order, checkpoint, event, set)
      if (!updated) throw new ChangedMeanwhileError('order')
    }
    if (actor === 'admin') {
      await this.deps.audit.record(
        ctx,
        'order.tracking_added',
        { type: 'order', id: orderId },
        { details: { status: input.status, checkpointId: checkpoint.id } },
      )
    }
    return toOrderTrackingDTO(updated)
  }
}

/**
 * A checkpoint may be posted: the order is shipped and below the cap, and `at` is not in the
 * future (beyond the clock skew). Returns the checkpoint's time and the order's shipment.
 */
function checkedCheckpoint(order: OrderDoc, input: TrackingCheckpointBody, now: Date) {
  if (order.status !== 'shipped' || !order.shipment) {
    throw new InvalidStateError(
      `Tracking checkpoints are for shipped orders; this one is ${order.status}`,
      'order_not_shipped',
    )
  }
  if ((order.tracking?.length ?? 0) >= MAX_TRACKING_CHECKPOINTS) {
    throw new InvalidStateError(
      `An order carries at most ${MAX_TRACKING_CHECKPOINTS} tracking checkpoints`,
      'too_many_checkpoints',
    )
  }
  const at = input.at ? new Date(input.at) : now
  if (at.getTime() > now.getTime() + CHECKPOINT_CLOCK_SKEW_MS) {
    throw new ValidationError(
      'A checkpoint cannot be in the future',
      undefined,
      'checkpoint_in_future',
    )
  }
  return { at, shipment: order.shipment }
}
