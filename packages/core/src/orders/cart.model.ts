import { type Connection, type Model, Schema, type Types } from 'mongoose'

export interface CartLineDoc {
  id: string
  variantId: string
  quantity: number
  /** The price the buyer saw when adding (or last changing) the line: `price_changed` compares. */
  priceSeen: number
  addedAt: Date
}

/**
 * One cart per buyer. Lines change by loading the cart, building the new array in JS and saving
 * it with optimistic concurrency (`__v`): no positional operators, no `$pull` by condition.
 */
export interface CartDoc {
  _id: Types.ObjectId
  buyerId: string
  lines: CartLineDoc[]
  __v: number
  createdAt: Date
  updatedAt: Date
}

const lineSchema = new Schema<CartLineDoc>(
  {
    id: { type: String, required: true },
    variantId: { type: String, required: true },
    quantity: { type: Number, required: true },
    priceSeen: { type: Number, required: true },
    addedAt: { type: Date, required: true },
  },
  { _id: false },
)

const cartSchema = new Schema<CartDoc>(
  {
    buyerId: { type: String, required: true, unique: true },
    lines: { type: [lineSchema], default: [] },
  },
  { timestamps: true, collection: 'carts', optimisticConcurrency: true },
)

export type CartModel = Model<CartDoc>

export const createCartModel = (conn: Connection): CartModel =>
  conn.models.Cart ?? conn.model<CartDoc>('Cart', cartSchema)
