import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { outboxFields } from '../events/outbox.js'
import type { OutboxEntry } from '../shared/events.js'
import { type OptionAxis, PRODUCT_STATUSES, type ProductStatus } from './product.types.js'
import type { ProductImage } from './product-images.port.js'

/** The reviewable content of a product, as stored (live on the product, or in a revision). */
export interface ContentDoc {
  title: string
  description: string
  category: string
  brand?: string
  tags: string[]
  options: OptionAxis[]
  images: ProductImage[]
}

export interface RevisionDoc extends ContentDoc {
  submittedAt: Date
}

export interface ProductDoc extends ContentDoc {
  _id: Types.ObjectId
  storeId: Types.ObjectId
  status: ProductStatus
  statusReason?: string
  pendingRevision?: RevisionDoc
  revisionRejection?: { reason: string; at: Date }
  /** Decision events recorded with the status change, until the bus copies them to the log. */
  outbox: OutboxEntry[]
  /** `pending` while `outbox` holds entries (the relay sweep's indexed mark). */
  outboxState?: 'pending'
  /**
   * Denormalized for the public catalog (docs/catalog.md), kept up to date by the catalog
   * services whenever the live content, the variants, their prices or stock crossing zero change.
   */
  searchText: string
  minPrice?: number
  maxPrice?: number
  inStock: boolean
  variantCount: number
  optionValues: string[]
  submittedAt?: Date
  approvedAt?: Date
  approvedBy?: string
  /** First approval: the product's "new in" date; later revisions do not move it. */
  publishedAt?: Date
  archivedAt?: Date
  /**
   * The `popular` sort key: recent paid orders, decayed (x1000, an integer), set by the
   * recommendations job (docs/recommendations.md); 0 until a job has seen the product sell.
   */
  popularity?: number
  createdAt: Date
  updatedAt: Date
}

const optionAxisSchema = new Schema<OptionAxis>(
  { name: { type: String, required: true }, values: { type: [String], required: true } },
  { _id: false },
)

const imageSchema = new Schema<ProductImage>(
  {
    id: { type: String, required: true },
    url: { type: String, required: true },
    storageKey: { type: String, required: true },
    store: { type: String, required: true, enum: ['disk', 'cloudinary'] },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    format: { type: String, required: true, enum: ['jpeg', 'png', 'webp'] },
    bytes: { type: Number, required: true },
  },
  { _id: false },
)

const contentFields = {
  title: { type: String, required: true },
  description: { type: String, default: '' },
  category: { type: String, required: true },
  brand: String,
  tags: { type: [String], default: [] },
  options: { type: [optionAxisSchema], default: [] },
  images: { type: [imageSchema], default: [] },
}

const revisionSchema = new Schema<RevisionDoc>(
  { ...contentFields, submittedAt: { type: Date, required: true } },
  { _id: false },
)

const productSchema = new Schema<ProductDoc>(
  {
    storeId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true, enum: PRODUCT_STATUSES },
    statusReason: String,
    ...contentFields,
    pendingRevision: { type: revisionSchema, required: false },
    revisionRejection: {
      type: new Schema({ reason: String, at: Date }, { _id: false }),
      required: false,
    },
    searchText: { type: String, default: '' },
    minPrice: Number,
    maxPrice: Number,
    inStock: { type: Boolean, required: true, default: false },
    variantCount: { type: Number, required: true, default: 0 },
    optionValues: { type: [String], default: [] },
    submittedAt: Date,
    approvedAt: Date,
    approvedBy: String,
    publishedAt: Date,
    archivedAt: Date,
    popularity: { type: Number, default: 0 },
    ...outboxFields,
  },
  { timestamps: true, collection: 'products' },
)
// Seller lists and ownership checks.
productSchema.index({ storeId: 1, status: 1 })
productSchema.index({ storeId: 1, _id: -1 })
// The admin review queue.
productSchema.index({ status: 1, _id: -1 })
// The public catalog (another engineer's queries): browse by category and price, "new in".
productSchema.index({ status: 1, category: 1, minPrice: 1 })
productSchema.index({ status: 1, publishedAt: -1 })
// The `popular` sort (recommendations job).
productSchema.index({ status: 1, popularity: -1 })

export type ProductModel = Model<ProductDoc>

export const createProductModel = (conn: Connection): ProductModel =>
  conn.models.Product ?? conn.model<ProductDoc>('Product', productSchema)
