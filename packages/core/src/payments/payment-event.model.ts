import { type Connection, type Model, Schema, type Types } from 'mongoose'

/**
 * A payment provider's webhook event, stored once. The unique `key` is what makes a replayed or
 * retried delivery a no-op: the insert of the second copy fails on the index (no transaction,
 * no check-then-insert race). The raw body is kept as received, as text: it is the evidence for
 * reconciliation, and storing it parsed would let its keys (metadata is free-form) break the
 * rules on field names.
 */
export interface PaymentEventDoc {
  _id: Types.ObjectId
  key: string
  provider: 'paystack'
  event: string
  /** The transaction reference (charges, refunds) or our transfer reference (transfers). */
  reference?: string
  status?: string
  rawBody: string
  receivedAt: Date
  sourceIp?: string
  requestId: string
}

const paymentEventSchema = new Schema<PaymentEventDoc>(
  {
    key: { type: String, required: true, unique: true },
    provider: { type: String, required: true, enum: ['paystack'] },
    event: { type: String, required: true },
    reference: String,
    status: String,
    rawBody: { type: String, required: true },
    receivedAt: { type: Date, required: true },
    sourceIp: String,
    requestId: { type: String, required: true },
  },
  { collection: 'payment_events', versionKey: false },
)
paymentEventSchema.index({ reference: 1, receivedAt: -1 })
paymentEventSchema.index({ receivedAt: -1 })

export type PaymentEventModel = Model<PaymentEventDoc>
export const createPaymentEventModel = (conn: Connection): PaymentEventModel =>
  conn.models.PaymentEvent ?? conn.model<PaymentEventDoc>('PaymentEvent', paymentEventSchema)
