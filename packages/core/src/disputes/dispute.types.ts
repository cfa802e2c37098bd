import type { Currency } from '../shared/money.js'

/**
 * A dispute case's statuses (dispute.transitions.ts has the table). `awaiting_seller`: the
 * seller has 3 days to accept or answer; `seller_answered`: the buyer may escalate within 3
 * days; `escalated`: an administrator decides within 48 hours; `resolved`: final.
 */
export const DISPUTE_STATUSES = [
  'awaiting_seller',
  'seller_answered',
  'escalated',
  'resolved',
] as const
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number]
/** The statuses of a case that is still open (its money is frozen). */
export const OPEN_DISPUTE_STATUSES: readonly DisputeStatus[] = [
  'awaiting_seller',
  'seller_answered',
  'escalated',
]

/** Who moves a case: its buyer, its store's seller, an administrator, a deadline job. */
export type DisputeActor = 'buyer' | 'seller' | 'admin' | 'system'

export const DISPUTE_REASONS = [
  'not_received',
  'not_as_described',
  'damaged',
  'wrong_item',
  'counterfeit',
  'other',
] as const
export type DisputeReason = (typeof DISPUTE_REASONS)[number]

/** A platform case (a buyer opened it) or a card chargeback (Paystack opened it). */
export const DISPUTE_SOURCES = ['platform', 'chargeback'] as const
export type DisputeSource = (typeof DISPUTE_SOURCES)[number]

export const DISPUTE_OUTCOMES = ['refund_full', 'refund_partial', 'release'] as const
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number]

export interface DisputeEvidenceDTO {
  id: string
  by: DisputeActor
  kind: 'note' | 'photo' | 'timeline'
  text?: string
  photo?: { url: string; width: number; height: number }
  at: string
}

export interface DisputeHistoryDTO {
  from?: DisputeStatus
  to: DisputeStatus
  actor: string
  note?: string
  at: string
}

export interface DisputeResolutionDTO {
  outcome: DisputeOutcome
  /** What the buyer gets back, in minor units (0 on release). */
  amount: number
  reason: string
  decidedBy: string
  at: string
  refundId?: string
}

/** A case as the buyer, the seller and administrators read it. */
export interface DisputeDTO {
  id: string
  orderId: string
  storeId: string
  buyerId: string
  source: DisputeSource
  status: DisputeStatus
  reason: DisputeReason
  description: string
  /** The order's total when the case opened (the most the buyer can get back). */
  amount: number
  currency: Currency
  deadlines: { sellerDueAt?: string; buyerDueAt?: string; adminDueAt?: string }
  /** True once an escalated case passed its 48-hour decision deadline. */
  overdue: boolean
  evidence: DisputeEvidenceDTO[]
  history: DisputeHistoryDTO[]
  resolution?: DisputeResolutionDTO
  paystack?: {
    disputeId: number
    status: string
    dueAt?: string
    evidenceSubmitted: boolean
    resolution?: string
  }
  openedAt: string
  updatedAt: string
}
