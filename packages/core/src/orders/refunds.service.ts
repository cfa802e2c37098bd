import type { AuditService } from '../audit/audit.service.js'
import type { InventoryService } from '../catalog/inventory.service.js'
import { movableTo, op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { Clock } from '../shared/clock.js'
import {
  type Ctx,
  describeActor,
  requireAdminOrSystem,
  requireRole,
  systemCtx,
} from '../shared/ctx.js'
import { AppError, type ErrorKind, InvalidStateError } from '../shared/errors.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { formatMoney } from '../shared/money.js'
import { canTransition } from '../shared/transitions.js'
import { validateInput } from '../shared/validate.js'
import type { IdempotencyService, IdempotentResponse } from './idempotency.service.js'
import { toAdminOrderDTO, toRefundDTO } from './order.dto.js'
import type { OrderDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import { type RefundOrderBody, refundOrderBody } from './order.schemas.js'
import type { AdminOrderDTO, RefundDTO } from './order.types.js'
import type { OrderMail } from './order-mail.js'
import type { RefundDoc, RefundModel } from './refund.model.js'
import { refundTransitions } from './refund.transitions.js'

export interface RefundsDeps {
  records: OrderRecords
  refunds: RefundModel
  paystack: Pick<PaystackClient, 'createRefund' | 'fetchRefund'>
  ledger: Pick<LedgerService, 'recordRefund'>
  /** Gives a refunded order's units back to stock, once per key. */
  inventory: Pick<InventoryService, 'restock'>
  idempotency: IdempotencyService
  audit: AuditService
  mail: OrderMail
  events: EventBus
  clock: Clock
  logger: Logger
}

export interface RefundResult {
  refund: RefundDTO
  order: AdminOrderDTO
}

export interface RefundPreview {
  order: AdminOrderDTO
  amount: number
  refundable: number
}

/**
 * Refunds of store orders through Paystack. An order's `refundedAmount` counts every refund
 * asked for and not failed; it is raised with a guarded `$inc` before Paystack is called, so
 * refunds of one order can never add up to more than was paid for it, even when two race. The
 * refund settles on Paystack's word (`GET /refund/:id`, prompted by `refund.processed` /
 * `refund.failed` webhooks): processed posts the reversing ledger entries, restocks the lines of
 * a cancelled order and tells the buyer; failed gives the amount back to the refundable balance
 * and leaves the refund for an administrator. Each settlement is a compare-and-set on the
 * refund's status, so replays change nothing. Restocking a cancelled order's lines is keyed per
 * variant and tracked by `restockState` (pending -> done), so a crash part-way is finished by the
 * `retry-pending-restocks` job.
 */
export class RefundsService {
  constructor(private deps: RefundsDeps) {}

  /** The `paystack.event_received` subscriber: a refund event settles the refunds it names. */
  async onPaystackEvent(event: DomainEvents['paystack.event_received']): Promise<void> {
    if (!event.reference) return
    if (event.paystackEvent !== 'refund.processed' && event.paystackEvent !== 'refund.failed')
      return
    await this.settle(systemCtx('payments.refund_event', this.deps.clock.now()), event.reference)
  }

  /**
   * An administrator refunds all (no amount) or part of a paid order. Idempotent on the key.
   * @throws InvalidStateError `not_paid` / `refund_exceeds_paid`, ValidationError, and the
   *   idempotency errors (see IdempotencyService).
   */
  async refund(
    ctx: Ctx,
    orderId: string,
    input: RefundOrderBody,
    idempotencyKey: string | null | undefined,
  ): Promise<IdempotentResponse<RefundResult>> {
    requireRole(ctx, 'admin')
    const body = validateInput(refundOrderBody, input)
    return this.deps.idempotency.run(
      ctx,
      { scope: `refund:${orderId}`, key: idempotencyKey, request: body },
      async () => {
        const order = await this.deps.records.get(orderId)
        const amount = body.amount ?? order.total - order.refundedAmount
        const refund = await this.start(
          ctx,
          order,
          amount,
          body.reason,
          order.status === 'cancelled',
        )
        await this.deps.audit.record(
          ctx,
          'order.refund',
          { type: 'order', id: orderId },
          { reason: body.reason, details: { amount, refundId: refund.id } },
        )
        return { status: 201, body: { refund, order: await this.adminView(orderId) } }
      },
    )
  }

  /** What `refund` would do, without doing it (`kloset orders refund --dry-run`). */
  async preview(ctx: Ctx, orderId: string, input: RefundOrderBody): Promise<RefundPreview> {
    requireRole(ctx, 'admin')
    const body = validateInput(refundOrderBody, input)
    const order = await this.deps.records.get(orderId)
    const refundable = order.paidAt ? order.total - order.refundedAmount : 0
    const amount = body.amount ?? refundable
    assertRefundable(order, amount)
    return { order: await this.adminView(orderId), amount, refundable }
  }

  /** A paid order was cancelled: what is left of it goes back, and the lines back to stock. */
  async refundCancelled(ctx: Ctx, order: OrderDoc, reason: string): Promise<RefundDTO | undefined> {
    const remainder = order.total - order.refundedAmount
    if (!order.paidAt || remainder <= 0) return undefined
    return this.start(ctx, order, remainder, reason, true)
  }

  /** A dispute resolved for the buyer: what is left of the order goes back. */
  async refundRemainder(ctx: Ctx, order: OrderDoc, reason: string): Promise<RefundDTO | undefined> {
    const remainder = order.total - order.refundedAmount
    if (!order.paidAt || remainder <= 0) return undefined
    return this.start(ctx, order, remainder, reason, false)
  }

  /**
   * A dispute resolved with part of the order back to the buyer (disputes/). No restock.
   * @throws InvalidStateError `not_paid` / `refund_exceeds_paid`.
   */
  async refundPart(ctx: Ctx, order: OrderDoc, amount: number, reason: string): Promise<RefundDTO> {
    return this.start(ctx, order, amount, reason, false)
  }

  /**
   * A card chargeback the platform lost or accepted (disputes): Paystack already took `amount`
   * from the balance for the customer, so no refund is asked of it; the amount is claimed on the
   * order like any refund (never more than was paid) and booked at once as a processed refund
   * (commission reversed in proportion). @throws InvalidStateError `refund_exceeds_paid`.
   */
  async recordChargeback(
    ctx: Ctx,
    orderId: string,
    amount: number,
    reason: string,
  ): Promise<RefundDTO> {
    const { records, refunds } = this.deps
    const order = await records.get(orderId)
    assertRefundable(order, amount)
    const claimed = await records.orders.updateOne(
      { _id: order._id, refundedAmount: op({ $lte: order.total - amount }) },
      { $inc: { refundedAmount: amount } },
    )
    if (claimed.modifiedCount === 0) {
      const fresh = await records.get(orderId)
      throw exceeds(fresh.total - fresh.refundedAmount)
    }
    const group = await records.groupOf(order)
    const refund = (
      await refunds.create({
        orderId,
        orderGroupId: order.groupId,
        storeId: order.storeId,
        buyerId: order.buyerId,
        amount,
        currency: order.currency,
        reason: `chargeback: ${reason}`,
        status: 'pending',
        transactionReference: group.reference,
        restock: false,
        requestedBy: describeActor(ctx.actor),
      })
    ).toObject()
    await this.processed(ctx, refund)
    return toRefundDTO((await refunds.findById(refund._id).lean()) ?? refund)
  }

  /** An order's refunds, oldest first (internal: explain and the admin view). */
  async forOrder(orderId: string): Promise<RefundDoc[]> {
    return this.deps.refunds.find({ orderId }).sort({ _id: 1 }).lean()
  }

  /**
   * Settles the pending refunds of a transaction with what Paystack says of each. Called on
   * `refund.processed` / `refund.failed`; safe to call any number of times.
   */
  async settle(ctx: Ctx, transactionReference: string): Promise<{ settled: number }> {
    const pending = await this.deps.refunds
      .find({
        transactionReference,
        status: 'pending',
        paystackRefundId: op({ $exists: true }),
      })
      .lean()
    let settled = 0
    for (const refund of pending) if (await this.settleOne(ctx, refund)) settled++
    return { settled }
  }

  /**
   * The timed job (`recheck-pending-refunds`): asks Paystack about refunds still pending
   * `olderThanMinutes` after they were requested and settles them, for when the
   * `refund.processed` / `refund.failed` webhook never came. A refund whose Paystack id was never
   * saved (a crash right after Paystack accepted it) cannot be asked about: it is counted in
   * `unknown` for an administrator.
   */
  async recheckPending(
    ctx: Ctx,
    olderThanMinutes: number,
    batch = 100,
  ): Promise<{ checked: number; settled: number; stillPending: number; unknown: number }> {
    requireAdminOrSystem(ctx)
    const system = systemCtx('recheck-pending-refunds', ctx.now)
    const due = await this.deps.refunds
      .find({
        status: 'pending',
        createdAt: op({ $lte: new Date(ctx.now.getTime() - olderThanMinutes * 60_000) }),
      })
      .sort({ createdAt: 1 })
      .limit(batch)
      .lean()
    const result = { checked: 0, settled: 0, stillPending: 0, unknown: 0 }
    for (const refund of due) {
      if (refund.paystackRefundId === undefined) {
        result.unknown++
        continue
      }
      result.checked++
      const settled = await this.settleOne(system, refund).catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error, refundId: String(refund._id) },
          'refund re-check failed',
        )
        return false
      })
      if (settled) result.settled++
      else result.stillPending++
    }
    return result
  }

  private async start(
    ctx: Ctx,
    order: OrderDoc,
    amount: number,
    reason: string,
    restock: boolean,
  ): Promise<RefundDTO> {
    const { records, refunds, paystack, logger } = this.deps
    assertRefundable(order, amount)
    // Claim the amount first: the filter only matches while enough is left to refund.
    const claimed = await records.orders.updateOne(
      { _id: order._id, refundedAmount: op({ $lte: order.total - amount }) },
      { $inc: { refundedAmount: amount } },
    )
    if (claimed.modifiedCount === 0) {
      const fresh = await records.get(String(order._id))
      throw exceeds(fresh.total - fresh.refundedAmount)
    }
    const group = await records.groupOf(order)
    const refund = (
      await refunds.create({
        orderId: String(order._id),
        orderGroupId: order.groupId,
        storeId: order.storeId,
        buyerId: order.buyerId,
        amount,
        currency: order.currency,
        reason,
        status: 'pending',
        transactionReference: group.reference,
        restock,
        requestedBy: describeActor(ctx.actor),
      })
    ).toObject()
    let paystackRefundId: number
    try {
      const created = await paystack.createRefund({
        transaction: group.reference,
        amount,
        merchantNote: `refund ${String(refund._id)} of order ${String(order._id)}`,
        customerNote: reason,
      })
      paystackRefundId = created.id
    } catch (error) {
      logger.error({ err: error, orderId: String(order._id) }, 'refund refused by Paystack')
      await this.fail(ctx, refund, error instanceof Error ? error.message : 'refund refused')
      throw error
    }
    const saved = await refunds
      .findOneAndUpdate(
        { _id: refund._id },
        { $set: { paystackRefundId } },
        { returnDocument: 'after' },
      )
      .lean()
    await records.note(
      ctx,
      order,
      `refund of ${formatMoney(amount, order.currency)} requested: ${reason}`,
    )
    // The refund may have settled before its id was saved (its webhook found nothing to do).
    const current = saved ?? refund
    await this.settleOne(ctx, { ...current, paystackRefundId }).catch((error: unknown) =>
      logger.warn({ err: error, refundId: String(refund._id) }, 'refund status not checked yet'),
    )
    const latest = await refunds.findById(refund._id).lean()
    return toRefundDTO(latest ?? current)
  }

  /** Asks Paystack about one pending refund and settles it; true when this call settled it. */
  private async settleOne(ctx: Ctx, refund: RefundDoc): Promise<boolean> {
    const open = canTransition(refundTransitions, refund.status, 'processed')
    if (!open || refund.paystackRefundId === undefined) return false
    const remote = await this.deps.paystack.fetchRefund(refund.paystackRefundId)
    if (remote.status === 'processed') return this.processed(ctx, refund)
    if (remote.status === 'failed')
      return this.fail(ctx, refund, 'Paystack reported the refund failed')
    return false
  }

  private async processed(ctx: Ctx, refund: RefundDoc): Promise<boolean> {
    const { records, refunds, ledger } = this.deps
    const system = systemCtx('refunds.settle', ctx.now)
    const order = await records.get(refund.orderId)
    // The ledger first: its key (`refund:<id>`) makes a repeat harmless, so a crash after it
    // and before the status change still ends with one posting.
    await ledger.recordRefund(system, {
      orderId: refund.orderId,
      storeId: refund.storeId,
      refundId: String(refund._id),
      amount: refund.amount,
      currency: refund.currency,
      orderState: order.fundsReleased ? 'available_funds' : 'pending_funds',
    })
    // `restockState: pending` rides on the status change, so a crash before the lines are back
    // leaves a mark the retry job finds.
    const toRestock = refund.restock && order.lines.length > 0
    const event = this.deps.events.outboxEntry('refund.processed', {
      refundId: String(refund._id),
      orderId: refund.orderId,
      amount: refund.amount,
    })
    const won = await refunds
      .findOneAndUpdate(
        { _id: refund._id, status: movableTo(refundTransitions, 'processed') },
        {
          $set: {
            status: 'processed',
            processedAt: ctx.now,
            ...(toRestock ? { restockState: 'pending' } : {}),
            ...OUTBOX_PENDING,
          },
          // The event rides on the status change; the relay's sweep publishes it after a crash.
          $push: { outbox: event },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!won) return false
    if (won.restockState === 'pending') await this.restockLines(system, won, order)
    const noted = await records.note(
      system,
      order,
      `refund of ${formatMoney(won.amount, won.currency)} processed`,
    )
    await this.deps.mail.refunded(noted ?? order, won.amount)
    await this.deps.events.publishOutbox(outboxSourceOf(refunds), won._id, [event])
    return true
  }

  /**
   * The timed job (`retry-pending-restocks`): restocks again the processed refunds whose
   * `restockState` is still `pending` a minute after processing (a crash or an error part-way).
   * Safe to run any number of times: each line's restock is keyed.
   */
  async retryPendingRestocks(
    ctx: Ctx,
    batch = 100,
  ): Promise<{ retried: number; done: number; pending: number }> {
    requireAdminOrSystem(ctx)
    const system = systemCtx('retry-pending-restocks', ctx.now)
    const due = await this.deps.refunds
      .find({
        status: 'processed',
        restockState: 'pending',
        processedAt: op({ $lte: new Date(ctx.now.getTime() - RESTOCK_RETRY_AFTER_MS) }),
      })
      .sort({ processedAt: 1 })
      .limit(batch)
      .lean()
    let done = 0
    for (const refund of due) {
      try {
        const order = await this.deps.records.get(refund.orderId)
        if (await this.restockLines(system, refund, order)) done++
      } catch (error) {
        this.deps.logger.error(
          { err: error, refundId: String(refund._id) },
          'restock retry failed; it stays pending',
        )
      }
    }
    return { retried: due.length, done, pending: due.length - done }
  }

  /**
   * Gives the order's lines back to stock under one key per variant
   * (`refund:<refundId>:<variantId>`), so a repeat after a crash or a replay restocks nothing
   * twice, then moves `restockState` pending -> done (compare-and-set). A line that fails for a
   * passing reason leaves the refund pending for the retry job; true when every line answered.
   */
  private async restockLines(ctx: Ctx, refund: RefundDoc, order: OrderDoc): Promise<boolean> {
    const refundId = String(refund._id)
    // One key per variant, so lines of the same variant are summed first.
    const quantities = new Map<string, number>()
    for (const line of order.lines)
      quantities.set(line.variantId, (quantities.get(line.variantId) ?? 0) + line.quantity)
    let complete = true
    for (const [variantId, quantity] of quantities) {
      try {
        await this.deps.inventory.restock(ctx, {
          variantId,
          quantity,
          key: `refund:${refundId}:${variantId}`,
          reason: 'refund',
          refs: { orderGroupId: order.groupId },
        })
      } catch (error) {
        // The catalog's own refusals (variant gone, key used for another restock) will not
        // change on a retry; anything else (the database, the process) may.
        const final = error instanceof AppError && FINAL_RESTOCK_ERRORS.has(error.kind)
        if (!final) complete = false
        this.deps.logger.error(
          { err: error, variantId, refundId },
          final
            ? 'restock after refund refused; recount the variant'
            : 'restock after refund failed; the retry job will try again',
        )
      }
    }
    if (!complete) return false
    await this.deps.refunds.updateOne(
      { _id: refund._id, restockState: 'pending' },
      { $set: { restockState: 'done' } },
    )
    return true
  }

  /** A refund that did not happen: its amount becomes refundable again; administrators see it. */
  private async fail(ctx: Ctx, refund: RefundDoc, why: string): Promise<boolean> {
    const { records, refunds } = this.deps
    const event = this.deps.events.outboxEntry('refund.failed', {
      refundId: String(refund._id),
      orderId: refund.orderId,
      amount: refund.amount,
    })
    const won = await refunds
      .findOneAndUpdate(
        { _id: refund._id, status: movableTo(refundTransitions, 'failed') },
        {
          $set: { status: 'failed', failureReason: why, processedAt: ctx.now, ...OUTBOX_PENDING },
          $push: { outbox: event },
        },
        { returnDocument: 'after' },
      )
      .lean()
    if (!won) return false
    await records.orders.updateOne(
      { _id: won.orderId, refundedAmount: op({ $gte: won.amount }) },
      { $inc: { refundedAmount: -won.amount } },
    )
    const order = await records.get(won.orderId)
    await records.note(
      systemCtx('refunds.settle', ctx.now),
      order,
      `refund of ${formatMoney(won.amount, won.currency)} failed: ${why}`,
    )
    this.deps.logger.error({ refundId: String(won._id), orderId: won.orderId }, 'refund failed')
    await this.deps.events.publishOutbox(outboxSourceOf(refunds), won._id, [event])
    return true
  }

  private async adminView(orderId: string): Promise<AdminOrderDTO> {
    const order = await this.deps.records.get(orderId)
    return toAdminOrderDTO(order, await this.deps.records.groupOf(order))
  }
}

/** How long a processed refund's restock may stay pending before the job takes it over. */
const RESTOCK_RETRY_AFTER_MS = 60_000

const FINAL_RESTOCK_ERRORS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'not_found',
  'conflict',
  'validation',
  'forbidden',
])

const exceeds = (refundable: number) =>
  new InvalidStateError('The refund exceeds what is left of the payment', 'refund_exceeds_paid', {
    refundable,
  })

function assertRefundable(order: OrderDoc, amount: number): void {
  if (!order.paidAt || !order.saleRecorded) {
    throw new InvalidStateError('This order was not paid', 'not_paid')
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > order.total - order.refundedAmount) {
    throw exceeds(order.total - order.refundedAmount)
  }
}
