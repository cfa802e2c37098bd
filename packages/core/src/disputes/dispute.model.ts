import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { outboxFields } from '../events/outbox.js'
import type { OutboxEntry } from '../shared/events.js'
import { CURRENCIES, type Currency } from '../shared/money.js'
import {
  DISPUTE_OUTCOMES,
  DISPUTE_REASONS,
  DISPUTE_SOURCES,
  DISPUTE_STATUSES,
  type DisputeActor,
  type DisputeOutcome,
  type DisputeReason,
  type DisputeSource,
  type DisputeStatus,
} from './dispute.types.js'

export interface DisputeEvidenceDoc {
  id: string
  by: DisputeActor
  kind: 'note' | 'photo' | 'timeline'
  text?: string
  photo?: { url: string; storageKey: string; store: string; width: number; height: number }
  at: Date
}

export interface DisputeHistoryDoc {
  from?: DisputeStatus
  to: DisputeStatus
  actor: string
  note?: string
  at: Date
}

export interface DisputeDoc {
  _id: Types.ObjectId
  orderId: string
  orderGroupId: string
  storeId: string
  buyerId: string
  source: DisputeSource
  status: DisputeStatus
  /**
   * One open case per order and source: `<source>:<orderId>` while open (a unique index), then
   * `<source>:<orderId>:<caseId>` once resolved, so a later case may open.
   */
  openKey: string
  reason: DisputeReason
  description: string
  amount: number
  currency: Currency
  sellerDueAt?: Date
  buyerDueAt?: Date
  adminDueAt?: Date
  /** Set when the deadline job told administrators the decision is late (once). */
  overdueAt?: Date
  evidence: DisputeEvidenceDoc[]
  history: DisputeHistoryDoc[]
  /**
   * True from the resolving write until the money moved (refund or release): a crash between
   * the two is finished by `repairSettlements` (the `advance-dispute-deadlines` job).
   */
  settlementPending?: boolean
  resolution?: {
    outcome: DisputeOutcome
    amount: number
    reason: string
    decidedBy: string
    at: Date
    refundId?: string
  }
  paystack?: {
    disputeId: number
    status: string
    dueAt?: Date
    evidenceSubmitted: boolean
    resolution?: string
    /** Paystack's `.resolve` was booked in the ledger (a chargeback lost without our refund). */
    booked?: boolean
    /** When the `answer-chargebacks` job declined it with the evidence (no one decided in time). */
    autoAnsweredAt?: Date
  }
  outbox: OutboxEntry[]
  outboxState?: 'pending'
  createdAt: Date
  updatedAt: Date
}

const evidenceSchema = new Schema<DisputeEvidenceDoc>(
  {
    id: { type: String, required: true },
    by: { type: String, required: true },
    kind: { type: String, required: true },
    text: String,
    photo: {
      type: new Schema(
        { url: String, storageKey: String, store: String, width: Number, height: Number },
        { _id: false },
      ),
      required: false,
    },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const historySchema = new Schema<DisputeHistoryDoc>(
  {
    from: { type: String, enum: DISPUTE_STATUSES },
    to: { type: String, required: true, enum: DISPUTE_STATUSES },
    actor: { type: String, required: true },
    note: String,
    at: { type: Date, required: true },
  },
  { _id: false },
)

const disputeSchema = new Schema<DisputeDoc>(
  {
    orderId: { type: String, required: true, index: true },
    orderGroupId: { type: String, required: true },
    storeId: { type: String, required: true },
    buyerId: { type: String, required: true },
    source: { type: String, required: true, enum: DISPUTE_SOURCES },
    status: { type: String, required: true, enum: DISPUTE_STATUSES },
    openKey: { type: String, required: true, unique: true },
    reason: { type: String, required: true, enum: DISPUTE_REASONS },
    description: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    sellerDueAt: Date,
    buyerDueAt: Date,
    adminDueAt: Date,
    overdueAt: Date,
    evidence: { type: [evidenceSchema], default: [] },
    history: { type: [historySchema], default: [] },
    settlementPending: Boolean,
    resolution: {
      type: new Schema(
        {
          outcome: { type: String, required: true, enum: DISPUTE_OUTCOMES },
          amount: { type: Number, required: true },
          reason: { type: String, required: true },
          decidedBy: { type: String, required: true },
          at: { type: Date, required: true },
          refundId: String,
        },
        { _id: false },
      ),
      required: false,
    },
    paystack: {
      type: new Schema(
        {
          disputeId: { type: Number, required: true },
          status: { type: String, required: true },
          dueAt: Date,
          evidenceSubmitted: { type: Boolean, required: true, default: false },
          resolution: String,
          booked: Boolean,
          autoAnsweredAt: Date,
        },
        { _id: false },
      ),
      required: false,
    },
    ...outboxFields,
  },
  { timestamps: true, collection: 'disputes' },
)
// Lists by audience (newest first), the deadline job's scans and the payout freeze.
disputeSchema.index({ buyerId: 1, _id: -1 })
disputeSchema.index({ storeId: 1, status: 1 })
disputeSchema.index({ status: 1, _id: -1 })
disputeSchema.index({ 'paystack.disputeId': 1 })
disputeSchema.index({ settlementPending: 1, updatedAt: 1 })

export type DisputeModel = Model<DisputeDoc>

export const createDisputeModel = (conn: Connection): DisputeModel =>
  conn.models.Dispute ?? conn.model<DisputeDoc>('Dispute', disputeSchema)
