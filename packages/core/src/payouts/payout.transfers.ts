import { movableTo, op } from '../db/query.js'
import { PaystackRejectedError } from '../payments/paystack/paystack.errors.js'
import type {
  InitiateTransferInput,
  PaystackTransfer,
  PaystackTransferStatus,
} from '../payments/paystack/paystack.types.js'
import type { Ctx } from '../shared/ctx.js'
import { type AppError, InvalidStateError, isAppError } from '../shared/errors.js'
import { payoutRunItemOf } from './payout.dto.js'
import type { PayoutDoc } from './payout.model.js'
import { reloadPayout } from './payout.queries.js'
import { AWAITING_PAYSTACK, payoutTransitions } from './payout.transitions.js'
import type { PayoutRunItem } from './payout.types.js'
import { PayoutMail } from './payout-mail.js'
import type { PayoutsDeps } from './payouts.service.js'

/** Paystack takes at most 100 transfers per bulk call. */
const BULK_SIZE = 100
/** A pending transfer older than this is checked with Paystack by the next run (lost webhook). */
const STALE_PENDING_MS = 24 * 3600 * 1000
/** Paystack statuses after which no money moves for a transfer any more. */
const FAILED_STATUSES: readonly PaystackTransferStatus[] = [
  'failed',
  'reversed',
  'abandoned',
  'blocked',
  'rejected',
]

const hasCode = (error: unknown, code: string) => isAppError(error) && error.code === code

/**
 * What Paystack said of a transfer: its status and code, and its fee when the answer carries
 * one (verify does; initiate, finalize and bulk answers do not: `feeless` drops their 0).
 */
export type TransferAnswer = Pick<PaystackTransfer, 'status' | 'transferCode'> &
  Partial<Pick<PaystackTransfer, 'feeCharged'>>

/**
 * An initiate, bulk or finalize answer as what it is: a status without a fee (the client reads
 * their missing `fee_charged` as 0, which would book no fee for a transfer paid at once).
 */
export const feeless = (
  answer: Pick<PaystackTransfer, 'status' | 'transferCode'>,
): TransferAnswer => ({
  status: answer.status,
  transferCode: answer.transferCode,
})

/**
 * Steps 2 and 3 of a payout, and everything after: books a payout in the ledger (`sending`),
 * asks Paystack for its transfer (in bulk where it can), and applies what Paystack reports,
 * by call, webhook, OTP finalize or the next run's check of stale transfers: settled (`paid`),
 * failed (money back to available), or reversed after it was paid. Every status change is a
 * compare-and-set from the transition table, and every ledger posting is keyed on the
 * payout's reference, so any of these may run again.
 */
export class PayoutTransfers {
  private sellerMail: PayoutMail

  constructor(private deps: PayoutsDeps) {
    this.sellerMail = new PayoutMail(deps)
  }

  /** Books and sends payouts in `created` or `sending`; one item per payout. */
  async send(ctx: Ctx, docs: PayoutDoc[]): Promise<PayoutRunItem[]> {
    const items = new Map<string, PayoutRunItem>()
    const sending: PayoutDoc[] = []
    for (const doc of docs) {
      const booked = await this.book(ctx, doc)
      if (booked.status === 'sending') sending.push(booked)
      else items.set(String(doc._id), payoutRunItemOf(booked))
    }
    for (let start = 0; start < sending.length; start += BULK_SIZE) {
      const chunk = sending.slice(start, start + BULK_SIZE)
      for (const [id, item] of await this.transfer(ctx, chunk)) items.set(id, item)
    }
    return docs.map((doc) => items.get(String(doc._id)) ?? payoutRunItemOf(doc))
  }

  /**
   * Step 2: moves the amount from available to in transit in the ledger (idempotent on the
   * reference), then marks the payout `sending`. A payout the balance no longer covers is
   * cancelled: nothing was booked or sent for it.
   */
  private async book(ctx: Ctx, doc: PayoutDoc): Promise<PayoutDoc> {
    if (doc.status !== 'created') return doc
    try {
      await this.deps.ledger.recordPayoutSent(ctx, {
        payoutId: doc.reference,
        storeId: doc.storeId,
        amount: doc.amount,
        currency: doc.currency,
      })
    } catch (error) {
      if (!hasCode(error, 'insufficient_available')) throw error
      await this.deps.payouts.updateOne(
        {
          _id: doc._id,
          reference: doc.reference,
          status: movableTo(payoutTransitions, 'cancelled'),
        },
        {
          $set: {
            status: 'cancelled',
            failureReason: 'The available balance no longer covers this payout',
          },
        },
      )
      return reloadPayout(this.deps.payouts, doc)
    }
    await this.deps.payouts.updateOne(
      { _id: doc._id, reference: doc.reference, status: movableTo(payoutTransitions, 'sending') },
      { $set: { status: 'sending' } },
    )
    return reloadPayout(this.deps.payouts, doc)
  }

