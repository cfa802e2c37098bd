import type { DisputeDoc } from './dispute.model.js'
import type { DisputeDTO } from './dispute.types.js'

/** A case as every party reads it (photo storage keys stay inside). */
export function toDisputeDTO(doc: DisputeDoc): DisputeDTO {
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
    deadlines: deadlinesOf(doc),
    overdue: doc.overdueAt !== undefined && doc.status === 'escalated',
    evidence: doc.evidence.map(evidenceDTO),
    history: doc.history.map(historyDTO),
    ...(doc.resolution ? { resolution: resolutionDTO(doc.resolution) } : {}),
    ...(doc.paystack ? { paystack: paystackDTO(doc.paystack) } : {}),
    openedAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
}

function deadlinesOf(doc: DisputeDoc): DisputeDTO['deadlines'] {
  const deadlines: DisputeDTO['deadlines'] = {}
  if (doc.sellerDueAt) deadlines.sellerDueAt = doc.sellerDueAt.toISOString()
  if (doc.buyerDueAt) deadlines.buyerDueAt = doc.buyerDueAt.toISOString()
  if (doc.adminDueAt) deadlines.adminDueAt = doc.adminDueAt.toISOString()
  return deadlines
}

function evidenceDTO(e: DisputeDoc['evidence'][number]): DisputeDTO['evidence'][number] {
  return {
    id: e.id,
    by: e.by,
    kind: e.kind,
    ...(e.text ? { text: e.text } : {}),
    ...(e.photo
      ? { photo: { url: e.photo.url, width: e.photo.width, height: e.photo.height } }
      : {}),
    at: e.at.toISOString(),
  }
}

function historyDTO(h: DisputeDoc['history'][number]): DisputeDTO['history'][number] {
  return {
    ...(h.from ? { from: h.from } : {}),
    to: h.to,
    actor: h.actor,
    ...(h.note ? { note: h.note } : {}),
    at: h.at.toISOString(),
  }
}

function resolutionDTO(
  r: NonNullable<DisputeDoc['resolution']>,
): NonNullable<DisputeDTO['resolution']> {
  return {
    outcome: r.outcome,
    amount: r.amount,
    reason: r.reason,
    decidedBy: r.decidedBy,
    at: r.at.toISOString(),
    ...(r.refundId ? { refundId: r.refundId } : {}),
  }
}

function paystackDTO(p: NonNullable<DisputeDoc['paystack']>): NonNullable<DisputeDTO['paystack']> {
  return {
    disputeId: p.disputeId,
    status: p.status,
    ...(p.dueAt ? { dueAt: p.dueAt.toISOString() } : {}),
    evidenceSubmitted: p.evidenceSubmitted,
    ...(p.resolution ? { resolution: p.resolution } : {}),
  }
}
