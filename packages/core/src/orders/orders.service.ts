import type { AuditService } from '../audit/audit.service.js'
import { op } from '../db/query.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import { type Ctx, requireAdminOrSystem, requireRole } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import type { Page } from '../shared/paging.js'
import type { StoreLookup } from '../stores/store.types.js'
import type { ResealReport } from './address.cipher.js'
import type { CheckoutService, OrderTimers } from './checkout.service.js'
import type { FraudPort } from './fraud.port.js'
import { actorOf, OrderAccess } from './order.access.js'
import { toAdminOrderDTO, toOrderDTO, toOrderTrackingDTO, toSellerOrderDTO } from './order.dto.js'
import type { OrderDoc } from './order.model.js'
import { OrderQueries } from './order.queries.js'
import type { OrderRecords } from './order.records.js'
import type {
  AdminOrdersQuery,
  CancelOrderBody,
  DisputeOrderBody,
  ListOrdersQuery,
  ResolveDisputeBody,
  ShipOrderBody,
  TrackingCheckpointBody,
} from './order.schemas.js'
import { OrderSteps, skipChanged } from './order.steps.js'
import { OrderTracking } from './order.tracking.js'
import { assertOrderMove, orderActorOf } from './order.transitions.js'
import type {
  AdminOrderDTO,
  OrderDTO,
  OrderExplanation,
  OrderTrackingDTO,
  SellerOrderDTO,
} from './order.types.js'
import type { OrderMail } from './order-mail.js'
import { PAID_ORDER_STATUSES } from './purchase-log.js'
import type { RefundsService } from './refunds.service.js'

export { CHECKPOINT_CLOCK_SKEW_MS, MAX_TRACKING_CHECKPOINTS } from './order.tracking.js'

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

/**
 * Store orders after checkout: lists and views scoped to who asks, and every status change,
 * each checked against the transition table (state and actor), written as a compare-and-set
 * with its timeline entry, announced as `order.<status>` and mailed to the people concerned.
 */
export class OrdersService {
  private access: OrderAccess
  private steps: OrderSteps
  private queries: OrderQueries
  private trackingOf: OrderTracking

