import type { Currency } from '../shared/money.js'
import type { PayoutDoc } from './payout.model.js'
import { runOutcomeOf } from './payout.transitions.js'
import type { PayoutDetailDTO, PayoutDTO, PayoutRunItem } from './payout.types.js'

/** Payouts are in naira: the platform's Paystack balance and sellers' NUBAN accounts. */
export const PAYOUT_CURRENCY: Currency = 'NGN'

export function toPayoutDTO(doc: PayoutDoc): PayoutDTO {
  return {
    id: String(doc._id),
    storeId: doc.storeId,
    period: doc.period,
    currency: doc.currency,
    amount: doc.amount,
    status: doc.status,
    attempt: doc.attempt,
    reference: doc.reference,
    bankName: doc.bankName,
    accountNumberLast4: doc.accountNumberLast4,
    ...(doc.failureReason ? { failureReason: doc.failureReason } : {}),
    ...(doc.attention ? { attention: doc.attention } : {}),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.sentAt ? { sentAt: doc.sentAt.toISOString() } : {}),
    ...(doc.paidAt ? { paidAt: doc.paidAt.toISOString() } : {}),
    ...(doc.failedAt ? { failedAt: doc.failedAt.toISOString() } : {}),
  }
}

export function toPayoutDetailDTO(doc: PayoutDoc): PayoutDetailDTO {
  return {
    ...toPayoutDTO(doc),
    accountName: doc.accountName,
    ...(doc.transferCode ? { transferCode: doc.transferCode } : {}),
    ...(doc.paystackStatus ? { paystackStatus: doc.paystackStatus } : {}),
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    balanceBefore: {
      pending: doc.balanceBefore.pending,
      available: doc.balanceBefore.available,
      inTransit: doc.balanceBefore.inTransit,
      paid: doc.balanceBefore.paid,
    },
    covers: {
      orderIds: [...doc.covers.orderIds],
      truncated: doc.covers.truncated,
      ...(doc.covers.throughJournalId ? { throughJournalId: doc.covers.throughJournalId } : {}),
      ...(doc.covers.afterJournalId ? { afterJournalId: doc.covers.afterJournalId } : {}),
    },
    attempts: doc.attempts.map((attempt) => ({
      attempt: attempt.attempt,
      reference: attempt.reference,
      status: attempt.status,
      ...(attempt.transferCode ? { transferCode: attempt.transferCode } : {}),
      ...(attempt.failureReason ? { failureReason: attempt.failureReason } : {}),
      endedAt: attempt.endedAt.toISOString(),
    })),
  }
}

/** How a run reports one payout, from its status (`runOutcomeOf`). */
export function payoutRunItemOf(doc: PayoutDoc): PayoutRunItem {
  return {
    storeId: doc.storeId,
    amount: doc.amount,
    outcome: runOutcomeOf[doc.status],
    ...(doc.failureReason ? { reason: doc.failureReason } : {}),
    payoutId: String(doc._id),
    period: doc.period,
    reference: doc.reference,
    status: doc.status,
  }
}
