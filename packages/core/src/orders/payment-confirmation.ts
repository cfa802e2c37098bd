import { movableTo, op } from '../db/query.js'
import { PaystackRejectedError } from '../payments/paystack/paystack.errors.js'
import type { PaystackTransaction } from '../payments/paystack/paystack.types.js'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import { AppError } from '../shared/errors.js'
import type { CheckoutDeps } from './checkout.service.js'
import type { OrderDoc, OrderGroupDoc } from './order.model.js'
import { assertOrderMove } from './order.transitions.js'
import { awaitsPayment, orderGroupTransitions } from './order-group.transitions.js'

export type PaymentSource = 'webhook' | 'poll' | 'expiry' | 'cancel' | 'recheck'

export type PaymentOutcome =
  | 'paid'
  | 'already_paid'
  | 'not_paid'
  | 'unknown_reference'
  | 'mismatch'
  | 'flagged'

const isCommitted = (error: unknown) =>
  error instanceof AppError &&
  error.code === 'reservation_not_active' &&
  (error.details as { status?: string } | undefined)?.status === 'committed'

/** Which of reference, amount and currency Paystack's transaction disagrees on, if any. */
function mismatchOf(
  transaction: PaystackTransaction,
  group: OrderGroupDoc,
): 'reference' | 'amount' | 'currency' | undefined {
  if (transaction.reference !== group.reference) return 'reference'
  if (transaction.amount !== group.total) return 'amount'
  if (transaction.currency !== group.currency) return 'currency'
  return undefined
}

/**
 * Payment confirmation: trusts only Paystack's verify endpoint, and every step of it is a
 * compare-and-set or an idempotent ledger posting, so any number of deliveries of the same
 * charge (webhook, poll, expiry sweep, a cancel that finds it paid; in any order, concurrently)
 * credit once. A signal Paystack contradicts changes nothing but flags the group; a real payment
 * for a group no longer sold is refunded.
 */
export class PaymentConfirmation {
  constructor(private deps: CheckoutDeps) {}

  /**
   * Acts on a claim that `reference` was paid (a webhook, a poll, the expiry sweep): asks
   * Paystack, and only a successful transaction of the group's reference, amount and currency
   * pays the group. A signal Paystack contradicts changes nothing but flags the group.
   */
  async confirm(ctx: Ctx, reference: string, source: PaymentSource): Promise<PaymentOutcome> {
    const { records, logger } = this.deps
    const group = await records.groups.findOne({ reference }).lean()
    if (!group) {
      logger.warn({ reference, source }, 'payment signal for an unknown reference')
      return 'unknown_reference'
    }
    if (group.status === 'paid') {
      await this.finishPaid(ctx, group, false)
      return 'already_paid'
    }
    const transaction = await this.paidTransaction(reference)
    if (!transaction) {
      if (source === 'webhook') {
        await this.flag(
          group,
          'verify_contradicts',
          'charge.success, but Paystack verify does not show a successful payment',
        )
      }
      return 'not_paid'
    }
    const mismatch = mismatchOf(transaction, group)
    if (mismatch) {
      await this.flagMismatch(group, transaction, mismatch, source)
      return 'mismatch'
    }
    if (!awaitsPayment(group.status)) {
      await this.refundUnwanted(group, transaction)
      return 'flagged'
    }
    const won = await records.groups
      .findOneAndUpdate(
        { _id: group._id, status: movableTo(orderGroupTransitions, 'paid') },
        {
          $set: {
            status: 'paid',
            paidAt: ctx.now,
            paystackTransactionId: transaction.id,
            // Kept with the payment, so that a retry after a crash books the fee without Paystack.
            paystackFees: transaction.fees ?? 0,
          },
        },
        { returnDocument: 'after' },
      )
      .lean()
    const current = won ?? (await records.groups.findById(group._id).lean())
    if (!current) return 'unknown_reference'
    if (current.status !== 'paid') {
      // Cancelled between our read and our write (expiry, buyer): the money goes back.
      await this.refundUnwanted(current, transaction)
      return 'flagged'
    }
    await this.finishPaid(ctx, current, Boolean(won))
    return won ? 'paid' : 'already_paid'
  }

  /** Paystack's transaction is not this group's payment: logged and flagged, nothing paid. */
  private async flagMismatch(
    group: OrderGroupDoc,
    transaction: PaystackTransaction,
    mismatch: 'reference' | 'amount' | 'currency',
    source: PaymentSource,
  ): Promise<void> {
    this.deps.logger.error(
      {
        reference: group.reference,
        source,
        expected: group.total,
        paid: transaction.amount,
        currency: transaction.currency,
      },
      `payment ${mismatch} does not match the order group`,
    )
    await this.flag(
      group,
      `${mismatch}_mismatch`,
      `Paystack's ${mismatch} does not match the order group`,
    )
  }

