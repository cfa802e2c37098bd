import { type Connection, type Model, Schema, type Types } from 'mongoose'
import type { OptionValueDoc } from '../catalog/variant.model.js'
import { outboxFields } from '../events/outbox.js'
import { addressFields } from '../shared/address.model.js'
import type { OutboxEntry } from '../shared/events.js'
import { CURRENCIES, type Currency } from '../shared/money.js'
import {
  DISPUTE_RESOLUTIONS,
  type DisputeResolution,
  ORDER_GROUP_STATUSES,
  ORDER_STATUSES,
  type OrderGroupStatus,
  type OrderStatus,
  type ShippingAddress,
  TRACKING_STATUSES,
  type TrackingStatus,
} from './order.types.js'

export interface OrderLineDoc {
  variantId: string
  productId: string
  title: string
  options: OptionValueDoc[]
  sku: string
  unitPrice: number
  quantity: number
  lineTotal: number
}

/**
 * One entry of an order's timeline: the audit trail and the source of `orders explain`. Written
 * in the same single-document update as the status change it records, together with the
 * `order.<status>` event in the order's `outbox`; `eventId` names that event in the event log.
 */
export interface TimelineEntryDoc {
  kind: 'transition' | 'note'
  from: OrderStatus | null
  to: OrderStatus
  actor: string
  reason?: string
  at: Date
  /** The event this transition emitted (the event log's `_id`); notes emit none. */
  eventId?: string
}

/** A tracking checkpoint, pushed onto `tracking` (never edited: a correction is a new one). */
export interface TrackingCheckpointDoc {
  id: string
  status: TrackingStatus
  location?: string
  note?: string
  at: Date
  carrier: string
  trackingNumber: string
  estimatedDeliveryDate?: string
  postedBy: 'seller' | 'admin'
  /** The actor, as the timeline names it (audit). */
  actor: string
  postedAt: Date
}

export interface OrderDoc {
  _id: Types.ObjectId
  groupId: string
  buyerId: string
  storeId: string
  storeName: string
  status: OrderStatus
  lines: OrderLineDoc[]
  subtotal: number
  shipping: number
  total: number
  currency: Currency
  /** Frozen when the order is placed: later changes to the store's rate do not touch it. */
  commissionRateBps: number
  /** Refunds asked of Paystack and not failed (pending + processed): the guard against over-refunds. */
  refundedAmount: number
  shippingAddress: ShippingAddress
  shipment?: {
    carrier: string
    trackingNumber: string
    shippedAt: Date
    estimatedDeliveryDate?: string
  }
  paidAt?: Date
  acceptedAt?: Date
  deliveredAt?: Date
  completedAt?: Date
  cancelledAt?: Date
  cancelReason?: string
  dispute?: { reason: string; openedAt: Date; resolution?: DisputeResolution }
  /** The ledger holds the sale (`sale:<orderId>`). */
  saleRecorded: boolean
  /** The seller's share moved from pending to available (`release:<orderId>`). */
  fundsReleased: boolean
  timeline: TimelineEntryDoc[]
  /** Tracking checkpoints in the order they were posted (absent on older orders). */
  tracking?: TrackingCheckpointDoc[]
  /** Events recorded with a status change, until the bus copies them to the event log. */
  outbox: OutboxEntry[]
  /** `pending` while `outbox` holds entries (the relay sweep's indexed mark). */
  outboxState?: 'pending'
  createdAt: Date
  updatedAt: Date
}

export interface OrderGroupDoc {
  _id: Types.ObjectId
  buyerId: string
  status: OrderGroupStatus
  /** Our Paystack transaction reference, `kg-<group id>`. */
  reference: string
  total: number
  currency: Currency
  orderIds: string[]
  reservationId?: string
  shippingAddress: ShippingAddress
  authorizationUrl?: string
  expiresAt: Date
  paidAt?: Date
  paystackTransactionId?: number
  /** Paystack's fee on the payment, from the verify answer that paid the group (minor units). */
  paystackFees?: number
  cancelledAt?: Date
  cancelReason?: string
  paymentIssue?: { code: string; message: string; at: Date }
  createdAt: Date
  updatedAt: Date
}

// The postal address (shared/address.model.ts) with who receives it.
const shippingAddressSubSchema = new Schema<ShippingAddress>(
  {
    name: { type: String, required: true },
    phone: { type: String, required: true },
    ...addressFields,
  },
  { _id: false },
)

const lineSchema = new Schema<OrderLineDoc>(
  {
    variantId: { type: String, required: true },
    productId: { type: String, required: true },
    title: { type: String, required: true },
    options: {
      type: [new Schema<OptionValueDoc>({ name: String, value: String }, { _id: false })],
      default: [],
    },
    sku: { type: String, required: true },
    unitPrice: { type: Number, required: true },
    quantity: { type: Number, required: true },
    lineTotal: { type: Number, required: true },
  },
  { _id: false },
)

