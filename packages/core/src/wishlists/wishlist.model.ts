import { type Connection, type Model, Schema, type Types } from 'mongoose'

/** The `variantKey` of an item that saves the whole product (any variant). */
export const ANY_VARIANT = 'any'

/** One saved product (or one variant of it) on a buyer's wishlist. */
export interface WishlistItemDoc {
  _id: Types.ObjectId
  userId: string
  productId: string
  /** The variant id, or `any` for the whole product: with user and product, the unique key. */
  variantKey: string
  /** The price when saved (the variant's, or the product's lowest): what a price drop is below. */
  savedPrice: number
  alerts: { backInStock: boolean; priceDrop: boolean }
  /** The last alert sent for this item (epoch 0: never) and the event it was made from. */
  lastAlertAt: Date
  lastAlertEventId: string
  createdAt: Date
}

const wishlistItemSchema = new Schema<WishlistItemDoc>(
  {
    userId: { type: String, required: true },
    productId: { type: String, required: true },
    variantKey: { type: String, required: true },
    savedPrice: { type: Number, required: true },
    alerts: {
      backInStock: { type: Boolean, required: true, default: false },
      priceDrop: { type: Boolean, required: true, default: false },
    },
    lastAlertAt: { type: Date, required: true, default: () => new Date(0) },
    lastAlertEventId: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { collection: 'wishlist_items', versionKey: false },
)
// Saving the same thing twice finds the item that is there.
wishlistItemSchema.index({ userId: 1, productId: 1, variantKey: 1 }, { unique: true })
wishlistItemSchema.index({ userId: 1, _id: -1 })
// The alert subscribers: who watches this product.
wishlistItemSchema.index({ productId: 1 })

export type WishlistItemModel = Model<WishlistItemDoc>
export const createWishlistItemModel = (conn: Connection): WishlistItemModel =>
  conn.models.WishlistItem ?? conn.model<WishlistItemDoc>('WishlistItem', wishlistItemSchema)
