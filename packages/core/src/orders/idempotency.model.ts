import { type Connection, type Model, Schema, type Types } from 'mongoose'

/**
 * One `Idempotency-Key` of one caller. The insert claims it (unique `{ownerId, key}`); the
 * request that inserted it runs, and stores its response for replays. No TTL index on our
 * engine: `expiresAt` is swept by a job and checked on every read.
 */
export interface IdempotencyKeyDoc {
  _id: Types.ObjectId
  ownerId: string
  key: string
  scope: string
  requestHash: string
  status: 'in_progress' | 'done'
  /** While in progress: after this, the run is presumed crashed and another request may take over. */
  lockedUntil: Date
  responseStatus?: number
  /** The response body as sent, JSON text, so a replay is byte-identical. */
  responseBody?: string
  expiresAt: Date
  createdAt: Date
}

const idempotencyKeySchema = new Schema<IdempotencyKeyDoc>(
  {
    ownerId: { type: String, required: true },
    key: { type: String, required: true },
    scope: { type: String, required: true },
    requestHash: { type: String, required: true },
    status: { type: String, required: true, enum: ['in_progress', 'done'] },
    lockedUntil: { type: Date, required: true },
    responseStatus: Number,
    responseBody: String,
    expiresAt: { type: Date, required: true, index: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'idempotency_keys' },
)
// Both fields required: the unique index behaves the same on FerretDB and MongoDB.
idempotencyKeySchema.index({ ownerId: 1, key: 1 }, { unique: true })

export type IdempotencyKeyModel = Model<IdempotencyKeyDoc>

export const createIdempotencyKeyModel = (conn: Connection): IdempotencyKeyModel =>
  conn.models.IdempotencyKey ??
  conn.model<IdempotencyKeyDoc>('IdempotencyKey', idempotencyKeySchema)
