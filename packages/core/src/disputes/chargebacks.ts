import type { People } from '../accounts/people.port.js'
import { op } from '../db/query.js'
import type { AdminOrderDTO } from '../orders/order.types.js'
import type { RefundsService } from '../orders/refunds.service.js'
import type { PaystackClient } from '../payments/paystack/paystack.client.js'
import type {
  DisputeEvidenceInput,
  PaystackDispute,
} from '../payments/paystack/paystack.disputes.js'
import { type Ctx, systemCtx } from '../shared/ctx.js'
import type { DomainEvents } from '../shared/events.js'
import type { Logger } from '../shared/logger.js'
import { formatMoney } from '../shared/money.js'
import type { DisputeDoc, DisputeEvidenceDoc } from './dispute.model.js'
import { openKeyOf, type Settlement } from './dispute.rules.js'
import type { DisputesService } from './disputes.service.js'

export interface ChargebackDeps {
  paystack: Pick<PaystackClient, 'fetchDispute' | 'submitDisputeEvidence' | 'resolveDispute'>
  refunds: Pick<RefundsService, 'recordChargeback'>
  people: People
  logger: Logger
}

/** How long before Paystack's deadline an undecided chargeback counts as overdue. */
const PAYSTACK_MARGIN_MS = 60 * 60_000

/**
 * How long before Paystack's deadline the `answer-chargebacks` job answers a chargeback no
 * administrator decided (docs/trust-and-safety.md, "Chargebacks").
 */
export const AUTO_ANSWER_MARGIN_MS = 6 * 3600_000

/** The mark of the automatic answer in its message: a rerun after a crash recognises its own. */
const autoAnswerKey = (disputeId: number) => `[kloset-auto-answer:${disputeId}]`

/**
 * Paystack chargebacks as dispute cases (source `chargeback`). `charge.dispute.create` opens an
 * escalated case per store order of the transaction (an administrator decides; the seller step is
 * skipped, Paystack's clock is 16 hours), with evidence assembled from the order's timeline and
 * sent to Paystack at once; `.remind` records the reminder and resends missing evidence;
 * `.resolve` records Paystack's outcome and books a lost amount as a refund. Every event is
 * verified by fetching the dispute from Paystack; replays change nothing.
 */
export class Chargebacks {
  constructor(
    private cases: DisputesService,
    private deps: ChargebackDeps,
  ) {}

  /** The `paystack.event_received` subscriber for `charge.dispute.*`. */
  async onPaystackEvent(event: DomainEvents['paystack.event_received']): Promise<void> {
    const kind = /^charge\.dispute\.(create|remind|resolve)$/.exec(event.paystackEvent)?.[1]
    if (!kind) return
    // The key is `<event>:<dispute id>:<status>` (payments/payment-event.keys.ts).
    const id = Number(event.eventKey.split(':')[1])
    if (!Number.isSafeInteger(id) || id <= 0) return
    const ctx = systemCtx('paystack-webhook', this.cases.now())
    const remote = await this.deps.paystack.fetchDispute(id)
    const orders = await this.cases.ordersPaidBy(remote.transaction.reference)
    if (orders.length === 0) {
      this.deps.logger.warn({ disputeId: id }, 'chargeback on a transaction with no order')
      return
    }
    for (const order of orders) {
      const doc = await this.open(ctx, order, remote)
      if (kind === 'remind') await this.remind(ctx, doc, remote)
      if (kind === 'resolve') await this.ruled(ctx, doc, remote)
    }
  }