  /**
   * The steps after a group is paid, each safe to repeat: commit the stock, move each order
   * pending -> processing, book each sale in the ledger. Mail goes to whoever won each step.
   */
  private async finishPaid(ctx: Ctx, group: OrderGroupDoc, first: boolean): Promise<void> {
    const { records, ledger } = this.deps
    const system = systemCtx('payments.confirm', ctx.now)
    if (first) await this.holdStock(system, group)
    const orders = await records.orders
      .find({ groupId: String(group._id) })
      .sort({ _id: 1 })
      .lean()
    const settled: OrderDoc[] = []
    for (const order of orders) {
      let current: OrderDoc = order
      if (order.status === 'pending') {
        assertOrderMove('system', 'pending', 'processing')
        const moved = await records.move(system, order, 'pending', 'processing', {
          reason: 'payment verified',
          set: { paidAt: ctx.now },
        })
        if (moved) {
          current = moved
          await this.deps.mail.received(moved)
        } else {
          current = await records.get(String(order._id))
        }
      }
      if (current.paidAt && !current.saleRecorded) {
        await ledger.recordSale(system, {
          orderId: String(current._id),
          orderGroupId: current.groupId,
          storeId: current.storeId,
          gross: current.total,
          commissionRateBps: current.commissionRateBps,
          currency: current.currency,
        })
        await records.orders.updateOne(
          { _id: current._id, saleRecorded: false },
          { $set: { saleRecorded: true } },
        )
      }
      settled.push(current)
    }
    if (group.paystackFees) {
      await ledger.recordProcessingFee(system, {
        reference: group.reference,
        orderGroupId: String(group._id),
        amount: group.paystackFees,
        currency: group.currency,
      })
    }
    if (first) await this.deps.mail.confirmed(group, settled)
  }

  /** Makes the held stock sold; if the hold lapsed meanwhile, tries to take the stock again. */
  private async holdStock(system: Ctx, group: OrderGroupDoc): Promise<void> {
    const { inventory, records, logger } = this.deps
    if (group.reservationId) {
      try {
        await inventory.commit(system, group.reservationId)
        return
      } catch (error) {
        if (isCommitted(error)) return
        logger.warn({ err: error, reference: group.reference }, 'reservation lapsed before payment')
      }
    }
    const orders = await records.orders.find({ groupId: String(group._id) }).lean()
    const items = orders.flatMap((o) =>
      o.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    )
    try {
      const again = await inventory.reserve(system, items, 60, { orderGroupId: String(group._id) })
      await inventory.commit(system, again.id)
      await records.groups.updateOne({ _id: group._id }, { $set: { reservationId: again.id } })
    } catch (error) {
      logger.error({ err: error, reference: group.reference }, 'paid group without stock')
      await this.flag(
        group,
        'paid_without_stock',
        'Paid after the stock hold lapsed, and the stock is gone: refund or source it',
      )
    }
  }

  /** Paystack's transaction if it is a successful payment; undefined otherwise. */
  async paidTransaction(reference: string): Promise<PaystackTransaction | undefined> {
    try {
      const transaction = await this.deps.paystack.verifyTransaction(reference)
      return transaction.status === 'success' ? transaction : undefined
    } catch (error) {
      if (error instanceof PaystackRejectedError) return undefined
      throw error
    }
  }

  /**
   * A real payment for a group we no longer sell (cancelled, or a checkout that never got its
   * link out): flagged once, and the whole charge refunded by whoever set the flag.
   */
  private async refundUnwanted(group: OrderGroupDoc, transaction: PaystackTransaction) {
    const flagged = await this.flag(
      group,
      'paid_after_cancellation',
      'Paid after the checkout was cancelled; the charge is refunded',
    )
    if (!flagged) return
    await this.deps.paystack
      .createRefund({
        transaction: group.reference,
        amount: transaction.amount,
        merchantNote: `order group ${String(group._id)} was cancelled before payment arrived`,
      })
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: error, reference: group.reference },
          'automatic refund failed',
        ),
      )
  }

  /** Sets a payment issue for administrators; true when this call set it (first of its code). */
  private async flag(group: OrderGroupDoc, code: string, message: string): Promise<boolean> {
    const result = await this.deps.records.groups.updateOne(
      { _id: group._id, 'paymentIssue.code': op({ $ne: code }) },
      { $set: { paymentIssue: { code, message, at: this.deps.clock.now() } } },
    )
    if (result.modifiedCount > 0) {
      this.deps.logger.error(
        { reference: group.reference, code },
        `order group flagged: ${message}`,
      )
      await this.deps.events.emit('order_group.payment_issue', {
        orderGroupId: String(group._id),
        code,
      })
    }
    return result.modifiedCount > 0
  }
}