  /**
   * Step 3 for up to 100 payouts in `sending`: one bulk call when there are several, else (or
   * when the bulk call is refused or unanswered) one call each. Every call carries the payout's
   * own reference, so asking again can only meet Paystack's duplicate-reference refusal.
   */
  private async transfer(ctx: Ctx, docs: PayoutDoc[]): Promise<Map<string, PayoutRunItem>> {
    const items = new Map<string, PayoutRunItem>()
    let singles = docs
    if (docs.length > 1) {
      try {
        const answered = await this.deps.paystack.initiateBulkTransfer(docs.map(transferInput))
        const byReference = new Map(answered.map((entry) => [entry.reference, entry]))
        singles = []
        for (const doc of docs) {
          const entry = byReference.get(doc.reference)
          if (!entry) singles.push(doc)
          else {
            items.set(String(doc._id), await this.applyTransferStatus(ctx, doc, feeless(entry)))
          }
        }
      } catch (error) {
        // Refused (OTP on, a duplicate, the balance) or unanswered: each payout on its own.
        if (!isAppError(error)) throw error
        this.deps.logger.warn({ err: error, count: docs.length }, 'bulk transfer not made')
      }
    }
    for (const doc of singles) items.set(String(doc._id), await this.transferOne(ctx, doc))
    return items
  }

  private async transferOne(ctx: Ctx, doc: PayoutDoc): Promise<PayoutRunItem> {
    try {
      const transfer = await this.deps.paystack.initiateTransfer(transferInput(doc))
      return this.applyTransferStatus(ctx, doc, feeless(transfer))
    } catch (error) {
      if (hasCode(error, 'duplicate_reference')) return this.verifyAndApply(ctx, doc)
      if (error instanceof PaystackRejectedError)
        return this.verifyAndApply(ctx, doc, error.message)
      if (isAppError(error)) return this.unconfirmed(doc, error)
      throw error
    }
  }

  /**
   * Asks Paystack what became of the payout's transfer and applies it. With `refusal` (Paystack
   * refused to create it), a transfer Paystack cannot find means none exists: the payout fails
   * and its money goes back to available.
   */
  async verifyAndApply(ctx: Ctx, doc: PayoutDoc, refusal?: string): Promise<PayoutRunItem> {
    let transfer: Awaited<ReturnType<PayoutsDeps['paystack']['verifyTransfer']>>
    try {
      transfer = await this.deps.paystack.verifyTransfer(doc.reference)
    } catch (error) {
      if (refusal && error instanceof PaystackRejectedError) {
        return this.fail(ctx, doc, `Paystack refused the transfer: ${refusal}`, 'refused')
      }
      if (isAppError(error)) return this.unconfirmed(doc, error)
      throw error
    }
    return this.applyTransferStatus(ctx, doc, transfer)
  }

  /**
   * Moves the payout to match a transfer status Paystack reported; a paid transfer's fee is
   * booked with its settlement.
   */
  async applyTransferStatus(
    ctx: Ctx,
    doc: PayoutDoc,
    answer: TransferAnswer,
  ): Promise<PayoutRunItem> {
    const { status, transferCode } = answer
    if (status === 'success') {
      await this.markSent(ctx, doc, 'pending', status, transferCode)
      // Initiate, finalize and bulk answers carry no fee: verify does, so a transfer paid at once
      // books its fee even if its webhook never comes (if verify fails, the payout stays pending
      // and the next run's check of stale transfers settles it).
      if (answer.feeCharged === undefined) return this.verifyAndApply(ctx, doc)
      return this.settle(ctx, doc, answer.feeCharged)
    }
    if (FAILED_STATUSES.includes(status)) {
      return this.fail(ctx, doc, `Paystack reports the transfer ${status}`, status, transferCode)
    }
    await this.markSent(
      ctx,
      doc,
      status === 'otp' ? 'otp_required' : 'pending',
      status,
      transferCode,
    )
    return payoutRunItemOf(await reloadPayout(this.deps.payouts, doc))
  }

