import type { AuditService } from '../audit/audit.service.js'
import type { InventoryService } from '../catalog/inventory.service.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { Clock } from '../shared/clock.js'
import { type Ctx, requireRole, systemCtx } from '../shared/ctx.js'
import type { DomainEvents, EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { validateInput } from '../shared/validate.js'
import type { IdempotencyService, IdempotentResponse } from './idempotency.service.js'
import { toAdminOrderDTO } from './order.dto.js'
import type { OrderDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import { type RefundOrderBody, refundOrderBody } from './order.schemas.js'
import type { AdminOrderDTO, RefundDTO } from './order.types.js'
import type { OrderMail } from './order-mail.js'
import type { RefundDoc, RefundModel } from './refund.model.js'
import { RefundQueries, type RefundRecordDTO } from './refunds.queries.js'
import { RefundRestocks } from './refunds.restock.js'
import { RefundSettlement } from './refunds.settle.js'
import { assertRefundable, RefundStarts } from './refunds.start.js'

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
 * refunds of one order can never add up to more than was paid for it, even when two race
 * (refunds.start.ts). The refund settles on Paystack's word (`GET /refund/:id`, prompted by
 * `refund.processed` / `refund.failed` webhooks; refunds.settle.ts): processed posts the
 * reversing ledger entries, restocks the lines of a cancelled order and tells the buyer; failed
 * gives the amount back to the refundable balance and leaves the refund for an administrator.
 * Each settlement is a compare-and-set on the refund's status, so replays change nothing.
 * Restocking a cancelled order's lines is keyed per variant and tracked by `restockState`
 * (pending -> done), so a crash part-way is finished by the `retry-pending-restocks` job
 * (refunds.restock.ts). This class is the facade over those parts.
 */
export class RefundsService {
  private starts: RefundStarts
  private settlement: RefundSettlement
  private restocks: RefundRestocks
  private queries: RefundQueries

  constructor(private deps: RefundsDeps) {
    const { records, refunds, paystack, ledger, inventory, mail, events, logger } = deps
    this.restocks = new RefundRestocks({ records, refunds, inventory, logger })
    this.settlement = new RefundSettlement({
      records,
      refunds,
      paystack,
      ledger,
      mail,
      events,
      logger,
      restocks: this.restocks,
    })
    this.starts = new RefundStarts({
      records,
      refunds,
      paystack,
      logger,
      settlement: this.settlement,
    })
    this.queries = new RefundQueries({ refunds })
  }

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
        const refund = await this.starts.start(
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
    return this.starts.start(ctx, order, remainder, reason, true)
  }

  /** A dispute resolved for the buyer: what is left of the order goes back. */
  async refundRemainder(ctx: Ctx, order: OrderDoc, reason: string): Promise<RefundDTO | undefined> {
    const remainder = order.total - order.refundedAmount
    if (!order.paidAt || remainder <= 0) return undefined
    return this.starts.start(ctx, order, remainder, reason, false)
  }

  /**
   * A dispute resolved with part of the order back to the buyer (disputes/). No restock.
   * @throws InvalidStateError `not_paid` / `refund_exceeds_paid`.
   */
  async refundPart(ctx: Ctx, order: OrderDoc, amount: number, reason: string): Promise<RefundDTO> {
    return this.starts.start(ctx, order, amount, reason, false)
  }

  /**
   * A card chargeback the platform lost or accepted (disputes): Paystack already took `amount`
   * from the balance for the customer, so no refund is asked of it; the amount is claimed on the
   * order like any refund (never more than was paid) and booked at once as a processed refund
   * (commission reversed in proportion). @throws InvalidStateError `refund_exceeds_paid`.
   */
  recordChargeback(ctx: Ctx, orderId: string, amount: number, reason: string): Promise<RefundDTO> {
    return this.starts.recordChargeback(ctx, orderId, amount, reason)
  }

  /** An order's refunds, oldest first (internal: explain and the admin view). */
  forOrder(orderId: string): Promise<RefundDoc[]> {
    return this.queries.forOrder(orderId)
  }

  /** The refunds processed in `[from, to)`, oldest first (reconciliation). Admins and jobs. */
  processedBetween(ctx: Ctx, window: { from: Date; to: Date }): Promise<RefundRecordDTO[]> {
    return this.queries.processedBetween(ctx, window)
  }

  /** Our refund recorded under Paystack's refund id, if any (reconciliation). Admins and jobs. */
  byPaystackRefundId(ctx: Ctx, paystackRefundId: number): Promise<RefundRecordDTO | undefined> {
    return this.queries.byPaystackRefundId(ctx, paystackRefundId)
  }

  /**
   * Settles the pending refunds of a transaction with what Paystack says of each. Called on
   * `refund.processed` / `refund.failed`; safe to call any number of times.
   */
  settle(ctx: Ctx, transactionReference: string): Promise<{ settled: number }> {
    return this.settlement.settle(ctx, transactionReference)
  }

  /**
   * The timed job (`recheck-pending-refunds`): asks Paystack about refunds still pending
   * `olderThanMinutes` after they were requested and settles them (refunds.settle.ts).
   */
  recheckPending(
    ctx: Ctx,
    olderThanMinutes: number,
    batch = 100,
  ): Promise<{ checked: number; settled: number; stillPending: number; unknown: number }> {
    return this.settlement.recheckPending(ctx, olderThanMinutes, batch)
  }

  /**
   * The timed job (`retry-pending-restocks`): restocks again the processed refunds whose
   * restock is still pending (refunds.restock.ts).
   */
  retryPendingRestocks(
    ctx: Ctx,
    batch = 100,
  ): Promise<{ retried: number; done: number; pending: number }> {
    return this.restocks.retryPendingRestocks(ctx, batch)
  }

  private async adminView(orderId: string): Promise<AdminOrderDTO> {
    const order = await this.deps.records.get(orderId)
    return toAdminOrderDTO(order, await this.deps.records.groupOf(order))
  }
}
