import { type Connection, type Model, Schema, type Types } from 'mongoose'

/** An option value as stored: pairs, so that no user-chosen string ever becomes a key. */
export interface OptionValueDoc {
  name: string
  value: string
}

/**
 * A variant (SKU) is its own document with its own stock counter (DESIGN.md section 3): stock
 * changes are single-document atomic updates guarded in the filter.
 */
export interface VariantDoc {
  _id: Types.ObjectId
  productId: Types.ObjectId
  storeId: Types.ObjectId
  sku: string
  options: OptionValueDoc[]
  price: number
  compareAtPrice?: number
  stock: number
  lowStockThreshold: number
  weightGrams: number
  createdAt: Date
  updatedAt: Date
}

const variantSchema = new Schema<VariantDoc>(
  {
    productId: { type: Schema.Types.ObjectId, required: true, index: true },
    storeId: { type: Schema.Types.ObjectId, required: true },
    sku: { type: String, required: true },
    options: {
      type: [new Schema<OptionValueDoc>({ name: String, value: String }, { _id: false })],
      default: [],
    },
    price: { type: Number, required: true },
    compareAtPrice: Number,
    stock: { type: Number, required: true, default: 0 },
    lowStockThreshold: { type: Number, required: true, default: 0 },
    weightGrams: { type: Number, required: true, default: 0 },
  },
  { timestamps: true, collection: 'variants' },
)
// Both fields required: the compound unique index behaves the same on FerretDB and MongoDB.
variantSchema.index({ storeId: 1, sku: 1 }, { unique: true })

export type VariantModel = Model<VariantDoc>

export const createVariantModel = (conn: Connection): VariantModel =>
  conn.models.Variant ?? conn.model<VariantDoc>('Variant', variantSchema)
