import type { AdminOrderDTO } from '../orders/order.types.js'
import type { Ctx } from '../shared/ctx.js'
import {
  AppError,
  ChangedMeanwhileError,
  ConflictError,
  InvalidStateError,
  NotFoundError,
} from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import type { DisputeDoc, DisputeEvidenceDoc } from './dispute.model.js'
import type { ResolveDisputeCaseBody } from './dispute.schemas.js'
import { type DisputeActor, type DisputeOutcome, OPEN_DISPUTE_STATUSES } from './dispute.types.js'

/** The clocks of a case (docs/trust-and-safety.md, "Disputes"). */
export const DISPUTE_CLOCKS = {
  /** A buyer may open a case up to this long after delivery. */
  openWindowDays: 14,
  /** A shipped order with no delivery estimate counts as overdue this long after shipping. */
  overdueAfterShippedDays: 7,
  /** The seller's time to accept or answer; then the case escalates by itself. */
  sellerDays: 3,
  /** The buyer's time to escalate an answered case; then it closes for the seller. */
  buyerDays: 3,
  /** An administrator's time to decide an escalated case. */
  adminHours: 48,
} as const

/** Photos one case may carry (buyer and seller together). */
export const MAX_DISPUTE_PHOTOS = 10
export const DAY_MS = 24 * 3600_000
/** Cases one pass of a job takes (deadlines, repairs, chargebacks due). */
export const DEADLINE_BATCH = 200

/** What happens to the money when a case is decided. */
export type Settlement = { outcome: DisputeOutcome; amount: number; reason: string }

/** One entry of a case's story: the `dispute.updated` event both parties are told. */
export type DisputeStep = { step: string; headline: string; detail: string }

/** The unique key of an open case (one per order and source). */
export const openKeyOf = (source: string, orderId: string) => `${source}:${orderId}`

export const disputeOpen = (doc: DisputeDoc) =>
  new ConflictError('This order already has an open dispute', 'dispute_open', {
    disputeId: String(doc._id),
  })

export const changed = () => new ChangedMeanwhileError('dispute')

export function assertOpen(doc: DisputeDoc): void {
  if (!OPEN_DISPUTE_STATUSES.includes(doc.status)) {
    throw new InvalidStateError('This dispute is resolved', 'dispute_closed')
  }
}

export function assertParty(party: DisputeActor, expected: 'buyer' | 'seller'): void {
  if (party !== expected) {
    throw new NotFoundError('Dispute')
  }
}

export function evidenceOf(
  ctx: Ctx,
  by: DisputeActor,
  item: Omit<DisputeEvidenceDoc, 'id' | 'by' | 'at'>,
): DisputeEvidenceDoc {
  return { id: newId(), by, at: ctx.now, ...item }
}

/**
 * Whether a buyer may open a case on the order now: delivered (or completed) within the last
 * 14 days, or shipped and overdue (past its delivery estimate, or 7 days without one).
 * @throws InvalidStateError `dispute_window_closed`, `not_disputable`.
 */
export function assertDisputable(order: AdminOrderDTO, now: Date): void {
  if (order.status === 'delivered' || order.status === 'completed') {
    const deliveredAt = order.deliveredAt ? Date.parse(order.deliveredAt) : 0
    if (now.getTime() - deliveredAt > DISPUTE_CLOCKS.openWindowDays * DAY_MS) {
      throw new InvalidStateError(
        `Disputes open within ${DISPUTE_CLOCKS.openWindowDays} days of delivery`,
        'dispute_window_closed',
      )
    }
    return
  }
  if (order.status === 'shipped' && order.shipment) {
    const estimate = order.shipment.estimatedDeliveryDate
    const overdue = estimate
      ? Date.parse(`${estimate}T23:59:59.999Z`) < now.getTime()
      : now.getTime() - Date.parse(order.shipment.shippedAt) >
        DISPUTE_CLOCKS.overdueAfterShippedDays * DAY_MS
    if (overdue) return
    throw new InvalidStateError(
      'A shipped order can be disputed once it is overdue (past its delivery estimate, or 7 days after shipping without one)',
      'not_disputable',
    )
  }
  throw new InvalidStateError(
    `Only delivered or overdue orders can be disputed; this one is ${order.status}`,
    'not_disputable',
  )
}

/** What a refund or release decision does, checked against what is left of the payment. */
export function settlementOf(order: AdminOrderDTO, body: ResolveDisputeCaseBody): Settlement {
  if (body.decision === 'release') return { outcome: 'release', amount: 0, reason: body.reason }
  const refundable = order.total - order.refundedAmount
  const amount = body.refund === 'partial' ? (body.amount ?? 0) : refundable
  if (amount <= 0 || amount > refundable) {
    throw new InvalidStateError(
      'The refund exceeds what is left of the payment',
      'refund_exceeds_paid',
      {
        refundable,
      },
    )
  }
  return {
    outcome: body.refund === 'partial' && amount < refundable ? 'refund_partial' : 'refund_full',
    amount,
    reason: body.reason,
  }
}

/** A deadline that lost a race to a person (an answer, a decision) just skips the case. */
export function skipChanged(error: unknown): undefined {
  if (
    error instanceof AppError &&
    (error.code === 'changed_meanwhile' || error.code === 'invalid_transition')
  )
    return undefined
  throw error
}
