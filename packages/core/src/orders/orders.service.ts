import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import {
  type Ctx,
  describeActor,
  isAdmin,
  requireAdminOrSystem,
  requireRole,
  requireUser,
} from '../shared/ctx.js'
import {
  AppError,
  ChangedMeanwhileError,
  InvalidStateError,
  ValidationError,
} from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import { newId } from '../shared/ids.js'
import type { Logger } from '../shared/logger.js'
import { afterIdCursor, idCursorOf, type Page, toPage } from '../shared/paging.js'
import type { StoreLookup } from '../stores/store.types.js'
import { type ResealReport, resealAddresses } from './address.cipher.js'
import type { CheckoutService, OrderTimers } from './checkout.service.js'
import type { FraudPort } from './fraud.port.js'
import {
  toAdminOrderDTO,
  toCheckpointDTO,
  toOrderDTO,
  toOrderGroupDTO,
  toOrderTrackingDTO,
  toRefundDTO,
  toSellerOrderDTO,
} from './order.dto.js'
import type { OrderDoc, TrackingCheckpointDoc } from './order.model.js'
import {
  type MoveExtras,
  type MoveTarget,
  type OrderRecords,
  orderEventPayload,
  orderNotFound,
} from './order.records.js'
import type {
  AdminOrdersQuery,
  CancelOrderBody,
  DisputeOrderBody,
  ListOrdersQuery,
  ResolveDisputeBody,
  ShipOrderBody,
  TrackingCheckpointBody,
} from './order.schemas.js'
import { assertOrderMove, nextMoves, orderActorOf } from './order.transitions.js'
import type {
  AdminOrderDTO,
  OrderActor,
  OrderDTO,
  OrderExplanation,
  OrderStatus,
  OrderTrackingDTO,
  SellerOrderDTO,
} from './order.types.js'
import type { OrderMail } from './order-mail.js'
import type { RefundsService } from './refunds.service.js'

export interface OrdersDeps {
  records: OrderRecords
  checkout: CheckoutService
  refunds: RefundsService
  ledger: Pick<LedgerService, 'releaseToAvailable'>
  stores: StoreLookup
  audit: AuditService
  mail: OrderMail
  logger: Logger
  timers: OrderTimers
  events: Pick<EventBus, 'outboxEntry'>
  /** Fraud holds (fraud feature): a held order does not ship, a held share is not released. */
  holds?: Pick<FraudPort, 'shippingHeld' | 'payoutHeld'>
}

const DAY_MS = 24 * 3600 * 1000
const TIMER_BATCH = 200
/** Checkpoints one order may carry (the array lives in the order document). */
export const MAX_TRACKING_CHECKPOINTS = 100
/** How far ahead of the server's clock a checkpoint's `at` may be (a phone's clock drifts). */
export const CHECKPOINT_CLOCK_SKEW_MS = 60_000

/** Who sees an order: its buyer, its store's seller, administrators; others get 404. */
type Viewer = { as: 'buyer' | 'seller'; id: string } | { as: 'admin' }

/**
 * Store orders after checkout: lists and views scoped to who asks, and every status change,
 * each checked against the transition table (state and actor), written as a compare-and-set
 * with its timeline entry, announced as `order.<status>` and mailed to the people concerned.
 */
export class OrdersService {
  constructor(private deps: OrdersDeps) {}

  // ---- reading ------------------------------------------------------------------------------