  /** The case of this order and dispute, opened (and its evidence sent) the first time. */
  private async open(ctx: Ctx, order: AdminOrderDTO, remote: PaystackDispute): Promise<DisputeDoc> {
    const existing = await this.cases.findByPaystack(remote.id, order.id)
    if (existing) return existing
    const dueAt = remote.dueAt
      ? new Date(remote.dueAt)
      : new Date(ctx.now.getTime() + 16 * 3600_000)
    const amount = formatMoney(remote.refund_amount, order.currency)
    const doc = await this.cases
      .create(ctx, order, {
        source: 'chargeback',
        status: 'escalated',
        openKey: `${openKeyOf('chargeback', order.id)}:${remote.id}`,
        reason: remote.category === 'fraud' ? 'other' : 'not_as_described',
        description: `Card chargeback of ${amount} (${remote.category ?? 'chargeback'}) raised with the customer's bank; Paystack needs an answer by ${dueAt.toISOString()}.`,
        evidence: timelineEvidence(ctx, order),
        adminDueAt: new Date(dueAt.getTime() - PAYSTACK_MARGIN_MS),
        paystack: { disputeId: remote.id, status: remote.status, dueAt, evidenceSubmitted: false },
        step: {
          step: 'chargeback_opened',
          headline: 'a card chargeback was opened',
          detail: `The buyer's bank claims ${amount} back. KlosetStore answers Paystack with the order's delivery record by ${dueAt.toISOString()}; the seller's money from this order is frozen meanwhile.`,
        },
      })
      .catch(async (error: unknown) => {
        // A concurrent delivery of the same event opened it first.
        const winner = await this.cases.findByPaystack(remote.id, order.id)
        if (winner) return winner
        throw error
      })
    return this.sendEvidence(ctx, doc, order)
  }

  /**
   * Sends the case's evidence to Paystack once (`POST /dispute/:id/evidence`), with that of the
   * other store orders of the transaction opened so far: Paystack keeps one evidence per dispute,
   * so each submission covers every order.
   */
  private async sendEvidence(ctx: Ctx, doc: DisputeDoc, order: AdminOrderDTO): Promise<DisputeDoc> {
    if (!doc.paystack || doc.paystack.evidenceSubmitted) return doc
    const others = (await this.cases.chargebackCases(doc.paystack.disputeId)).filter(
      (other) => other.orderId !== order.id,
    )
    const cases = [
      { doc, order },
      ...(await Promise.all(
        others.map(async (other) => ({
          doc: other,
          order: await this.cases.orderFor(other.orderId),
        })),
      )),
    ]
    await this.deps.paystack.submitDisputeEvidence(
      doc.paystack.disputeId,
      await this.evidenceOf(ctx, cases),
    )
    return (
      (await this.cases.record(ctx, doc, {
        where: { 'paystack.evidenceSubmitted': false },
        set: { 'paystack.evidenceSubmitted': true },
        step: {
          step: 'evidence_sent',
          headline: 'the delivery record was sent to Paystack',
          detail: 'Order timeline, shipment and delivery details went to the bank as evidence.',
        },
      })) ?? doc
    )
  }

  /**
   * The evidence of one Paystack dispute from its cases (one per store order it paid): the
   * buyer of the first order, every order's timeline and delivery address, in order-id order so
   * the same cases always give the same submission.
   */
  private async evidenceOf(
    ctx: Ctx,
    cases: { doc: DisputeDoc; order: AdminOrderDTO }[],
  ): Promise<DisputeEvidenceInput> {
    const sorted = [...cases].sort((a, b) => a.order.id.localeCompare(b.order.id))
    const first = sorted[0]!.order
    const buyer = await this.deps.people.get(ctx, first.buyerId).catch(() => undefined)
    const addressOf = (order: AdminOrderDTO) => {
      const a = order.shippingAddress
      return [a.line1, a.line2, a.city, a.state, a.country].filter(Boolean).join(', ')
    }
    const delivered = sorted.map((c) => c.order.deliveredAt).filter((d): d is string => !!d)
    return {
      customerEmail: buyer?.email ?? 'unknown@kloset.invalid',
      customerName: first.shippingAddress.name,
      customerPhone: first.shippingAddress.phone,
      serviceDetails: sorted
        .map(({ doc }) =>
          doc.evidence
            .filter((e) => e.kind === 'timeline')
            .map((e) => e.text)
            .join('\n'),
        )
        .join('\n\n'),
      deliveryAddress: [...new Set(sorted.map((c) => addressOf(c.order)))].join(' | '),
      // The latest delivery: the day the whole purchase had arrived.
      ...(delivered.length === sorted.length
        ? { deliveryDate: delivered.sort().at(-1)!.slice(0, 10) }
        : {}),
    }
  }

  /**
   * The `answer-chargebacks` job: a chargeback whose cases are all still undecided within
   * `AUTO_ANSWER_MARGIN_MS` of Paystack's deadline is declined with the evidence of every store
   * order it covers, once per Paystack dispute; its cases are marked and closed as a release
   * (the bank rules next, as after an administrator's release).
   */
  async answerDue(ctx: Ctx): Promise<{ answered: number }> {
    const ids = await this.cases.chargebacksDueBy(
      new Date(ctx.now.getTime() + AUTO_ANSWER_MARGIN_MS),
    )
    let answered = 0
    for (const id of ids) if (await this.autoAnswer(ctx, id)) answered++
    return { answered }
  }

