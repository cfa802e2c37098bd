import { type Connection, type Model, Schema, type Types } from 'mongoose'

/** One stored recommendation: a product, its score and the sentence the buyer reads. */
export interface StoredPick {
  productId: string
  score: number
  reason: string
}

/**
 * A list the recommendations job computed: `also:<productId>`, `user:<userId>` or
 * `trending[:<category>]`. Candidates are kept beyond the list size, so a read that drops the
 * ones sold out since still fills its list.
 */
export interface RecommendationListDoc {
  /** `<run>:<key>`; the pointer to the current run is `current` (its `run`). */
  _id: string
  run: string
  items: StoredPick[]
  computedAt: Date
}

/** The `_id` of the document naming the run that reads use. */
export const CURRENT_RUN_ID = 'current'

const recommendationListSchema = new Schema<RecommendationListDoc>(
  {
    _id: { type: String, required: true },
    run: { type: String, required: true },
    items: {
      type: [
        new Schema<StoredPick>(
          { productId: String, score: Number, reason: String },
          { _id: false },
        ),
      ],
      default: [],
    },
    computedAt: { type: Date, required: true },
  },
  { collection: 'recommendation_lists', versionKey: false },
)
// A run deletes the lists of earlier runs once reads point at its own.
recommendationListSchema.index({ run: 1 })

export type RecommendationListModel = Model<RecommendationListDoc>
export const createRecommendationListModel = (conn: Connection): RecommendationListModel =>
  conn.models.RecommendationList ??
  conn.model<RecommendationListDoc>('RecommendationList', recommendationListSchema)

/** A product page a signed-in buyer opened ("for you" reads the recent ones). */
export interface ProductViewDoc {
  _id: Types.ObjectId
  userId: string
  productId: string
  at: Date
}

const productViewSchema = new Schema<ProductViewDoc>(
  {
    userId: { type: String, required: true },
    productId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'product_views', versionKey: false },
)
productViewSchema.index({ userId: 1, _id: -1 })
// The job's window and the sweep of old views.
productViewSchema.index({ at: 1 })

export type ProductViewModel = Model<ProductViewDoc>
export const createProductViewModel = (conn: Connection): ProductViewModel =>
  conn.models.ProductView ?? conn.model<ProductViewDoc>('ProductView', productViewSchema)