  /** The signed-in buyer's orders, newest first. */
  async listOwn(ctx: Ctx, query: ListOrdersQuery): Promise<Page<OrderDTO>> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    return this.page({ buyerId }, query, toOrderDTO)
  }

  /** One of the buyer's orders, with its timeline. @throws NotFoundError for anyone else's. */
  async getOwn(ctx: Ctx, orderId: string): Promise<OrderDTO> {
    return toOrderDTO(await this.visible(ctx, orderId, await this.viewer(ctx, 'buyer')))
  }

  /**
   * Whether the buyer has paid for an order of the store (processing or later, not cancelled):
   * chat stops hiding contact details then.
   */
  async hasPaidOrderWith(buyerId: string, storeId: string): Promise<boolean> {
    const paid: OrderStatus[] = [
      'processing',
      'shipped',
      'delivered',
      'completed',
      'disputed',
      'resolved',
    ]
    const found = await this.deps.records.orders.exists({
      buyerId,
      storeId,
      status: op({ $in: paid }),
    })
    return found !== null
  }

  /** The seller's store's orders, newest first, by status. */
  async listForSeller(ctx: Ctx, query: ListOrdersQuery): Promise<Page<SellerOrderDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.page({ storeId: store.id }, query, toSellerOrderDTO)
  }

  /** One order of the seller's store. @throws NotFoundError for other stores' orders. */
  async getForSeller(ctx: Ctx, orderId: string): Promise<SellerOrderDTO> {
    return toSellerOrderDTO(await this.visible(ctx, orderId, await this.viewer(ctx, 'seller')))
  }

  /** Every order, by status and store; administrators. */
  async list(ctx: Ctx, query: AdminOrdersQuery): Promise<Page<AdminOrderDTO>> {
    requireRole(ctx, 'admin')
    const filter: Record<string, unknown> = {}
    if (query.store) filter.storeId = query.store
    const page = await this.page(filter, query, (doc) => doc)
    const groups = await this.deps.records.groups
      .find({ _id: op({ $in: [...new Set(page.items.map((o) => o.groupId))] }) })
      .lean()
    const reference = new Map(groups.map((g) => [String(g._id), g.reference]))
    return {
      ...page,
      items: page.items.map((o) =>
        toAdminOrderDTO(o, { reference: reference.get(o.groupId) ?? '' }),
      ),
    }
  }

  /**
   * Seals every order's and order group's shipping address under the current encryption key
   * (`kloset keys rotate`), in batches, beside a live server. Administrators only.
   */
  async resealAddresses(
    ctx: Ctx,
    options: { batchSize?: number; dryRun?: boolean } = {},
  ): Promise<ResealReport> {
    requireRole(ctx, 'admin')
    const { orders, groups } = this.deps.records
    return resealAddresses(
      [orders as never, groups as never],
      options.batchSize ?? 200,
      options.dryRun ?? false,
    )
  }

  /** How many store orders placed in `[from, to)` are in each status now; administrators. */
  async countByStatus(ctx: Ctx, range: { from: Date; to: Date }): Promise<Record<string, number>> {
    requireRole(ctx, 'admin')
    const rows = await this.deps.records.orders.aggregate<{ _id: string; count: number }>([
      { $match: { createdAt: { $gte: range.from, $lt: range.to } } },
      { $group: { _id: '$status', count: { $sum: 1 } } },
    ])
    return Object.fromEntries(rows.map((row) => [row._id, row.count]))
  }

  /**
   * Order groups marked paid in `[from, to)`, or the one with this payment reference, for
   * reconciliation against Paystack; administrators and jobs.
   */
  async paidGroups(
    ctx: Ctx,
    range: { from: Date; to: Date } | { reference: string },
  ): Promise<
    {
      reference: string
      status: string
      total: number
      currency: string
      orderIds: string[]
      paidAt?: string
    }[]
  > {
    requireAdminOrSystem(ctx)
    const filter: Record<string, unknown> =
      'reference' in range
        ? { reference: range.reference }
        : { status: 'paid', paidAt: op({ $gte: range.from, $lt: range.to }) }
    const groups = await this.deps.records.groups.find(filter).lean()
    return groups.map((g) => ({
      reference: g.reference,
      total: g.total,
      currency: g.currency,
      orderIds: g.orderIds,
      ...(g.paidAt ? { paidAt: g.paidAt.toISOString() } : {}),
      status: g.status,
    }))
  }

  /** One order with its payment side; administrators. @throws NotFoundError */
  async get(ctx: Ctx, orderId: string): Promise<AdminOrderDTO> {
    requireAdminOrSystem(ctx)
    const order = await this.deps.records.get(orderId)
    return toAdminOrderDTO(order, await this.deps.records.groupOf(order))
  }

  /** The store orders paid by one Paystack transaction (a chargeback names only that). */
  async forPaymentReference(ctx: Ctx, reference: string): Promise<AdminOrderDTO[]> {
    requireAdminOrSystem(ctx)
    const group = await this.deps.records.groups.findOne({ reference }).lean()
    if (!group) return []
    const orders = await this.deps.records.orders.find({ groupId: String(group._id) }).lean()
    return orders.map((o) => toAdminOrderDTO(o, group))
  }

  /**
   * `kloset orders explain`: the order, its group, who may move it where next (from the
   * transition table), its pending timers and its refunds. Administrators.
   */
  async explain(ctx: Ctx, orderId: string): Promise<OrderExplanation> {
    requireRole(ctx, 'admin')
    const order = await this.deps.records.get(orderId)
    const group = await this.deps.records.groupOf(order)
    const { timers } = this.deps
    const at: OrderExplanation['timers'] = []
    if (order.status === 'pending' && group.status !== 'cancelled') {
      at.push({
        name: 'payment expiry',
        at: group.expiresAt.toISOString(),
        note: 'unpaid: cancelled and the stock released (expire-unpaid-orders)',
      })
    }
    if (order.status === 'shipped' && order.shipment) {
      at.push({
        name: 'auto-deliver',
        at: new Date(
          order.shipment.shippedAt.getTime() + timers.autoDeliverAfterDays * DAY_MS,
        ).toISOString(),
        note: 'counted as delivered unless disputed (auto-deliver-shipped-orders)',
      })
    }
    if (order.status === 'delivered' && order.deliveredAt) {
      at.push({
        name: 'completion',
        at: new Date(order.deliveredAt.getTime() + timers.returnWindowDays * DAY_MS).toISOString(),
        note: 'return window ends: completed and the seller share released (complete-delivered-orders)',
      })
    }
    return {
      order: toAdminOrderDTO(order, group),
      orderGroup: toOrderGroupDTO(group),
      next: nextMoves(order.status),
      timers: at,
      refunds: (await this.deps.refunds.forOrder(String(order._id))).map(toRefundDTO),
    }
  }

  // ---- moves ----------------------------------------------------------------------------------

  /**
   * Cancels an order. Unpaid (pending): the buyer's whole checkout is cancelled and its stock
   * released. Paid (processing): the buyer or the seller; the payment is refunded and, once the
   * refund is processed, the lines go back to stock.
   * @throws NotFoundError, InvalidStateError `invalid_transition`, ForbiddenError
   */
  async cancel(ctx: Ctx, orderId: string, input: CancelOrderBody = {}): Promise<OrderDTO> {
    return toOrderDTO(await this.cancelAs(ctx, orderId, input, 'buyer'))
  }

  /** The seller cancels a paid order of their store; the buyer is refunded. */
  async cancelForSeller(
    ctx: Ctx,
    orderId: string,
    input: CancelOrderBody = {},
  ): Promise<SellerOrderDTO> {
    return toSellerOrderDTO(await this.cancelAs(ctx, orderId, input, 'seller'))
  }

  private async cancelAs(
    ctx: Ctx,
    orderId: string,
    input: CancelOrderBody,
    as: 'buyer' | 'seller',
  ): Promise<OrderDoc> {
    const viewer = await this.viewer(ctx, as)
    const order = await this.visible(ctx, orderId, viewer)
    const actor = actorOf(viewer)
    assertOrderMove(actor, order.status, 'cancelled')
    const reason = input.reason ?? `cancelled by the ${actor}`
    if (order.status === 'pending') {
      await this.deps.checkout.cancelUnpaid(ctx, await this.deps.records.groupOf(order), reason)
      return this.deps.records.get(orderId)
    }
    const cancelled = await this.moveOrThrow(ctx, actor, order, 'cancelled', {
      reason,
      set: { cancelledAt: ctx.now, cancelReason: reason },
    })
    await this.deps.mail.updated(
      cancelled,
      { buyer: true, seller: true },
      'cancelled',
      `Reason: ${reason}. The payment is being refunded.`,
    )
    await this.deps.refunds.refundCancelled(ctx, cancelled, reason)
    return this.deps.records.get(orderId)
  }

  /** The seller acknowledges a paid order (a timeline note; the status stays processing). */
  async accept(ctx: Ctx, orderId: string): Promise<SellerOrderDTO> {
    const order = await this.visible(ctx, orderId, await this.viewer(ctx, 'seller'))
    if (order.status !== 'processing') {
      throw new InvalidStateError(
        `Only a processing order can be accepted; this one is ${order.status}`,
        'invalid_transition',
      )
    }
    if (order.acceptedAt) return toSellerOrderDTO(order)
    const noted = await this.deps.records.note(ctx, order, 'accepted by the seller', {
      set: { acceptedAt: ctx.now },
      where: { status: 'processing', acceptedAt: op({ $exists: false }) },
    })
    if (noted)
      await this.deps.mail.updated(
        noted,
        { buyer: true, seller: false },
        'accepted by the seller',
        'The seller is preparing your order.',
      )
    return toSellerOrderDTO(noted ?? (await this.deps.records.get(orderId)))
  }

  /** The seller ships with a carrier and tracking number. */
  async ship(ctx: Ctx, orderId: string, input: ShipOrderBody): Promise<SellerOrderDTO> {
    const viewer = await this.viewer(ctx, 'seller')
    const order = await this.visible(ctx, orderId, viewer)
    if (await this.deps.holds?.shippingHeld(orderId)) {
      throw new InvalidStateError(
        'This order is on hold for a review and cannot ship yet',
        'order_on_hold',
      )
    }
    const shipped = await this.moveOrThrow(ctx, actorOf(viewer), order, 'shipped', {
      reason: `${input.carrier} ${input.trackingNumber}`,
      set: {
        shipment: {
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
          shippedAt: ctx.now,
        },
      },
    })
    await this.deps.mail.updated(
      shipped,
      { buyer: true, seller: false },
      'shipped',
      `Carrier ${input.carrier}, tracking number ${input.trackingNumber}.`,
    )
    return toSellerOrderDTO(shipped)
  }

  /** The seller marks a shipped order delivered. */
  async markDelivered(ctx: Ctx, orderId: string): Promise<SellerOrderDTO> {
    const viewer = await this.viewer(ctx, 'seller')
    const order = await this.visible(ctx, orderId, viewer)
    return toSellerOrderDTO(
      await this.deliver(ctx, actorOf(viewer), order, 'delivered, per the seller'),
    )
  }

  /** The buyer confirms a shipped order arrived. */
  async confirmDelivery(ctx: Ctx, orderId: string): Promise<OrderDTO> {
    const viewer = await this.viewer(ctx, 'buyer')
    const order = await this.visible(ctx, orderId, viewer)
    return toOrderDTO(
      await this.deliver(ctx, actorOf(viewer), order, 'delivery confirmed by the buyer'),
    )
  }

  /**
   * The order's tracking: the shipment and its checkpoints. Its buyer, its store's seller and
   * administrators; anyone else gets NotFoundError, as for the order itself.
   */
  async tracking(ctx: Ctx, orderId: string): Promise<OrderTrackingDTO> {
    return toOrderTrackingDTO(await this.visibleToAnyViewer(ctx, orderId))
  }

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
    const viewer = await this.viewer(ctx, 'seller')
    const order = await this.visible(ctx, orderId, viewer)
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
    const at = input.at ? new Date(input.at) : ctx.now
    if (at.getTime() > ctx.now.getTime() + CHECKPOINT_CLOCK_SKEW_MS) {
      throw new ValidationError(
        'A checkpoint cannot be in the future',
        undefined,
        'checkpoint_in_future',
      )
    }
    const actor = actorOf(viewer)
    const checkpoint: TrackingCheckpointDoc = {
      id: newId(),
      status: input.status,
      ...(input.location ? { location: input.location } : {}),
      ...(input.note ? { note: input.note } : {}),
      at,
      carrier: input.carrier ?? order.shipment.carrier,
      trackingNumber: input.trackingNumber ?? order.shipment.trackingNumber,
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
      updated = await this.deliver(ctx, actor, order, `delivered${where}, per tracking`, {
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

  /**
   * Moves the buyer's order to `disputed` (it stops the completion timer). The dispute case
   * (DisputesService.open) checks the window and tells both parties; this is the order's move.
   */
  async dispute(ctx: Ctx, orderId: string, input: DisputeOrderBody): Promise<OrderDTO> {
    const viewer = await this.viewer(ctx, 'buyer')
    const order = await this.visible(ctx, orderId, viewer)
    const disputed = await this.moveOrThrow(ctx, actorOf(viewer), order, 'disputed', {
      reason: input.reason,
      set: { dispute: { reason: input.reason, openedAt: ctx.now } },
    })
    return toOrderDTO(disputed)
  }

  /**
   * Settles a disputed order (called by the dispute case, which mails both parties): `refund`
   * gives the buyer back `amount` (default: what is left of the order), and the seller's share
   * of the rest is released once that refund is processed; `release` gives the seller their
   * share now. An administrator, or the case's step (system) when the seller accepted.
   * @throws InvalidStateError `invalid_transition` unless disputed, `refund_exceeds_paid`.
   */
  async resolve(
    ctx: Ctx,
    orderId: string,
    input: ResolveDisputeBody & { amount?: number },
  ): Promise<AdminOrderDTO> {
    const actor = orderActorOf(ctx)
    requireAdminOrSystem(ctx)
    const order = await this.deps.records.get(orderId)
    const resolved = await this.moveOrThrow(ctx, actor, order, 'resolved', {
      reason: `${input.resolution}: ${input.reason}`,
      set: { 'dispute.resolution': input.resolution },
    })
    if (input.resolution === 'refund') {
      const reason = `dispute resolved: ${input.reason}`
      const refund =
        input.amount === undefined
          ? await this.deps.refunds.refundRemainder(ctx, resolved, reason)
          : await this.deps.refunds.refundPart(ctx, resolved, input.amount, reason)
      if (refund?.status === 'processed') await this.releaseFunds(ctx, resolved)
    } else {
      await this.releaseFunds(ctx, resolved)
    }
    const group = await this.deps.records.groupOf(resolved)
    return toAdminOrderDTO(await this.deps.records.get(orderId), group)
  }

  /**
   * The `refund.processed` subscriber: a resolved dispute's refund went through, so what is
   * left of the seller's share (nothing after a full refund) is released to them.
   */
  async onRefundProcessed(ctx: Ctx, orderId: string): Promise<void> {
    const order = await this.deps.records.get(orderId)
    if (order.status === 'resolved') await this.releaseFunds(ctx, order)
  }

  // ---- timers (jobs) ----------------------------------------------------------------------

  /** `auto-deliver-shipped-orders`: shipped longer ago than the timeout counts as delivered. */
  async autoDeliverShipped(ctx: Ctx): Promise<{ delivered: number }> {
    requireAdminOrSystem(ctx)
    const before = new Date(ctx.now.getTime() - this.deps.timers.autoDeliverAfterDays * DAY_MS)
    const due = await this.deps.records.orders
      .find({ status: 'shipped', 'shipment.shippedAt': op({ $lte: before }) })
      .sort({ 'shipment.shippedAt': 1 })
      .limit(TIMER_BATCH)
      .lean()
    let delivered = 0
    for (const order of due) {
      const moved = await this.deliver(
        ctx,
        orderActorOf(ctx),
        order,
        'no dispute within the delivery window',
      ).catch(skipChanged)
      if (moved) delivered++
    }
    return { delivered }
  }

  /**
   * `complete-delivered-orders`: after the return window a delivered order completes and the
   * seller's share moves from pending to available in the ledger.
   */
  async completeDelivered(ctx: Ctx): Promise<{ completed: number }> {
    requireAdminOrSystem(ctx)
    const before = new Date(ctx.now.getTime() - this.deps.timers.returnWindowDays * DAY_MS)
    const due = await this.deps.records.orders
      .find({ status: 'delivered', deliveredAt: op({ $lte: before }) })
      .sort({ deliveredAt: 1 })
      .limit(TIMER_BATCH)
      .lean()
    let completed = 0
    for (const order of due) {
      assertOrderMove(orderActorOf(ctx), 'delivered', 'completed')
      const done = await this.deps.records.move(ctx, order._id, 'delivered', 'completed', {
        reason: 'return window passed',
        set: { completedAt: ctx.now },
      })
      if (!done) continue
      completed++
      await this.releaseFunds(ctx, done)
      await this.deps.mail.updated(
        done,
        { buyer: false, seller: true },
        'completed',
        'The return window passed: your share is now available for the next payout.',
      )
    }
    return { completed }
  }

  /**
   * A fraud case that held this order's share was cleared: a completed order's share is
   * released now (one that is not completed yet is released when it completes).
   */
  async releaseHeldFunds(ctx: Ctx, orderId: string): Promise<void> {
    requireRole(ctx, 'admin')
    const order = await this.deps.records.get(orderId)
    if (order.status === 'completed') await this.releaseFunds(ctx, order)
  }

  // ---- internals ----------------------------------------------------------------------------

  private async deliver(
    ctx: Ctx,
    actor: OrderActor | undefined,
    order: OrderDoc,
    reason: string,
    extras: MoveExtras & { set?: Record<string, unknown> } = {},
  ): Promise<OrderDoc> {
    const delivered = await this.moveOrThrow(ctx, actor, order, 'delivered', {
      ...extras,
      reason,
      set: { ...extras.set, deliveredAt: ctx.now },
    })
    await this.deps.mail.updated(
      delivered,
      { buyer: true, seller: true },
      'delivered',
      `Returns are open for ${this.deps.timers.returnWindowDays} days.`,
    )
    return delivered
  }

  /** The seller's share to available, once (the ledger's key makes a replay harmless). */
  private async releaseFunds(ctx: Ctx, order: OrderDoc): Promise<void> {
    if (!order.saleRecorded || order.fundsReleased) return
    // A fraud case holds the share until it is cleared (then `releaseHeldFunds`).
    if (await this.deps.holds?.payoutHeld(String(order._id))) return
    try {
      await this.deps.ledger.releaseToAvailable(ctx, {
        orderId: String(order._id),
        storeId: order.storeId,
        currency: order.currency,
      })
    } catch (error) {
      // A fully refunded order has nothing left to release.
      if (!(error instanceof AppError && error.code === 'nothing_to_release')) throw error
    }
    await this.deps.records.orders.updateOne(
      { _id: order._id, fundsReleased: false },
      { $set: { fundsReleased: true } },
    )
  }

  private async moveOrThrow(
    ctx: Ctx,
    actor: OrderActor | undefined,
    order: OrderDoc,
    to: MoveTarget,
    options: { reason?: string; set?: Record<string, unknown> } & MoveExtras,
  ): Promise<OrderDoc> {
    assertOrderMove(actor, order.status, to)
    const moved = await this.deps.records.move(ctx, order._id, order.status, to, options)
    if (!moved) throw new ChangedMeanwhileError('order')
    return moved
  }

  private async viewer(ctx: Ctx, as: 'buyer' | 'seller'): Promise<Viewer> {
    if (isAdmin(ctx)) return { as: 'admin' }
    if (as === 'seller') {
      requireRole(ctx, 'seller')
      return { as, id: (await this.deps.stores.requireOwnStore(ctx)).id }
    }
    return { as, id: requireUser(ctx) }
  }

  /** The order if the viewer may see it; everyone else gets NotFoundError, never Forbidden. */
  private async visible(ctx: Ctx, orderId: string, viewer: Viewer): Promise<OrderDoc> {
    const order = await this.deps.records.get(orderId)
    if (viewer.as === 'buyer' && order.buyerId !== viewer.id) throw orderNotFound()
    if (viewer.as === 'seller' && order.storeId !== viewer.id) throw orderNotFound()
    if (viewer.as === 'admin' && !isAdmin(ctx)) throw orderNotFound()
    return order
  }

  /** The order if the caller is its buyer, its store's seller or an administrator. */
  private async visibleToAnyViewer(ctx: Ctx, orderId: string): Promise<OrderDoc> {
    if (isAdmin(ctx)) return this.deps.records.get(orderId)
    const userId = requireUser(ctx)
    const order = await this.deps.records.get(orderId)
    if (order.buyerId === userId) return order
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'seller') {
      // A seller without a store is simply not this order's seller; other failures propagate.
      const store = await this.deps.stores.requireOwnStore(ctx).catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'not_found') return undefined
        throw error
      })
      if (store?.id === order.storeId) return order
    }
    throw orderNotFound()
  }

  private async page<T>(
    scope: Record<string, unknown>,
    query: ListOrdersQuery,
    map: (doc: OrderDoc) => T,
  ): Promise<Page<T>> {
    const filter: Record<string, unknown> = { ...scope }
    if (query.status) filter.status = query.status
    Object.assign(filter, afterIdCursor(query.cursor))
    const rows = await this.deps.records.orders
      .find(filter)
      .sort({ _id: -1 })
      .limit(query.limit + 1)
      .lean()
    return toPage(rows, query.limit, map, idCursorOf)
  }
}

/** The column of the transition table the viewer is. */
const actorOf = (viewer: Viewer): OrderActor => viewer.as

/** A timer that lost a race to a person (a dispute, a confirmation) just skips the order. */
function skipChanged(error: unknown): undefined {
  if (
    error instanceof AppError &&
    (error.code === 'changed_meanwhile' || error.code === 'invalid_transition')
  )
    return undefined
  throw error
}
