import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { RECONCILE_ITEM_STATUSES, type ReconcileItemStatus } from './reconcile.schemas.js'

/**
 * One mismatch found by reconciliation, kept until an administrator resolves it. `key`
 * (`<kind>:<subject>`) is unique, so a re-run finds the item it opened instead of adding one.
 */
export interface ReconcileItemDoc {
  _id: Types.ObjectId
  key: string
  kind: string
  subject: string
  message: string
  expected?: number
  actual?: number
  status: ReconcileItemStatus
  /** The UTC day (`YYYY-MM-DD`) of the run that last saw it. */
  date: string
  firstSeenAt: Date
  lastSeenAt: Date
  timesSeen: number
  clearedAt?: Date
  resolvedAt?: Date
  resolvedBy?: string
  resolution?: string
}

const reconcileItemSchema = new Schema<ReconcileItemDoc>(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    subject: { type: String, required: true },
    message: { type: String, required: true },
    expected: Number,
    actual: Number,
    status: { type: String, required: true, enum: RECONCILE_ITEM_STATUSES },
    date: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    timesSeen: { type: Number, required: true },
    clearedAt: Date,
    resolvedAt: Date,
    resolvedBy: String,
    resolution: String,
  },
  { collection: 'reconcile_items', versionKey: false },
)
reconcileItemSchema.index({ status: 1, _id: -1 })

export type ReconcileItemModel = Model<ReconcileItemDoc>

export const createReconcileItemModel = (conn: Connection): ReconcileItemModel =>
  conn.models.ReconcileItem ?? conn.model<ReconcileItemDoc>('ReconcileItem', reconcileItemSchema)
