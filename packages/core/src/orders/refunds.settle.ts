import { movableTo, op } from '../db/query.js'
import { OUTBOX_PENDING, outboxSourceOf } from '../events/outbox.js'
import type { LedgerService } from '../ledger/ledger.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { type Ctx, requireAdminOrSystem, systemCtx } from '../shared/ctx.js'
import type { EventBus } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { formatMoney } from '../shared/money.js'
import { canTransition } from '../shared/transitions.js'
import type { OrderRecords } from './order.records.js'
import type { OrderMail } from './order-mail.js'
import type { RefundDoc, RefundModel } from './refund.model.js'
import { refundTransitions } from './refund.transitions.js'
import type { RefundRestocks } from './refunds.restock.js'

/**
 * The settlement of refunds on Paystack's word (refunds.service.ts): processed posts the
 * reversing ledger entries, restocks and tells the buyer; failed gives the amount back to the
 * refundable balance. Each is a compare-and-set on the refund's status, so replays change nothing.
 */
export class RefundSettlement {
  constructor(
    private deps: {
      records: OrderRecords
      refunds: RefundModel
      paystack: Pick<PaystackClient, 'fetchRefund'>
      ledger: Pick<LedgerService, 'recordRefund'>
      mail: OrderMail
      events: EventBus
      logger: Logger
      restocks: RefundRestocks
    },
  ) {}

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

  /** Asks Paystack about one pending refund and settles it; true when this call settled it. */
  async settleOne(ctx: Ctx, refund: RefundDoc): Promise<boolean> {
    const open = canTransition(refundTransitions, refund.status, 'processed')
    if (!open || refund.paystackRefundId === undefined) return false
    const remote = await this.deps.paystack.fetchRefund(refund.paystackRefundId)
    if (remote.status === 'processed') return this.processed(ctx, refund)
    if (remote.status === 'failed')
      return this.fail(ctx, refund, 'Paystack reported the refund failed')
    return false
  }

  /** Books a processed refund (ledger, status, restock, buyer mail); true when this call won. */
  async processed(ctx: Ctx, refund: RefundDoc): Promise<boolean> {
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
    if (won.restockState === 'pending') await this.deps.restocks.restockLines(system, won, order)
    const noted = await records.note(
      system,
      order,
      `refund of ${formatMoney(won.amount, won.currency)} processed`,
    )
    await this.deps.mail.refunded(noted ?? order, won.amount)
    await this.deps.events.publishOutbox(outboxSourceOf(refunds), won._id, [event])
    return true
  }

  /** A refund that did not happen: its amount becomes refundable again; administrators see it. */
  async fail(ctx: Ctx, refund: RefundDoc, why: string): Promise<boolean> {
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
}