  constructor(private deps: OrdersDeps) {
    this.access = new OrderAccess(deps)
    this.steps = new OrderSteps(deps)
    this.queries = new OrderQueries(deps, this.access)
    this.trackingOf = new OrderTracking(deps, this.access, this.steps)
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The signed-in buyer's orders, newest first. */
  async listOwn(ctx: Ctx, query: ListOrdersQuery): Promise<Page<OrderDTO>> {
    const buyerId = requireRole(ctx, 'buyer', 'seller')
    return this.access.page({ buyerId }, query, toOrderDTO)
  }

  /** One of the buyer's orders, with its timeline. @throws NotFoundError for anyone else's. */
  async getOwn(ctx: Ctx, orderId: string): Promise<OrderDTO> {
    return toOrderDTO(
      await this.access.visible(ctx, orderId, await this.access.viewer(ctx, 'buyer')),
    )
  }

  /**
   * Whether the buyer has paid for an order of the store (processing or later, not cancelled):
   * chat stops hiding contact details then.
   */
  async hasPaidOrderWith(buyerId: string, storeId: string): Promise<boolean> {
    const found = await this.deps.records.orders.exists({
      buyerId,
      storeId,
      status: op({ $in: PAID_ORDER_STATUSES }),
    })
    return found !== null
  }

  /** The seller's store's orders, newest first, by status. */
  async listForSeller(ctx: Ctx, query: ListOrdersQuery): Promise<Page<SellerOrderDTO>> {
    requireRole(ctx, 'seller')
    const store = await this.deps.stores.requireOwnStore(ctx)
    return this.access.page({ storeId: store.id }, query, toSellerOrderDTO)
  }

  /** One order of the seller's store. @throws NotFoundError for other stores' orders. */
  async getForSeller(ctx: Ctx, orderId: string): Promise<SellerOrderDTO> {
    return toSellerOrderDTO(
      await this.access.visible(ctx, orderId, await this.access.viewer(ctx, 'seller')),
    )
  }

  // ---- administrators' reads (order.queries.ts) ---------------------------------------------

  /** Every order, by status and store; administrators. */
  list(ctx: Ctx, query: AdminOrdersQuery): Promise<Page<AdminOrderDTO>> {
    return this.queries.list(ctx, query)
  }

  /** Seals every shipping address under the current key (`kloset keys rotate`); administrators. */
  resealAddresses(
    ctx: Ctx,
    options: { batchSize?: number; dryRun?: boolean } = {},
  ): Promise<ResealReport> {
    return this.queries.resealAddresses(ctx, options)
  }

  /** How many store orders placed in `[from, to)` are in each status now; administrators. */
  countByStatus(ctx: Ctx, range: { from: Date; to: Date }): Promise<Record<string, number>> {
    return this.queries.countByStatus(ctx, range)
  }

  /** Buyers who placed a store order in `[from, to)`, and stores that received one. */
  activeParties(
    ctx: Ctx,
    range: { from: Date; to: Date },
  ): Promise<{ buyers: number; sellers: number }> {
    return this.queries.activeParties(ctx, range)
  }

  /** Order groups paid in `[from, to)`, or the one with this reference, for reconciliation. */
  paidGroups(ctx: Ctx, range: { from: Date; to: Date } | { reference: string }) {
    return this.queries.paidGroups(ctx, range)
  }

  /** One order with its payment side; administrators. @throws NotFoundError */
  get(ctx: Ctx, orderId: string): Promise<AdminOrderDTO> {
    return this.queries.get(ctx, orderId)
  }

  /** The store orders paid by one Paystack transaction (a chargeback names only that). */
  forPaymentReference(ctx: Ctx, reference: string): Promise<AdminOrderDTO[]> {
    return this.queries.forPaymentReference(ctx, reference)
  }

  /** `kloset orders explain`: next moves, pending timers and refunds. Administrators. */
  explain(ctx: Ctx, orderId: string): Promise<OrderExplanation> {
    return this.queries.explain(ctx, orderId)
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
    const viewer = await this.access.viewer(ctx, as)
    const order = await this.access.visible(ctx, orderId, viewer)
    const actor = actorOf(viewer)
    assertOrderMove(actor, order.status, 'cancelled')
    const reason = input.reason ?? `cancelled by the ${actor}`
    if (order.status === 'pending') {
      await this.deps.checkout.cancelUnpaid(ctx, await this.deps.records.groupOf(order), reason)
      return this.deps.records.get(orderId)
    }
    const cancelled = await this.steps.moveOrThrow(ctx, actor, order, 'cancelled', {
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
    const order = await this.access.visible(ctx, orderId, await this.access.viewer(ctx, 'seller'))
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
    // The seller's store, the order and its fraud hold are independent reads: made together (the
    // ship's latency is the order's push latency), their errors reported in this order.
    const [viewer, order, held] = await inOrder(
      this.access.viewer(ctx, 'seller'),
      this.deps.records.get(orderId),
      this.deps.holds?.shippingHeld(orderId),
    )
    this.access.assertVisible(ctx, order, viewer)
    if (held) {
      throw new InvalidStateError(
        'This order is on hold for a review and cannot ship yet',
        'order_on_hold',
      )
    }
    const shipped = await this.steps.moveOrThrow(ctx, actorOf(viewer), order, 'shipped', {
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
    const viewer = await this.access.viewer(ctx, 'seller')
    const order = await this.access.visible(ctx, orderId, viewer)
    return toSellerOrderDTO(
      await this.steps.deliver(ctx, actorOf(viewer), order, 'delivered, per the seller'),
    )
  }

  /** The buyer confirms a shipped order arrived. */
  async confirmDelivery(ctx: Ctx, orderId: string): Promise<OrderDTO> {
    const viewer = await this.access.viewer(ctx, 'buyer')
    const order = await this.access.visible(ctx, orderId, viewer)
    return toOrderDTO(
      await this.steps.deliver(ctx, actorOf(viewer), order, 'delivery confirmed by the buyer'),
    )
  }

  /**
   * The order's tracking: the shipment and its checkpoints. Its buyer, its store's seller and
   * administrators; anyone else gets NotFoundError, as for the order itself.
   */
  async tracking(ctx: Ctx, orderId: string): Promise<OrderTrackingDTO> {
    return toOrderTrackingDTO(await this.access.visibleToAnyViewer(ctx, orderId))
  }

  /** A seller's tracking checkpoint on a shipped order (`order.tracking.ts`). */
  addTrackingCheckpoint(
    ctx: Ctx,
    orderId: string,
    input: TrackingCheckpointBody,
  ): Promise<OrderTrackingDTO> {
    return this.trackingOf.addTrackingCheckpoint(ctx, orderId, input)
  }

  /**
   * Moves the buyer's order to `disputed` (it stops the completion timer). The dispute case
   * (DisputesService.open) checks the window and tells both parties; this is the order's move.
   */
  async dispute(ctx: Ctx, orderId: string, input: DisputeOrderBody): Promise<OrderDTO> {
    const viewer = await this.access.viewer(ctx, 'buyer')
    const order = await this.access.visible(ctx, orderId, viewer)
    const disputed = await this.steps.moveOrThrow(ctx, actorOf(viewer), order, 'disputed', {
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
    const resolved = await this.steps.moveOrThrow(ctx, actor, order, 'resolved', {
      reason: `${input.resolution}: ${input.reason}`,
      set: { 'dispute.resolution': input.resolution },
    })
    if (input.resolution === 'refund') {
      const reason = `dispute resolved: ${input.reason}`
      const refund =
        input.amount === undefined
          ? await this.deps.refunds.refundRemainder(ctx, resolved, reason)
          : await this.deps.refunds.refundPart(ctx, resolved, input.amount, reason)
      if (refund?.status === 'processed') await this.steps.releaseFunds(ctx, resolved)
    } else {
      await this.steps.releaseFunds(ctx, resolved)
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
    if (order.status === 'resolved') await this.steps.releaseFunds(ctx, order)
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
      const moved = await this.steps
        .deliver(ctx, orderActorOf(ctx), order, 'no dispute within the delivery window')
        .catch(skipChanged)
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
      const done = await this.deps.records.move(ctx, order, 'delivered', 'completed', {
        reason: 'return window passed',
        set: { completedAt: ctx.now },
      })
      if (!done) continue
      completed++
      await this.steps.releaseFunds(ctx, done)
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
    if (order.status === 'completed') await this.steps.releaseFunds(ctx, order)
  }
}

/**
 * Awaits independent work started together; the first failure in argument order is thrown (as
 * if each had been awaited in turn), whichever failed first in time.
 */
async function inOrder<T extends unknown[]>(
  ...work: { [K in keyof T]: Promise<T[K]> | T[K] }
): Promise<T> {
  const settled = await Promise.allSettled(work)
  for (const result of settled) if (result.status === 'rejected') throw result.reason
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T
}