  private async autoAnswer(ctx: Ctx, disputeId: number): Promise<boolean> {
    const docs = await this.cases.chargebackCases(disputeId)
    // A decision on any of its cases already answered Paystack for the whole transaction.
    if (docs.length === 0 || docs.some((d) => d.status !== 'escalated')) return false
    const key = autoAnswerKey(disputeId)
    const remote = await this.deps.paystack.fetchDispute(disputeId)
    if (remote.status === 'awaiting-merchant-feedback') {
      const cases = await Promise.all(
        docs.map(async (doc) => ({ doc, order: await this.cases.orderFor(doc.orderId) })),
      )
      const evidence = await this.deps.paystack.submitDisputeEvidence(
        disputeId,
        await this.evidenceOf(ctx, cases),
      )
      await this.deps.paystack.resolveDispute(disputeId, {
        resolution: 'declined',
        message: `${key} No decision was taken before the deadline: KlosetStore declines with the delivery record of ${docs.length === 1 ? 'the order' : `its ${docs.length} store orders`}.`,
        refundAmount: 0,
        uploadedFilename: 'kloset-order-timeline.txt',
        evidenceId: evidence.id,
      })
    } else if (!remote.message?.includes(key)) {
      // Answered some other way (Paystack's webhooks bring the outcome).
      return false
    }
    // Sent (now, or by a run that stopped before this point): mark and close each case.
    const at = ctx.now.toISOString()
    for (const doc of docs) {
      const marked = await this.cases.record(ctx, doc, {
        where: { status: 'escalated', 'paystack.autoAnsweredAt': op({ $exists: false }) },
        set: {
          'paystack.autoAnsweredAt': ctx.now,
          'paystack.evidenceSubmitted': true,
          'paystack.status': 'awaiting-bank-feedback',
        },
        step: {
          step: 'chargeback_auto_answered',
          headline: 'KlosetStore answered the chargeback automatically',
          detail: `No administrator decided before Paystack's deadline; at ${at} the chargeback was declined with the delivery record of every store order it covers. The bank decides next.`,
        },
      })
      if (!marked) continue
      await this.cases.settle(ctx, marked, 'system', {
        outcome: 'release',
        amount: 0,
        reason: "answered automatically before Paystack's deadline; the bank rules next",
      })
    }
    return true
  }

  private async remind(ctx: Ctx, doc: DisputeDoc, remote: PaystackDispute): Promise<void> {
    await this.cases.record(ctx, doc, {
      where: {},
      set: { 'paystack.status': remote.status },
      step: {
        step: 'chargeback_reminded',
        headline: 'Paystack reminded us of the chargeback deadline',
        detail: `The answer is due by ${remote.dueAt ?? 'soon'}.`,
      },
    })
  }

  /**
   * Paystack's final word: an amount the customer won is booked as a refund (once, never more
   * than is left of the payment) and an open case is closed by it.
   */
  private async ruled(ctx: Ctx, doc: DisputeDoc, remote: PaystackDispute): Promise<void> {
    const lost = remote.refund_amount
    let current = doc
    if (lost > 0 && !doc.paystack?.booked) {
      const order = await this.cases.orderFor(doc.orderId)
      const amount = Math.min(lost, order.total - order.refundedAmount)
      if (amount > 0)
        await this.deps.refunds.recordChargeback(ctx, doc.orderId, amount, 'lost at the bank')
      current =
        (await this.cases.record(ctx, doc, {
          where: { 'paystack.booked': op({ $ne: true }) },
          set: { 'paystack.booked': true },
          step: {
            step: 'chargeback_booked',
            headline: `the bank returned ${formatMoney(amount, doc.currency)} to the buyer`,
            detail:
              'The amount is booked as a refund of the order (commission reversed in proportion).',
          },
        })) ?? doc
    }
    await this.cases.record(ctx, current, {
      where: {},
      set: { 'paystack.status': remote.status, 'paystack.resolution': remote.resolution ?? '' },
      step: {
        step: 'chargeback_resolved',
        headline: `Paystack closed the chargeback (${remote.resolution ?? 'resolved'})`,
        detail:
          lost > 0 ? 'The customer was refunded by their bank.' : 'The chargeback was declined.',
      },
    })
    if (current.status !== 'resolved') {
      await this.cases.settle(ctx, await this.cases.doc(String(current._id)), 'system', {
        outcome: lost > 0 ? 'refund_full' : 'release',
        amount: lost,
        reason: `Paystack closed the chargeback (${remote.resolution ?? 'resolved'})`,
      })
    }
  }