const timelineSchema = new Schema<TimelineEntryDoc>(
  {
    kind: { type: String, required: true, enum: ['transition', 'note'] },
    from: { type: String, default: null },
    to: { type: String, required: true, enum: ORDER_STATUSES },
    actor: { type: String, required: true },
    reason: String,
    at: { type: Date, required: true },
    eventId: String,
  },
  { _id: false },
)

const trackingSchema = new Schema<TrackingCheckpointDoc>(
  {
    id: { type: String, required: true },
    status: { type: String, required: true, enum: TRACKING_STATUSES },
    location: String,
    note: String,
    at: { type: Date, required: true },
    carrier: { type: String, required: true },
    trackingNumber: { type: String, required: true },
    estimatedDeliveryDate: String,
    postedBy: { type: String, required: true, enum: ['seller', 'admin'] },
    actor: { type: String, required: true },
    postedAt: { type: Date, required: true },
  },
  { _id: false },
)

const orderSchema = new Schema<OrderDoc>(
  {
    groupId: { type: String, required: true, index: true },
    buyerId: { type: String, required: true },
    storeId: { type: String, required: true },
    storeName: { type: String, required: true },
    status: { type: String, required: true, enum: ORDER_STATUSES },
    lines: { type: [lineSchema], required: true },
    subtotal: { type: Number, required: true },
    shipping: { type: Number, required: true },
    total: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    commissionRateBps: { type: Number, required: true },
    refundedAmount: { type: Number, required: true, default: 0 },
    shippingAddress: { type: shippingAddressSubSchema, required: true },
    shipment: {
      type: new Schema(
        { carrier: String, trackingNumber: String, shippedAt: Date, estimatedDeliveryDate: String },
        { _id: false },
      ),
      required: false,
    },
    paidAt: Date,
    acceptedAt: Date,
    deliveredAt: Date,
    completedAt: Date,
    cancelledAt: Date,
    cancelReason: String,
    dispute: {
      type: new Schema(
        {
          reason: { type: String, required: true },
          openedAt: { type: Date, required: true },
          resolution: { type: String, enum: DISPUTE_RESOLUTIONS },
        },
        { _id: false },
      ),
      required: false,
    },
    saleRecorded: { type: Boolean, required: true, default: false },
    fundsReleased: { type: Boolean, required: true, default: false },
    timeline: { type: [timelineSchema], default: [] },
    tracking: { type: [trackingSchema], default: undefined },
    ...outboxFields,
  },
  { timestamps: true, collection: 'orders' },
)
// Buyer, seller and admin lists (newest first), and the timer jobs. A list filtered by store
// alone needs its own (storeId, _id): with only (storeId, status, _id) the newest-first page of
// a busy store is a sort of all its orders.
orderSchema.index({ buyerId: 1, _id: -1 })
orderSchema.index({ storeId: 1, _id: -1 })
orderSchema.index({ storeId: 1, status: 1, _id: -1 })
orderSchema.index({ status: 1, _id: -1 })
orderSchema.index({ status: 1, 'shipment.shippedAt': 1 })
orderSchema.index({ status: 1, deliveredAt: 1 })

const groupSchema = new Schema<OrderGroupDoc>(
  {
    buyerId: { type: String, required: true, index: true },
    status: { type: String, required: true, enum: ORDER_GROUP_STATUSES },
    reference: { type: String, required: true, unique: true },
    total: { type: Number, required: true },
    currency: { type: String, required: true, enum: CURRENCIES },
    orderIds: { type: [String], default: [] },
    reservationId: String,
    shippingAddress: { type: shippingAddressSubSchema, required: true },
    authorizationUrl: String,
    expiresAt: { type: Date, required: true },
    paidAt: Date,
    paystackTransactionId: Number,
    paystackFees: Number,
    cancelledAt: Date,
    cancelReason: String,
    paymentIssue: {
      type: new Schema({ code: String, message: String, at: Date }, { _id: false }),
      required: false,
    },
  },
  { timestamps: true, collection: 'order_groups' },
)
// The expiry sweep: unpaid groups past their payment window.
groupSchema.index({ status: 1, expiresAt: 1 })

export type OrderModel = Model<OrderDoc>
export type OrderGroupModel = Model<OrderGroupDoc>

export const createOrderModel = (conn: Connection): OrderModel =>
  conn.models.Order ?? conn.model<OrderDoc>('Order', orderSchema)

export const createOrderGroupModel = (conn: Connection): OrderGroupModel =>
  conn.models.OrderGroup ?? conn.model<OrderGroupDoc>('OrderGroup', groupSchema)