  private async markSent(
    ctx: Ctx,
    doc: PayoutDoc,
    to: 'pending' | 'otp_required',
    paystackStatus: string,
    transferCode: string,
  ): Promise<void> {
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: movableTo(payoutTransitions, to) },
      {
        $set: {
          status: to,
          paystackStatus,
          transferCode,
          ...(to === 'pending' ? { sentAt: ctx.now } : {}),
        },
        $unset: { lastError: 1 },
      },
      { returnDocument: 'after' },
    )
    if (updated && to === 'pending') {
      await this.deps.events.emit('payout.sent', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
      })
    }
  }

  /**
   * Paystack says paid: in transit becomes paid in the ledger, Paystack's fee on the transfer is
   * booked (every answer that carries it may book it; the ledger keeps the first), and the
   * seller is told.
   */
  private async settle(ctx: Ctx, doc: PayoutDoc, fee: number): Promise<PayoutRunItem> {
    try {
      await this.deps.ledger.recordPayoutSettled(ctx, { payoutId: doc.reference })
    } catch (error) {
      if (!hasCode(error, 'payout_already_resolved')) throw error
      return this.flag(doc, 'Paystack reports success for a transfer the ledger booked as failed')
    }
    await this.bookFee(ctx, doc, fee)
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: movableTo(payoutTransitions, 'paid') },
      { $set: { status: 'paid', paystackStatus: 'success', paidAt: ctx.now } },
      { returnDocument: 'after' },
    )
    if (updated) {
      await this.sellerMail.paid(updated)
      await this.deps.events.emit('payout.paid', {
        payoutId: String(doc._id),
        storeId: doc.storeId,
        amount: doc.amount,
        reference: doc.reference,
      })
    }
    return payoutRunItemOf(updated ?? (await reloadPayout(this.deps.payouts, doc)))
  }

  /** A paid transfer's fee, as a platform expense; a second, different figure is flagged. */
  private async bookFee(ctx: Ctx, doc: PayoutDoc, fee: number): Promise<void> {
    if (fee <= 0) return
    try {
      await this.deps.ledger.recordTransferFee(ctx, {
        reference: doc.reference,
        storeId: doc.storeId,
        amount: fee,
        currency: doc.currency,
      })
    } catch (error) {
      if (!hasCode(error, 'idempotency_conflict')) throw error
      await this.flag(
        doc,
        `Paystack now reports a fee of ${fee} on this transfer, not the one booked`,
      )
    }
  }

  /** The transfer failed, was reversed, or was never made: the money goes back to available. */
  private async fail(
    ctx: Ctx,
    doc: PayoutDoc,
    reason: string,
    paystackStatus: string,
    transferCode?: string,
  ): Promise<PayoutRunItem> {
    try {
      await this.deps.ledger.recordPayoutFailed(ctx, {
        payoutId: doc.reference,
        memo: reason.slice(0, 500),
      })
    } catch (error) {
      if (!hasCode(error, 'payout_already_resolved')) throw error
      // The transfer settled: only a reversal brings money back after that.
      if (paystackStatus === 'reversed') return this.reverseAfterSettlement(ctx, doc, reason)
      return this.flag(doc, `Paystack reports the transfer ${paystackStatus} after it was paid`)
    }
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: movableTo(payoutTransitions, 'failed') },
      {
        $set: {
          status: 'failed',
          failureReason: reason,
          paystackStatus,
          failedAt: ctx.now,
          ...(transferCode ? { transferCode } : {}),
        },
      },
      { returnDocument: 'after' },
    )
    if (updated) {
      this.deps.logger.warn(
        { payoutId: String(doc._id), reference: doc.reference, reason },
        'payout failed; its amount is back in the available balance',
      )
      await this.announceFailure(updated, reason)
    }
    return { ...payoutRunItemOf(updated ?? (await reloadPayout(this.deps.payouts, doc))), reason }
  }

  /** Tells the seller and the rest of the marketplace that a payout's money is back. */
  private async announceFailure(payout: PayoutDoc, reason: string): Promise<void> {
    await this.sellerMail.failed(payout, reason)
    await this.deps.events.emit('payout.failed', {
      payoutId: String(payout._id),
      storeId: payout.storeId,
      amount: payout.amount,
      reference: payout.reference,
      reason,
    })
  }

  /**
   * Paid, then reversed by Paystack (the bank returned the money): the ledger moves it from paid
   * back to available and from paid out back to cash, the payout becomes `reversed` with an
   * attention note for a retry, and the seller is told as for a failure.
   */
  private async reverseAfterSettlement(
    ctx: Ctx,
    doc: PayoutDoc,
    reason: string,
  ): Promise<PayoutRunItem> {
    await this.deps.ledger.recordPayoutReversedAfterSettlement(ctx, {
      payoutId: doc.reference,
      memo: reason.slice(0, 500),
    })
    const failureReason = `${reason} after it was paid`
    const updated = await this.deps.payouts.findOneAndUpdate(
      { _id: doc._id, reference: doc.reference, status: movableTo(payoutTransitions, 'reversed') },
      {
        $set: {
          status: 'reversed',
          failureReason,
          paystackStatus: 'reversed',
          failedAt: ctx.now,
          attention:
            'Paystack reversed this transfer after it was paid; the amount is back in the ' +
            'available balance. Send it again with `kloset payouts retry`.',
        },
      },
      { returnDocument: 'after' },
    )
    if (updated) {
      this.deps.logger.error(
        { payoutId: String(doc._id), reference: doc.reference, reason },
        'paid payout reversed; its amount is back in the available balance',
      )
      await this.announceFailure(updated, failureReason)
    }
    return {
      ...payoutRunItemOf(updated ?? (await reloadPayout(this.deps.payouts, doc))),
      reason: failureReason,
    }
  }

  /** Paystack could not be asked or did not answer: the payout stays `sending` for a re-run. */
  private async unconfirmed(doc: PayoutDoc, error: AppError): Promise<PayoutRunItem> {
    await this.deps.payouts.updateOne(
      { _id: doc._id, reference: doc.reference, status: 'sending' },
      { $set: { lastError: error.message } },
    )
    return { ...payoutRunItemOf(doc), outcome: 'unconfirmed', reason: error.message }
  }

  private async flag(doc: PayoutDoc, attention: string): Promise<PayoutRunItem> {
    this.deps.logger.error({ payoutId: String(doc._id), reference: doc.reference }, attention)
    await this.deps.payouts.updateOne({ _id: doc._id }, { $set: { attention } })
    return { ...payoutRunItemOf(await reloadPayout(this.deps.payouts, doc)), reason: attention }
  }

  /** Pending transfers whose webhook never came are asked about by the next run. */
  async checkStalePending(ctx: Ctx): Promise<void> {
    const stale = await this.deps.payouts
      .find({
        status: op({ $in: AWAITING_PAYSTACK }),
        updatedAt: op({ $lt: new Date(ctx.now.getTime() - STALE_PENDING_MS) }),
      })
      .lean()
    for (const doc of stale) await this.verifyAndApply(ctx, doc)
  }

  /**
   * A retry needs the failure booked (the money back in available) and Paystack's word that the
   * old transfer is over; a transfer Paystack does not know was never made.
   */
  async assertFailureSettled(ctx: Ctx, doc: PayoutDoc): Promise<void> {
    const outcome = doc.status === 'reversed' ? 'reversed' : 'failed'
    const returned = await this.deps.ledger.journalByKey(ctx, `payout:${doc.reference}:${outcome}`)
    if (!returned) {
      throw new InvalidStateError(
        'The failed transfer’s money is not back in the available balance',
        'payout_failure_not_booked',
      )
    }
    const transfer = await this.deps.paystack.verifyTransfer(doc.reference).catch((error) => {
      if (error instanceof PaystackRejectedError) return undefined
      throw error
    })
    if (transfer && !FAILED_STATUSES.includes(transfer.status)) {
      throw new InvalidStateError(
        `Paystack reports the transfer as ${transfer.status}; it cannot be retried`,
        'transfer_not_failed',
      )
    }
  }
}

function transferInput(doc: PayoutDoc): InitiateTransferInput {
  return {
    amount: doc.amount,
    recipient: doc.recipientCode,
    reference: doc.reference,
    reason: `KlosetStore payout ${doc.period}`,
    currency: doc.currency,
  }
}
