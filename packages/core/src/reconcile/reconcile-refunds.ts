import type { LedgerService } from '../ledger/ledger.service.js'
import type { RefundRecordDTO } from '../orders/refunds.queries.js'
import type { RefundsService } from '../orders/refunds.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type { PaystackRefund } from '../payments/paystack/paystack.types.js'
import type { Ctx } from '../shared/ctx.js'
import type { FoundMismatch } from './reconcile-items.js'

export interface RefundChecksDeps {
  paystack: Pick<PaystackClient, 'listRefunds' | 'fetchRefund'>
  refunds: Pick<RefundsService, 'processedBetween' | 'byPaystackRefundId'>
  ledger: Pick<LedgerService, 'journalByKey'>
}

const PAGE = 100
/**
 * Paystack's refund list filters on creation time, and a refund is processed days after it is
 * created (Paystack gives an `expected_at` up to 10 business days out): a month back covers it.
 */
const REFUND_CREATED_BEFORE_MS = 30 * 86_400_000

/** When Paystack processed a refund: `refunded_at`, or its creation in the older shape. */
const processedAtOf = (r: PaystackRefund) => Date.parse(r.refundedAt ?? r.createdAt ?? '')

/**
 * The refunds of one UTC day, both ways: every refund we processed that day (a chargeback
 * excepted: Paystack took that money by itself) has a processed Paystack refund of the same
 * amount, every refund Paystack processed that day on a `kg-` transaction is one we recorded as
 * processed, and every refund we processed has its reversing journal (`refund:<id>`) in the
 * ledger. A refund processed just across midnight on one side is looked up by its id, not reported.
 */
export class RefundChecks {
  constructor(private deps: RefundChecksDeps) {}

  /** Appends the day's refund mismatches; what was checked, counted. */
  async check(
    ctx: Ctx,
    window: { from: Date; to: Date },
    mismatches: FoundMismatch[],
  ): Promise<{ refunds: number; paystackRefunds: number }> {
    const ours = await this.deps.refunds.processedBetween(ctx, window)
    const theirs = await this.paystackRefundsProcessedBetween(window)
    const theirsById = new Map(theirs.map((r) => [r.id, r]))
    const matched = new Set<number>()
    for (const refund of ours) {
      await this.checkJournal(ctx, refund, mismatches)
      if (refund.chargeback) continue
      if (refund.paystackRefundId !== undefined) matched.add(refund.paystackRefundId)
      await this.checkOurs(refund, theirsById, mismatches)
    }
    for (const remote of theirs) {
      if (!matched.has(remote.id)) await this.checkTheirs(ctx, remote, mismatches)
    }
    return { refunds: ours.length, paystackRefunds: theirs.length }
  }

  /** A processed refund's reversing journal is in the ledger. */
  private async checkJournal(
    ctx: Ctx,
    refund: RefundRecordDTO,
    mismatches: FoundMismatch[],
  ): Promise<void> {
    if (await this.deps.ledger.journalByKey(ctx, `refund:${refund.id}`)) return
    mismatches.push({
      kind: 'refund_not_in_ledger',
      subject: refund.id,
      message: `refund ${refund.id} of order ${refund.orderId} (${refund.amount} ${refund.currency}) is processed but has no refund journal`,
      expected: refund.amount,
    })
  }

  /** Our processed refund against Paystack's, fetched by id when it is not in the day's list. */
  private async checkOurs(
    refund: RefundRecordDTO,
    theirsById: Map<number, PaystackRefund>,
    mismatches: FoundMismatch[],
  ): Promise<void> {
    const id = refund.paystackRefundId
    const remote =
      id === undefined
        ? undefined
        : (theirsById.get(id) ?? (await this.deps.paystack.fetchRefund(id).catch(() => undefined)))
    if (remote?.status !== 'processed') {
      mismatches.push({
        kind: 'refund_without_paystack_refund',
        subject: refund.id,
        message: `refund ${refund.id} of order ${refund.orderId} is processed (${refund.amount} ${refund.currency}) but Paystack has ${remote ? `refund ${remote.id} ${remote.status}` : id === undefined ? 'no refund id for it' : `no refund ${id}`}`,
        expected: refund.amount,
      })
    } else if (remote.amount !== refund.amount || remote.currency !== refund.currency) {
      mismatches.push(amountMismatch(refund, remote))
    }
  }

  /** A Paystack refund of the day that no refund of ours processed that day claims. */
  private async checkTheirs(
    ctx: Ctx,
    remote: PaystackRefund,
    mismatches: FoundMismatch[],
  ): Promise<void> {
    // Processed just across midnight on our side: look ours up by Paystack's id.
    const refund = await this.deps.refunds.byPaystackRefundId(ctx, remote.id)
    if (refund?.status !== 'processed') {
      mismatches.push({
        kind: 'paystack_refund_unrecorded',
        subject: String(remote.id),
        message: `Paystack refunded ${remote.amount} ${remote.currency} of ${remote.transactionReference ?? `transaction ${remote.transactionId}`} (refund ${remote.id}) but ${refund ? `our refund ${refund.id} is ${refund.status}` : 'we have no record of it'}`,
        actual: remote.amount,
      })
    } else if (remote.amount !== refund.amount || remote.currency !== refund.currency) {
      mismatches.push(amountMismatch(refund, remote))
    }
  }

  /** Processed refunds of `kg-` transactions whose processing falls in `[from, to)`, every page. */
  private async paystackRefundsProcessedBetween(window: {
    from: Date
    to: Date
  }): Promise<PaystackRefund[]> {
    const found: PaystackRefund[] = []
    for (let page = 1; ; page++) {
      const items = await this.deps.paystack.listRefunds({
        from: new Date(window.from.getTime() - REFUND_CREATED_BEFORE_MS).toISOString(),
        to: window.to.toISOString(),
        page,
        perPage: PAGE,
      })
      for (const r of items) {
        const at = processedAtOf(r)
        const ours = r.transactionReference === null || r.transactionReference.startsWith('kg-')
        if (
          r.status === 'processed' &&
          ours &&
          at >= window.from.getTime() &&
          at < window.to.getTime()
        )
          found.push(r)
      }
      if (items.length < PAGE) return found
    }
  }
}

const amountMismatch = (refund: RefundRecordDTO, remote: PaystackRefund): FoundMismatch => ({
  kind: 'refund_amount_mismatch',
  subject: refund.id,
  message: `refund ${refund.id} is ${refund.amount} ${refund.currency}, Paystack refunded ${remote.amount} ${remote.currency} (refund ${remote.id})`,
  expected: refund.amount,
  actual: remote.amount,
})
