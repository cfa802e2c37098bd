import { type Connection, type Model, Schema, type Types } from 'mongoose'

export type OutboxStatus = 'pending' | 'sending' | 'failed'

/**
 * A mail waiting to be sent (docs/operations.md, "Mail backlog"). Sent mail is deleted; a mail
 * that keeps failing stays as `failed` with its last error for an operator to see.
 */
export interface MailOutboxDoc {
  _id: Types.ObjectId
  to: string
  subject: string
  text: string
  html: string
  status: OutboxStatus
  /** Sending attempts started so far. */
  attempts: number
  /** When it may be tried next; while `sending`, when the sender's lease runs out. */
  nextAttemptAt: Date
  lastError?: string
  createdAt: Date
}

const mailOutboxSchema = new Schema<MailOutboxDoc>(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'sending', 'failed'] },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Date, required: true },
    lastError: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'mail_outbox' },
)
mailOutboxSchema.index({ status: 1, nextAttemptAt: 1 })

export type MailOutboxModel = Model<MailOutboxDoc>

export const createMailOutboxModel = (conn: Connection): MailOutboxModel =>
  conn.models.MailOutbox ?? conn.model<MailOutboxDoc>('MailOutbox', mailOutboxSchema)
