import type { DisputeDoc } from './dispute.model.js'
import type { DisputeDTO } from './dispute.types.js'

/** A case as every party reads it (photo storage keys stay inside). */
export function toDisputeDTO(doc: DisputeDoc): DisputeDTO {
  const deadlines: DisputeDTO['deadlines'] = {}
  if (doc.sellerDueAt) deadlines.sellerDueAt = doc.sellerDueAt.toISOString()
  if (doc.buyerDueAt) deadlines.buyerDueAt = doc.buyerDueAt.toISOString()
  if (doc.adminDueAt) deadlines.adminDueAt = doc.adminDueAt.toISOString()
  return {
    id: String(doc._id),
    orderId: doc.orderId,
    storeId: doc.storeId,
    buyerId: doc.buyerId,
    source: doc.source,
    status: doc.status,
    reason: doc.reason,
    description: doc.description,
    amount: doc.amount,
    currency: doc.currency,
    deadlines,
    overdue: doc.overdueAt !== undefined && doc.status === 'escalated',
    evidence: doc.evidence.map((e) => ({
      id: e.id,
      by: e.by,
      kind: e.kind,
      ...(e.text ? { text: e.text } : {}),
      ...(e.photo
        ? { photo: { url: e.photo.url, width: e.photo.width, height: e.photo.height } }
        : {}),
      at: e.at.toISOString(),
    })),
    history: doc.history.map((h) => ({
      ...(h.from ? { from: h.from } : {}),
      to: h.to,
      actor: h.actor,
      ...(h.note ? { note: h.note } : {}),
      at: h.at.toISOString(),
    })),
    ...(doc.resolution
      ? {
          resolution: {
            outcome: doc.resolution.outcome,
            amount: doc.resolution.amount,
            reason: doc.resolution.reason,
            decidedBy: doc.resolution.decidedBy,
            at: doc.resolution.at.toISOString(),
            ...(doc.resolution.refundId ? { refundId: doc.resolution.refundId } : {}),
          },
        }
      : {}),
    ...(doc.paystack
      ? {
          paystack: {
            disputeId: doc.paystack.disputeId,
            status: doc.paystack.status,
            ...(doc.paystack.dueAt ? { dueAt: doc.paystack.dueAt.toISOString() } : {}),
            evidenceSubmitted: doc.paystack.evidenceSubmitted,
            ...(doc.paystack.resolution ? { resolution: doc.paystack.resolution } : {}),
          },
        }
      : {}),
    openedAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}
