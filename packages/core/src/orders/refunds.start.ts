import { op } from '../db/query.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import { type Ctx, describeActor } from '../shared/ctx.js'
import { InvalidStateError } from '../shared/errors.js'
import type { Logger } from '../shared/logger.js'
import { formatMoney } from '../shared/money.js'
import { toRefundDTO } from './order.dto.js'
import type { OrderDoc } from './order.model.js'
import type { OrderRecords } from './order.records.js'
import type { RefundDTO } from './order.types.js'
import type { RefundDoc, RefundModel } from './refund.model.js'
import type { RefundSettlement } from './refunds.settle.js'

/**
 * How a refund begins (refunds.service.ts): the amount is claimed on the order with a guarded
 * `$inc`, the refund is recorded `pending`, then Paystack is asked; a chargeback skips Paystack
 * and is booked processed at once.
 */
export class RefundStarts {
  constructor(
    private deps: {
      records: OrderRecords
      refunds: RefundModel
      paystack: Pick<PaystackClient, 'createRefund'>
      logger: Logger
      settlement: RefundSettlement
    },
  ) {}

  /** Claims, records and asks Paystack for one refund. @throws InvalidStateError */
  async start(
    ctx: Ctx,
    order: OrderDoc,
    amount: number,
    reason: string,
    restock: boolean,
  ): Promise<RefundDTO> {
    const { refunds, records, logger, settlement } = this.deps
    const refund = await this.claimAndRecord(ctx, order, amount, { reason, restock })
    const paystackRefundId = await this.askPaystack(ctx, order, refund)
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
    await settlement
      .settleOne(ctx, { ...current, paystackRefundId })
      .catch((error: unknown) =>
        logger.warn({ err: error, refundId: String(refund._id) }, 'refund status not checked yet'),
      )
    const latest = await refunds.findById(refund._id).lean()
    return toRefundDTO(latest ?? current)
  }

  /**
   * A card chargeback the platform lost or accepted: claimed like any refund and booked at once
   * as processed, with no refund asked of Paystack. @throws InvalidStateError `refund_exceeds_paid`.
   */
  async recordChargeback(
    ctx: Ctx,
    orderId: string,
    amount: number,
    reason: string,
  ): Promise<RefundDTO> {
    const order = await this.deps.records.get(orderId)
    const refund = await this.claimAndRecord(ctx, order, amount, {
      reason: `chargeback: ${reason}`,
      restock: false,
      chargeback: true,
    })
    await this.deps.settlement.processed(ctx, refund)
    return toRefundDTO((await this.deps.refunds.findById(refund._id).lean()) ?? refund)
  }

  /**
   * Raises the order's `refundedAmount` by `amount` (the filter only matches while enough is
   * left to refund), then records the refund `pending`. @throws InvalidStateError
   */
  private async claimAndRecord(
    ctx: Ctx,
    order: OrderDoc,
    amount: number,
    what: { reason: string; restock: boolean; chargeback?: true },
  ): Promise<RefundDoc> {
    const { records, refunds } = this.deps
    assertRefundable(order, amount)
    const claimed = await records.orders.updateOne(
      { _id: order._id, refundedAmount: op({ $lte: order.total - amount }) },
      { $inc: { refundedAmount: amount } },
    )
    if (claimed.modifiedCount === 0) {
      const fresh = await records.get(String(order._id))
      throw exceeds(fresh.total - fresh.refundedAmount)
    }
    const group = await records.groupOf(order)
    const created = await refunds.create({
      orderId: String(order._id),
      orderGroupId: order.groupId,
      storeId: order.storeId,
      buyerId: order.buyerId,
      amount,
      currency: order.currency,
      ...what,
      status: 'pending',
      transactionReference: group.reference,
      requestedBy: describeActor(ctx.actor),
    })
    return created.toObject()
  }

  /** Paystack's id for the new refund; a refusal fails the refund and is rethrown. */
  private async askPaystack(ctx: Ctx, order: OrderDoc, refund: RefundDoc): Promise<number> {
    try {
      const created = await this.deps.paystack.createRefund({
        transaction: refund.transactionReference,
        amount: refund.amount,
        merchantNote: `refund ${String(refund._id)} of order ${String(order._id)}`,
        customerNote: refund.reason,
      })
      return created.id
    } catch (error) {
      this.deps.logger.error(
        { err: error, orderId: String(order._id) },
        'refund refused by Paystack',
      )
      await this.deps.settlement.fail(
        ctx,
        refund,
        error instanceof Error ? error.message : 'refund refused',
      )
      throw error
    }
  }
}

const exceeds = (refundable: number) =>
  new InvalidStateError('The refund exceeds what is left of the payment', 'refund_exceeds_paid', {
    refundable,
  })

/** @throws InvalidStateError `not_paid` / `refund_exceeds_paid`. */
export function assertRefundable(order: OrderDoc, amount: number): void {
  if (!order.paidAt || !order.saleRecorded) {
    throw new InvalidStateError('This order was not paid', 'not_paid')
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > order.total - order.refundedAmount) {
    throw exceeds(order.total - order.refundedAmount)
  }
}
