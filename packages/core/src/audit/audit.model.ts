import { type Connection, type Model, Schema, type Types } from 'mongoose'

/** One administrative or security-relevant action: who, what, on what, when, why. */
export interface AuditEntryDoc {
  _id: Types.ObjectId
  at: Date
  actor: { kind: string; id?: string; label: string }
  action: string
  target: { type: string; id: string }
  reason?: string
  details?: Record<string, unknown>
  requestId: string
}

const auditSchema = new Schema<AuditEntryDoc>(
  {
    at: { type: Date, required: true },
    actor: {
      kind: { type: String, required: true },
      id: String,
      label: { type: String, required: true },
    },
    action: { type: String, required: true },
    target: { type: { type: String, required: true }, id: { type: String, required: true } },
    reason: String,
    details: Schema.Types.Mixed,
    requestId: { type: String, required: true },
  },
  { collection: 'audit_log', versionKey: false },
)
auditSchema.index({ 'target.type': 1, 'target.id': 1, at: -1 })
auditSchema.index({ at: -1 })

export type AuditModel = Model<AuditEntryDoc>
export const createAuditModel = (conn: Connection): AuditModel =>
  conn.models.AuditEntry ?? conn.model<AuditEntryDoc>('AuditEntry', auditSchema)