  /**
   * An administrator's (or Paystack's) decision on a chargeback case: accepting refunds through
   * Paystack's dispute (it takes the amount from the balance) and books it; releasing declines
   * with the evidence, and the bank rules (`charge.dispute.resolve`).
   * size: the two outcomes against Paystack's dispute API, read in order (one line over 60).
   */
  async settleMoney(ctx: Ctx, doc: DisputeDoc, settlement: Settlement): Promise<void> {
    const paystack = doc.paystack
    if (!paystack || paystack.resolution !== undefined) return
    // The automatic answer already declined it (`answerDue`).
    if (settlement.outcome === 'release' && paystack.autoAnsweredAt) return
    if (settlement.outcome === 'release') {
      const remote = await this.deps.paystack.resolveDispute(paystack.disputeId, {
        resolution: 'declined',
        message: settlement.reason,
        refundAmount: 0,
        uploadedFilename: 'kloset-order-timeline.txt',
      })
      await this.cases.record(ctx, doc, {
        where: {},
        set: { 'paystack.status': remote.status },
        step: {
          step: 'chargeback_declined',
          headline: 'KlosetStore declined the chargeback with the evidence',
          detail: 'The bank now decides; the money stays frozen until it does.',
        },
      })
      return
    }
    // Claim the booking first: Paystack's `.resolve` webhook may arrive before this call returns,
    // and it must not book the same amount again.
    const claimed = await this.cases.record(ctx, doc, {
      where: { 'paystack.booked': op({ $ne: true }) },
      set: { 'paystack.booked': true },
      step: {
        step: 'chargeback_accepted',
        headline: 'KlosetStore accepted the chargeback',
        detail: `${formatMoney(settlement.amount, doc.currency)} goes back to the buyer through their bank.`,
      },
    })
    if (!claimed) return
    let remote: PaystackDispute
    try {
      remote = await this.deps.paystack.resolveDispute(paystack.disputeId, {
        resolution: 'merchant-accepted',
        message: settlement.reason,
        refundAmount: settlement.amount,
        uploadedFilename: 'kloset-order-timeline.txt',
      })
    } catch (error) {
      await this.cases.unbook(claimed)
      throw error
    }
    await this.deps.refunds.recordChargeback(ctx, doc.orderId, settlement.amount, settlement.reason)
    await this.cases.record(ctx, claimed, {
      where: {},
      set: {
        'paystack.status': remote.status,
        'paystack.resolution': remote.resolution ?? 'merchant-accepted',
      },
      step: {
        step: 'chargeback_refunded',
        headline: `${formatMoney(settlement.amount, doc.currency)} was refunded through the chargeback`,
        detail: 'The refund is booked on the order (commission reversed in proportion).',
      },
    })
  }
}

/** The order's record as evidence: shipment, tracking, delivery and every transition. */
function timelineEvidence(ctx: Ctx, order: AdminOrderDTO): DisputeEvidenceDoc[] {
  const lines: string[] = [
    `Order ${order.id} from ${order.storeName}: ${formatMoney(order.total, order.currency)}, paid ${order.paidAt ?? 'unknown'}.`,
  ]
  if (order.shipment)
    lines.push(
      `Shipped ${order.shipment.shippedAt} with ${order.shipment.carrier}, tracking ${order.shipment.trackingNumber}.`,
    )
  if (order.deliveredAt) lines.push(`Delivered ${order.deliveredAt}.`)
  for (const t of order.timeline)
    lines.push(
      `${t.at}: ${t.from ?? '·'} -> ${t.to} by ${t.actor}${t.reason ? ` (${t.reason})` : ''}`,
    )
  return lines.map((text, i) => ({
    id: `timeline-${i}`,
    by: 'system',
    kind: 'timeline',
    text,
    at: ctx.now,
  }))
}
