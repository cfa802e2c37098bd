import type { Address } from '../shared/address.js'
import type { Currency } from '../shared/money.js'

/** Store order lifecycle (order.transitions.ts holds the table and who may make each move). */
export const ORDER_STATUSES = [
  'pending',
  'processing',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'disputed',
  'resolved',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** An order group: one checkout, one Paystack charge, one order per store. */
export const ORDER_GROUP_STATUSES = ['creating', 'awaiting_payment', 'paid', 'cancelled'] as const
export type OrderGroupStatus = (typeof ORDER_GROUP_STATUSES)[number]

export const CART_LINE_ISSUES = ['unavailable', 'insufficient_stock', 'price_changed'] as const
export type CartLineIssue = (typeof CART_LINE_ISSUES)[number]

export const REFUND_STATUSES = ['pending', 'processed', 'failed'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

/** What a tracking checkpoint says happened to a shipped order; `delivered` also moves it. */
export const TRACKING_STATUSES = [
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'failed_attempt',
] as const
export type TrackingStatus = (typeof TRACKING_STATUSES)[number]

export const DISPUTE_RESOLUTIONS = ['refund', 'release'] as const
export type DisputeResolution = (typeof DISPUTE_RESOLUTIONS)[number]

/** Who moves an order: the transition table names these, not roles of accounts. */
export type OrderActor = 'buyer' | 'seller' | 'admin' | 'system'

/** Where an order goes: the postal address, and who takes it there. */
export interface ShippingAddress extends Address {
  name: string
  phone: string
}

export interface CartLineDTO {
  id: string
  variantId: string
  productId?: string
  storeId?: string
  storeName?: string
  title?: string
  sku?: string
  options: Record<string, string>
  /** The catalog's price now, in kobo; what checkout charges. */
  unitPrice?: number
  /** The price when the line was added or last acknowledged; differs when `price_changed`. */
  priceSeen: number
  quantity: number
  lineTotal: number
  issues: CartLineIssue[]
}

export interface CartDTO {
  lines: CartLineDTO[]
  /** Sum of the lines that can be bought, in kobo. */
  subtotal: number
  currency: Currency
  itemCount: number
  /** True when checkout would refuse the cart as it is. */
  hasIssues: boolean
}

export interface OrderLineDTO {
  variantId: string
  productId: string
  title: string
  options: Record<string, string>
  sku: string
  unitPrice: number
  quantity: number
  lineTotal: number
}

export interface TimelineEntryDTO {
  /** `transition` changes the status; the others are notes (from = to). */
  kind: 'transition' | 'note'
  from: OrderStatus | null
  to: OrderStatus
  actor: string
  reason?: string
  at: string
}

export interface ShipmentDTO {
  carrier: string
  trackingNumber: string
  shippedAt: string
  /** The latest estimate given with a tracking checkpoint, `YYYY-MM-DD`. */
  estimatedDeliveryDate?: string
}

/**
 * One tracking checkpoint of a shipped order, as the tracking view and the
 * `order.tracking_updated` event carry it.
 */
export interface TrackingCheckpointDTO {
  id: string
  status: TrackingStatus
  location?: string
  note?: string
  /** When it happened (given by the seller, or when it was posted). */
  at: string
  /** The carrier and tracking number in effect for this checkpoint. */
  carrier: string
  trackingNumber: string
  estimatedDeliveryDate?: string
  /** Who posted it: the store's seller or an administrator. */
  postedBy: 'seller' | 'admin'
  postedAt: string
}

/** `GET /api/v1/orders/:id/tracking`: the shipment and its checkpoints, oldest first. */
export interface OrderTrackingDTO {
  orderId: string
  status: OrderStatus
  shipment?: ShipmentDTO
  deliveredAt?: string
  checkpoints: TrackingCheckpointDTO[]
}

/** What the buyer reads of one store order. */
export interface OrderDTO {
  id: string
  orderGroupId: string
  storeId: string
  storeName: string
  status: OrderStatus
  lines: OrderLineDTO[]
  subtotal: number
  shipping: number
  total: number
  currency: Currency
  refundedAmount: number
  shippingAddress: ShippingAddress
  shipment?: ShipmentDTO
  paidAt?: string
  deliveredAt?: string
  completedAt?: string
  cancelReason?: string
  dispute?: { reason: string; openedAt: string; resolution?: DisputeResolution }
  timeline: TimelineEntryDTO[]
  createdAt: string
}

/**
 * What the seller reads of their store's order: no buyer email, no payment reference, no other
 * store's order or the group total. Their own commission is shown (the rate was frozen on the
 * order, and the same figures appear on their ledger statement).
 */
export interface SellerOrderDTO extends Omit<OrderDTO, 'orderGroupId'> {
  commissionRateBps: number
  commission: number
  sellerNet: number
  acceptedAt?: string
}

/** What administrators read: everything, including the payment side. */
export interface AdminOrderDTO extends SellerOrderDTO {
  orderGroupId: string
  buyerId: string
  paymentReference: string
  saleRecorded: boolean
  fundsReleased: boolean
}

export interface OrderGroupDTO {
  id: string
  status: OrderGroupStatus
  reference: string
  total: number
  currency: Currency
  orderIds: string[]
  expiresAt: string
  paidAt?: string
  cancelReason?: string
  /** Set when a payment signal did not match (administrators look at it). */
  paymentIssue?: { code: string; message: string; at: string }
  createdAt: string
}

export interface CheckoutResult {
  orderGroup: OrderGroupDTO
  orders: OrderDTO[]
  payment: { authorizationUrl: string; reference: string }
}

export interface CheckoutStatus {
  orderGroup: OrderGroupDTO
  orders: OrderDTO[]
}

export interface RefundDTO {
  id: string
  orderId: string
  amount: number
  currency: Currency
  status: RefundStatus
  reason: string
  restock: boolean
  requestedBy: string
  failureReason?: string
  processedAt?: string
  createdAt: string
}

/** `kloset orders explain`: where an order is, how it got there, and what can happen next. */
export interface OrderExplanation {
  order: AdminOrderDTO
  orderGroup: OrderGroupDTO
  next: { to: OrderStatus; who: OrderActor[] }[]
  timers: { name: string; at: string; note: string }[]
  refunds: RefundDTO[]
}
