import { invalid, notFound } from './paystack.errors.js'
import type { JsonObject } from './paystack.presenters.js'
import type { DisputeRecord, DisputeStatus, TransactionRecord } from './paystack.types.js'
import { INTEGRATION_ID, type SandboxContext } from './sandbox.context.js'

/** Paystack's chargeback clock: 16 hours to respond (48 outside Nigeria; the sandbox uses 16). */
export const DISPUTE_RESPONSE_HOURS = 16

/** One dispute by id. @throws 404 "Dispute not found". */
export function disputeById(ctx: SandboxContext, id: string): DisputeRecord {
  const dispute = ctx.store.state.disputes.find((d) => String(d.id) === id)
  if (!dispute) throw notFound('Dispute not found')
  return dispute
}

/** The dispute as Paystack's API and webhooks show it. */
export function disputeData(ctx: SandboxContext, dispute: DisputeRecord): JsonObject {
  const transaction = ctx.store.state.transactions.find((t) => t.id === dispute.transactionId)
  const customer = ctx.store.state.customers.find((c) => c.id === transaction?.customerId)
  return {
    id: dispute.id,
    refund_amount: dispute.refundAmount,
    currency: dispute.currency,
    status: dispute.status,
    resolution: dispute.resolution,
    domain: 'test',
    integration: INTEGRATION_ID,
    transaction: {
      id: dispute.transactionId,
      reference: dispute.transactionReference,
      amount: transaction?.amount ?? dispute.refundAmount,
      currency: dispute.currency,
      paid_at: transaction?.paidAt ?? null,
    },
    transaction_reference: dispute.transactionReference,
    category: dispute.category,
    customer: customer
      ? { id: customer.id, email: customer.email, customer_code: customer.customerCode }
      : null,
    dueAt: dispute.dueAt,
    resolvedAt: dispute.resolvedAt,
    evidence: dispute.evidence,
    note: null,
    message: dispute.message,
    history: dispute.history,
    createdAt: dispute.createdAt,
    updatedAt: dispute.updatedAt,
  }
}

function touch(ctx: SandboxContext, dispute: DisputeRecord, status: DisputeStatus, by: string) {
  const at = ctx.now().toISOString()
  dispute.status = status
  dispute.updatedAt = at
  dispute.history.push({ status, by, createdAt: at })
  ctx.store.changed()
}

/**
 * A customer's bank raises a chargeback on a paid transaction (control API): the dispute opens
 * `awaiting-merchant-feedback` with a 16-hour clock and `charge.dispute.create` is sent.
 */
export function raiseChargeback(
  ctx: SandboxContext,
  transaction: TransactionRecord,
  input: { amount?: number | undefined; category?: 'chargeback' | 'fraud' | undefined },
): DisputeRecord {
  if (transaction.status !== 'success') throw invalid('Only a paid transaction can be disputed')
  const amount = input.amount ?? transaction.amount - transaction.refundedAmount
  if (amount <= 0 || amount > transaction.amount - transaction.refundedAmount) {
    throw invalid('The chargeback exceeds what is left of the transaction')
  }
  const now = ctx.now()
  const dispute: DisputeRecord = {
    id: ctx.store.nextId(),
    transactionId: transaction.id,
    transactionReference: transaction.reference,
    refundAmount: amount,
    currency: transaction.currency,
    status: 'awaiting-merchant-feedback',
    resolution: null,
    category: input.category ?? 'chargeback',
    dueAt: new Date(now.getTime() + DISPUTE_RESPONSE_HOURS * 3600_000).toISOString(),
    resolvedAt: null,
    evidence: null,
    message: null,
    history: [{ status: 'awaiting-merchant-feedback', by: 'bank', createdAt: now.toISOString() }],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }
  ctx.store.state.disputes.push(dispute)
  ctx.store.changed()
  ctx.events.emit('charge.dispute.create', disputeData(ctx, dispute))
  return dispute
}

/** Paystack's reminder while the merchant has not answered (control API). */
export function remindDispute(ctx: SandboxContext, dispute: DisputeRecord): DisputeRecord {
  if (dispute.status !== 'awaiting-merchant-feedback') {
    throw invalid('Only a dispute awaiting the merchant is reminded')
  }
  ctx.events.emit('charge.dispute.remind', disputeData(ctx, dispute))
  return dispute
}

/** `POST /dispute/:id/evidence`: the merchant's evidence, kept on the dispute. */
export function addEvidence(
  ctx: SandboxContext,
  dispute: DisputeRecord,
  input: Omit<NonNullable<DisputeRecord['evidence']>, 'id'>,
): DisputeRecord {
  if (dispute.status === 'resolved') throw invalid('Dispute has already been resolved')
  dispute.evidence = { id: ctx.store.nextId(), ...input }
  dispute.updatedAt = ctx.now().toISOString()
  ctx.store.changed()
  return dispute
}

/**
 * `PUT /dispute/:id/resolve`: the merchant accepts (the refund amount leaves the balance to the
 * customer; the dispute is resolved) or declines with evidence (the bank decides next:
 * `awaiting-bank-feedback`, settled with the control API).
 */
export function merchantResolve(
  ctx: SandboxContext,
  dispute: DisputeRecord,
  input: { resolution: 'merchant-accepted' | 'declined'; message: string; refund_amount: number },
): DisputeRecord {
  if (dispute.status !== 'awaiting-merchant-feedback') {
    throw invalid('Dispute is not awaiting merchant feedback')
  }
  if (input.resolution === 'declined' && !dispute.evidence) {
    throw invalid('Provide evidence before declining a dispute')
  }
  if (input.refund_amount < 0 || input.refund_amount > dispute.refundAmount) {
    throw invalid('Refund amount exceeds the disputed amount')
  }
  dispute.message = input.message
  if (input.resolution === 'merchant-accepted') {
    return settle(ctx, dispute, 'merchant-accepted', input.refund_amount, 'merchant')
  }
  touch(ctx, dispute, 'awaiting-bank-feedback', 'merchant')
  return dispute
}

/**
 * The dispute ends (the merchant accepted, or the bank ruled): a lost dispute's amount leaves the
 * Paystack balance and the transaction, and `charge.dispute.resolve` is sent.
 */
export function settle(
  ctx: SandboxContext,
  dispute: DisputeRecord,
  resolution: 'merchant-accepted' | 'declined',
  refundAmount: number,
  by: string,
): DisputeRecord {
  if (dispute.status === 'resolved') throw invalid('Dispute has already been resolved')
  dispute.resolution = resolution
  dispute.refundAmount = resolution === 'declined' ? 0 : refundAmount
  dispute.resolvedAt = ctx.now().toISOString()
  if (dispute.refundAmount > 0) {
    const transaction = ctx.store.state.transactions.find((t) => t.id === dispute.transactionId)
    if (transaction) transaction.refundedAmount += dispute.refundAmount
    ctx.store.state.balances[dispute.currency] -= dispute.refundAmount
  }
  touch(ctx, dispute, 'resolved', by)
  ctx.events.emit('charge.dispute.resolve', disputeData(ctx, dispute))
  return dispute
}
