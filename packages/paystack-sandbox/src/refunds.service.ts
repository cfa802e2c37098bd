import { randomCode } from './ids.js'
import { formatAmount } from './money.format.js'
import { invalid, notFound } from './paystack.errors.js'
import { refundEventData } from './paystack.presenters.js'
import type { RefundRecord, RefundStatus } from './paystack.types.js'
import type { CreateRefundBody } from './requests.schemas.js'
import type { SandboxContext } from './sandbox.context.js'
import { findTestCard } from './test-cards.data.js'
import { transactionByIdOrReference } from './transactions.service.js'

/** Which refund statuses may follow which; settling anything else is refused. */
export const refundTransitions: Record<RefundStatus, readonly RefundStatus[]> = {
  pending: ['processed', 'failed', 'needs-attention'],
  processing: ['processed', 'failed'],
  'needs-attention': ['processing'],
  processed: [],
  failed: [],
}

const jobKey = (refund: RefundRecord) => `refund:${refund.id}`

/** Money not yet given back, counting pending refunds as given (Paystack reserves it). */
function refundableLeft(ctx: SandboxContext, transactionId: number, amount: number): number {
  const taken = ctx.store.state.refunds
    .filter((refund) => refund.transactionId === transactionId && refund.status !== 'failed')
    .reduce((sum, refund) => sum + refund.amount, 0)
  return amount - taken
}

/**
 * Queues a refund: the amount leaves the balance now and the refund settles later.
 * @throws PaystackError 400 for unpaid transactions, over-refunds and a short balance.
 */
export function createRefund(ctx: SandboxContext, input: CreateRefundBody): RefundRecord {
  const { store } = ctx
  const transaction = transactionByIdOrReference(ctx, input.transaction)
  if (!transaction) throw invalid('Transaction reference not found', 'invalid_reference')
  if (transaction.status === 'reversed') throw invalid('Transaction has been fully reversed')
  if (transaction.status !== 'success') {
    throw invalid('Transaction has not been completed, so it cannot be refunded')
  }
  if (input.currency && input.currency !== transaction.currency) {
    throw invalid(`Refund currency must match the transaction currency ${transaction.currency}`)
  }
  const left = refundableLeft(ctx, transaction.id, transaction.amount)
  if (left <= 0) throw invalid('Transaction has been fully reversed')
  const amount = input.amount ?? left
  if (amount > left) {
    throw invalid(
      `Refund amount cannot be more than ${formatAmount(left, transaction.currency)}, what is left to refund`,
    )
  }
  if (store.state.balances[transaction.currency] < amount) {
    throw invalid('Insufficient balance to fulfill this refund. Please top up.')
  }
  const now = ctx.now()
  const refund: RefundRecord = {
    id: store.nextId(),
    transactionId: transaction.id,
    transactionReference: transaction.reference,
    amount,
    currency: transaction.currency,
    status: 'pending',
    customerNote: input.customer_note ?? null,
    merchantNote: input.merchant_note ?? null,
    refundReference: null,
    refundedAt: null,
    expectedAt: new Date(now.getTime() + 10 * 24 * 3_600_000).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  }
  store.state.balances[transaction.currency] -= amount
  store.state.refunds.push(refund)
  ctx.events.emit('refund.pending', refundEventData(ctx, refund))
  scheduleRefund(ctx, refund)
  return refund
}

/** Queues the automatic settlement of a pending or processing refund. */
export function scheduleRefund(ctx: SandboxContext, refund: RefundRecord): void {
  ctx.jobs.schedule(jobKey(refund), ctx.options.refundDelayMs, () => {
    settleRefund(ctx, refund, undefined)
    ctx.store.changed()
  })
}

/**
 * Moves a refund to its final status: the one its card dictates unless `forced` says otherwise.
 * A failed refund gives the money back to the balance.
 * @throws PaystackError 400 when the refund is already final.
 */
export function settleRefund(
  ctx: SandboxContext,
  refund: RefundRecord,
  forced: 'processed' | 'failed' | undefined,
): RefundRecord {
  const transaction = ctx.store.state.transactions.find((t) => t.id === refund.transactionId)
  const card = findTestCard(transaction?.cardNumber ?? '')
  const target =
    forced ?? (refund.status === 'processing' ? 'processed' : (card?.refundOutcome ?? 'processed'))
  if (!refundTransitions[refund.status].includes(target)) {
    throw invalid(`Refund ${refund.id} is ${refund.status} and cannot become ${target}`)
  }
  ctx.jobs.cancel(jobKey(refund))
  const now = ctx.now().toISOString()
  refund.status = target
  refund.updatedAt = now
  if (target === 'processed') {
    refund.refundedAt = now
    refund.refundReference = `RFD_${randomCode(12).toUpperCase()}`
    if (transaction) {
      transaction.refundedAmount += refund.amount
      if (transaction.refundedAmount >= transaction.amount) transaction.status = 'reversed'
      transaction.updatedAt = now
    }
  }
  if (target === 'failed') ctx.store.state.balances[refund.currency] += refund.amount
  ctx.events.emit(`refund.${target}`, refundEventData(ctx, refund))
  return refund
}

/** `POST /refund/retry_with_customer_details/:id`: a needs-attention refund goes processing. */
export function retryRefund(ctx: SandboxContext, refund: RefundRecord): RefundRecord {
  if (refund.status !== 'needs-attention') {
    throw invalid('Only refunds that need attention can be retried with customer details')
  }
  refund.status = 'processing'
  refund.updatedAt = ctx.now().toISOString()
  scheduleRefund(ctx, refund)
  return refund
}

/** @throws PaystackError 404 "Refund not found". */
export function refundById(ctx: SandboxContext, id: string): RefundRecord {
  const refund = ctx.store.state.refunds.find((candidate) => String(candidate.id) === id)
  if (!refund) throw notFound('Refund not found')
  return refund
}
