import { type Connection, type Model, Schema, type Types } from 'mongoose'
import { CURRENCIES, type Currency } from '../shared/money.js'
import {
  INVOICE_STATUSES,
  type InvoiceStatus,
  PLAN_INTERVALS,
  PLAN_STATUSES,
  type PlanInterval,
  type PlanStatus,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from './plan.types.js'

/** A tier. The free tier is a row too (code `free`, no Paystack plan), created on first use. */
export interface PlanDoc {
  _id: Types.ObjectId
  code: string
  name: string
  description: string
  amount: number
  currency: Currency
  interval?: PlanInterval
  paystackPlanCode?: string
  commissionRateBps: number
  /** Absent: unlimited. */
  productLimit?: number
  featured: boolean
  /** Absent: the marketplace's PAYOUT_MINIMUM_KOBO. */
  payoutMinimumKobo?: number
  status: PlanStatus
  createdAt: Date
  updatedAt: Date
}

const planSchema = new Schema<PlanDoc>(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    amount: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    interval: { type: String, enum: PLAN_INTERVALS },
    paystackPlanCode: { type: String, unique: true, sparse: true },
    commissionRateBps: { type: Number, required: true },
    productLimit: Number,
    featured: { type: Boolean, required: true },
    payoutMinimumKobo: Number,
    status: { type: String, required: true, enum: PLAN_STATUSES },
  },
  { timestamps: true, collection: 'plans' },
)

export interface HistoryEntryDoc {
  from?: SubscriptionStatus
  to: SubscriptionStatus
  planCode: string
  reason: string
  by: string
  at: Date
}

/**
 * A store's paid tier, one document per store (unique `storeId`): every status move is a
 * compare-and-set on `status` that appends to `history` in the same write.
 */
export interface SubscriptionDoc {
  _id: Types.ObjectId
  storeId: string
  planCode: string
  status: SubscriptionStatus
  pendingPlanCode?: string
  /** The Paystack customer: the seller's account email. */
  customerEmail: string
  /** The first charge's transaction reference while `incomplete`. */
  checkoutReference?: string
  authorizationUrl?: string
  paystackSubscriptionCode?: string
  emailToken?: string
  /** The saved card of the first charge: upgrades and scheduled downgrades charge it. */
  authorizationCode?: string
  currentPeriodEnd?: Date
  graceUntil?: Date
  remindersSent: number
  history: HistoryEntryDoc[]
  createdAt: Date
  updatedAt: Date
}

const historySchema = new Schema<HistoryEntryDoc>(
  {
    from: { type: String, enum: SUBSCRIPTION_STATUSES },
    to: { type: String, required: true, enum: SUBSCRIPTION_STATUSES },
    planCode: { type: String, required: true },
    reason: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    storeId: { type: String, required: true, unique: true },
    planCode: { type: String, required: true },
    status: { type: String, required: true, enum: SUBSCRIPTION_STATUSES },
    pendingPlanCode: String,
    customerEmail: { type: String, required: true },
    checkoutReference: String,
    authorizationUrl: String,
    paystackSubscriptionCode: String,
    emailToken: String,
    authorizationCode: String,
    currentPeriodEnd: Date,
    graceUntil: Date,
    remindersSent: { type: Number, required: true, default: 0 },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true, collection: 'seller_subscriptions' },
)
subscriptionSchema.index({ status: 1, _id: -1 })
subscriptionSchema.index({ paystackSubscriptionCode: 1 })

/** One billing; unique `code` makes booking a paid invoice happen once. */
export interface InvoiceDoc {
  _id: Types.ObjectId
  storeId: string
  subscriptionId: Types.ObjectId
  code: string
  planCode: string
  amount: number
  currency: Currency
  status: InvoiceStatus
  periodStart?: Date
  periodEnd?: Date
  paidAt?: Date
  transactionReference?: string
  createdAt: Date
  updatedAt: Date
}

const invoiceSchema = new Schema<InvoiceDoc>(
  {
    storeId: { type: String, required: true },
    subscriptionId: { type: Schema.Types.ObjectId, required: true },
    code: { type: String, required: true, unique: true },
    planCode: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    status: { type: String, required: true, enum: INVOICE_STATUSES },
    periodStart: Date,
    periodEnd: Date,
    paidAt: Date,
    transactionReference: String,
  },
  { timestamps: true, collection: 'subscription_invoices' },
)
invoiceSchema.index({ storeId: 1, _id: -1 })

export type PlanModel = Model<PlanDoc>
export type SubscriptionModel = Model<SubscriptionDoc>
export type InvoiceModel = Model<InvoiceDoc>

export const createPlanModel = (conn: Connection): PlanModel =>
  conn.models.Plan ?? conn.model<PlanDoc>('Plan', planSchema)
export const createSubscriptionModel = (conn: Connection): SubscriptionModel =>
  conn.models.SellerSubscription ??
  conn.model<SubscriptionDoc>('SellerSubscription', subscriptionSchema)
export const createInvoiceModel = (conn: Connection): InvoiceModel =>
  conn.models.SubscriptionInvoice ?? conn.model<InvoiceDoc>('SubscriptionInvoice', invoiceSchema)
