import { type Connection, type Model, Schema, type Types } from 'mongoose'
import type { Address } from '../shared/address.js'
import { addressSubSchema } from '../shared/address.model.js'
import { STORE_STATUSES, type StoreStatus } from './store.types.js'

export interface StoreDoc {
  _id: Types.ObjectId
  /** The seller account; unique, so a seller has at most one store. */
  ownerId: Types.ObjectId
  name: string
  /** `name` trimmed, single-spaced and lower-cased: case-insensitive uniqueness without collation. */
  nameKey: string
  slug: string
  description: string
  logoUrl?: string
  contactEmail: string
  contactPhone: string
  address: Address
  categories: string[]
  status: StoreStatus
  statusReason?: string
  /** Absent unless on holiday: a stored null would not be portable if this were ever indexed. */
  closedUntil?: Date
  commissionRateBps: number
  /** The seller plan in force (plans feature); absent: the free tier's defaults. */
  plan?: StorePlanDoc
  approvedAt?: Date
  approvedBy?: string
  createdAt: Date
  updatedAt: Date
}

/** The policy of the store's plan, written by the plans feature when the tier changes. */
export interface StorePlanDoc {
  code: string
  /** Absent: unlimited. */
  productLimit?: number
  featured: boolean
  /** Absent: the marketplace's PAYOUT_MINIMUM_KOBO. */
  payoutMinimumKobo?: number
}

const storePlanSchema = new Schema<StorePlanDoc>(
  {
    code: { type: String, required: true },
    productLimit: Number,
    featured: { type: Boolean, required: true },
    payoutMinimumKobo: Number,
  },
  { _id: false },
)

const storeSchema = new Schema<StoreDoc>(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true, unique: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true, unique: true },
    slug: { type: String, required: true, unique: true },
    description: { type: String, required: true },
    logoUrl: String,
    contactEmail: { type: String, required: true },
    contactPhone: { type: String, required: true },
    address: { type: addressSubSchema, required: true },
    categories: { type: [String], required: true },
    status: { type: String, required: true, enum: STORE_STATUSES },
    statusReason: String,
    closedUntil: Date,
    commissionRateBps: { type: Number, required: true, default: 500 },
    plan: { type: storePlanSchema, required: false },
    approvedAt: Date,
    approvedBy: String,
  },
  { timestamps: true, collection: 'stores' },
)
storeSchema.index({ status: 1, _id: -1 })
storeSchema.index({ 'plan.code': 1 })

export type StoreModel = Model<StoreDoc>

export const createStoreModel = (conn: Connection): StoreModel =>
  conn.models.Store ?? conn.model<StoreDoc>('Store', storeSchema)
