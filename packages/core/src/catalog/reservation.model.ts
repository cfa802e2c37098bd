import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { RESERVATION_STATUSES, type ReservationStatus } from './product.types.js'

export interface ReservationLineDoc {
  variantId: Types.ObjectId
  productId: Types.ObjectId
  storeId: Types.ObjectId
  quantity: number
}

/**
 * Stock held for a checkout. Status changes are compare-and-set on `status`, so a reservation is
 * committed or given back exactly once. Expired active ones still hold their stock until the
 * scheduler's `releaseExpired` sweep (no TTL indexes on our engine).
 */
export interface ReservationDoc {
  _id: Types.ObjectId
  status: ReservationStatus
  lines: ReservationLineDoc[]
  expiresAt: Date
  orderGroupId?: string
  actor: { kind: string; id?: string; label: string }
  committedAt?: Date
  releasedAt?: Date
  releaseReason?: string
  createdAt: Date
  updatedAt: Date
}

const lineSchema = new Schema<ReservationLineDoc>(
  {
    variantId: { type: Schema.Types.ObjectId, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    quantity: { type: Number, required: true },
  },
  { _id: false },
)

const reservationSchema = new Schema<ReservationDoc>(
  {
    status: { type: String, required: true, enum: RESERVATION_STATUSES },
    lines: { type: [lineSchema], required: true },
    expiresAt: { type: Date, required: true },
    orderGroupId: String,
    actor: {
      kind: { type: String, required: true },
      id: String,
      label: { type: String, required: true },
    },
    committedAt: Date,
    releasedAt: Date,
    releaseReason: String,
  },
  { timestamps: true, collection: 'reservations' },
)
reservationSchema.index({ status: 1, expiresAt: 1 })
reservationSchema.index({ 'lines.variantId': 1, status: 1 })

export type ReservationModel = Model<ReservationDoc>

export const createReservationModel = (conn: Connection): ReservationModel =>
  conn.models.Reservation ?? conn.model<ReservationDoc>('Reservation', reservationSchema)
