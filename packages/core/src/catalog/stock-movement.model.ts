import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { MOVEMENT_KINDS, type MovementKind } from './product.types.js'

/**
 * One change of a variant's stock. `key` is unique: a step that is retried (or raced) cannot be
 * recorded twice, and the service reverts the stock change of the loser (inventory.service.ts).
 */
export interface StockMovementDoc {
  _id: Types.ObjectId
  key: string
  variantId: Types.ObjectId
  productId: Types.ObjectId
  storeId: Types.ObjectId
  kind: MovementKind
  delta: number
  stockAfter: number
  reason: string
  actor: { kind: string; id?: string; label: string }
  reservationId?: Types.ObjectId
  orderGroupId?: string
  /** Set while a keyed restock is recorded but its `$inc` not yet confirmed (inventory.service). */
  unconfirmed?: boolean
  at: Date
}

const stockMovementSchema = new Schema<StockMovementDoc>(
  {
    key: { type: String, required: true, unique: true },
    variantId: { type: Schema.Types.ObjectId, required: true },
    productId: { type: Schema.Types.ObjectId, required: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true, enum: MOVEMENT_KINDS },
    delta: { type: Number, required: true },
    stockAfter: { type: Number, required: true },
    reason: { type: String, required: true },
    actor: {
      kind: { type: String, required: true },
      id: String,
      label: { type: String, required: true },
    },
    reservationId: { type: Schema.Types.ObjectId, index: true },
    orderGroupId: String,
    unconfirmed: Boolean,
    at: { type: Date, required: true },
  },
  { collection: 'stock_movements', versionKey: false },
)
stockMovementSchema.index({ variantId: 1, _id: -1 })
// The recount list (`inventory.unconfirmedMovements`) and its count in a job every 5 minutes.
stockMovementSchema.index({ unconfirmed: 1, _id: -1 })

export type StockMovementModel = Model<StockMovementDoc>

export const createStockMovementModel = (conn: Connection): StockMovementModel =>
  conn.models.StockMovement ?? conn.model<StockMovementDoc>('StockMovement', stockMovementSchema)
