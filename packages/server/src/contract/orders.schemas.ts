import {
  type AdminOrderDTO,
  type CartDTO,
  type CheckoutResult,
  type CheckoutStatus,
  ORDER_GROUP_STATUSES,
  ORDER_STATUSES,
  type OrderDTO,
  type OrderExplanation,
  type OrderGroupDTO,
  type OrderTrackingDTO,
  type RefundResult,
  type SellerOrderDTO,
  shippingAddress,
} from '@kloset/core'
import { z } from 'zod'
import { optionsMap } from './catalog.schemas.js'
import {
  type Agrees,
  type Assert,
  at,
  count,
  currency,
  id,
  kobo,
  strict,
} from './common.schemas.js'

/* The order shapes: the cart, checkout, store orders and groups, tracking, refunds, explain. (The contract: common.schemas.ts.) */

export const cartDTO = strict({
  lines: z.array(
    strict({
      id,
      variantId: id,
      productId: z.string().optional(),
      storeId: z.string().optional(),
      storeName: z.string().optional(),
      title: z.string().optional(),
      sku: z.string().optional(),
      options: optionsMap,
      unitPrice: kobo.optional(),
      priceSeen: kobo,
      quantity: count,
      lineTotal: kobo,
      issues: z.array(z.enum(['unavailable', 'insufficient_stock', 'price_changed'])),
    }),
  ),
  subtotal: kobo,
  currency,
  itemCount: count,
  hasIssues: z.boolean(),
}).meta({ id: 'Cart' })

const orderStatus = z.enum(ORDER_STATUSES)
const shipment = strict({
  carrier: z.string().meta({ example: 'GIG Logistics' }),
  trackingNumber: z.string().meta({ example: 'GIG123456' }),
  shippedAt: at,
  estimatedDeliveryDate: z.string().optional().meta({ example: '2026-12-05' }),
})
const orderFields = {
  id,
  storeId: id,
  storeName: z.string().meta({ example: 'Adire House' }),
  status: orderStatus,
  lines: z.array(
    strict({
      variantId: id,
      productId: id,
      title: z.string(),
      options: optionsMap,
      sku: z.string(),
      unitPrice: kobo,
      quantity: count,
      lineTotal: kobo,
    }),
  ),
  subtotal: kobo,
  shipping: kobo,
  total: kobo,
  currency,
  refundedAmount: kobo,
  shippingAddress,
  shipment: shipment.optional(),
  paidAt: at.optional(),
  deliveredAt: at.optional(),
  completedAt: at.optional(),
  cancelReason: z.string().optional(),
  dispute: strict({
    reason: z.string(),
    openedAt: at,
    resolution: z.enum(['refund', 'release']).optional(),
  }).optional(),
  timeline: z.array(
    strict({
      kind: z.enum(['transition', 'note']),
      from: orderStatus.nullable(),
      to: orderStatus,
      actor: z.string(),
      reason: z.string().optional(),
      at,
    }),
  ),
  createdAt: at,
}
const sellerOrderFields = {
  ...orderFields,
  commissionRateBps: count,
  commission: kobo,
  sellerNet: kobo,
  acceptedAt: at.optional(),
}
export const orderDTO = strict({ ...orderFields, orderGroupId: z.string() }).meta({ id: 'Order' })
export const sellerOrderDTO = strict(sellerOrderFields).meta({ id: 'SellerOrder' })
export const adminOrderDTO = strict({
  ...sellerOrderFields,
  orderGroupId: z.string(),
  buyerId: id,
  paymentReference: z.string(),
  saleRecorded: z.boolean(),
  fundsReleased: z.boolean(),
}).meta({ id: 'AdminOrder' })

export const orderGroupDTO = strict({
  id: z.string(),
  status: z.enum(ORDER_GROUP_STATUSES),
  reference: z.string().meta({ example: 'ks_7f3a9c21' }),
  total: kobo,
  currency,
  orderIds: z.array(id),
  expiresAt: at,
  paidAt: at.optional(),
  cancelReason: z.string().optional(),
  paymentIssue: strict({ code: z.string(), message: z.string(), at }).optional(),
  createdAt: at,
}).meta({ id: 'OrderGroup' })

export const checkoutStatus = strict({
  orderGroup: orderGroupDTO,
  orders: z.array(orderDTO),
}).meta({ id: 'CheckoutStatus' })
export const checkoutResult = strict({
  orderGroup: orderGroupDTO,
  orders: z.array(orderDTO),
  payment: strict({
    authorizationUrl: z.string().meta({ example: 'https://checkout.paystack.com/abc123' }),
    reference: z.string().meta({ example: 'ks_7f3a9c21' }),
  }),
}).meta({ id: 'CheckoutResult' })

export const orderTrackingDTO = strict({
  orderId: id,
  status: orderStatus,
  shipment: shipment.optional(),
  deliveredAt: at.optional(),
  checkpoints: z.array(
    strict({
      id: z.string(),
      status: z.enum([
        'picked_up',
        'in_transit',
        'out_for_delivery',
        'delivered',
        'failed_attempt',
      ]),
      location: z.string().optional(),
      note: z.string().optional(),
      at,
      carrier: z.string(),
      trackingNumber: z.string(),
      estimatedDeliveryDate: z.string().optional(),
      postedBy: z.enum(['seller', 'admin']),
      postedAt: at,
    }),
  ),
}).meta({ id: 'OrderTracking' })

const refundDTO = strict({
  id,
  orderId: id,
  amount: kobo,
  currency,
  status: z.enum(['pending', 'processed', 'failed']),
  reason: z.string(),
  restock: z.boolean(),
  requestedBy: z.string(),
  failureReason: z.string().optional(),
  processedAt: at.optional(),
  createdAt: at,
}).meta({ id: 'Refund' })
export const refundResult = strict({ refund: refundDTO, order: adminOrderDTO })

const orderActor = z.enum(['buyer', 'seller', 'admin', 'system'])
export const orderExplanation = strict({
  order: adminOrderDTO,
  orderGroup: orderGroupDTO,
  next: z.array(strict({ to: orderStatus, who: z.array(orderActor) })),
  timers: z.array(strict({ name: z.string(), at, note: z.string() })),
  refunds: z.array(refundDTO),
}).meta({ id: 'OrderExplanation' })

// Compile-time guards: each schema's output type and its core DTO must be the same type.
export type OrdersSchemasAgree = [
  Assert<Agrees<typeof cartDTO, CartDTO>>,
  Assert<Agrees<typeof orderDTO, OrderDTO>>,
  Assert<Agrees<typeof sellerOrderDTO, SellerOrderDTO>>,
  Assert<Agrees<typeof adminOrderDTO, AdminOrderDTO>>,
  Assert<Agrees<typeof orderGroupDTO, OrderGroupDTO>>,
  Assert<Agrees<typeof checkoutStatus, CheckoutStatus>>,
  Assert<Agrees<typeof checkoutResult, CheckoutResult>>,
  Assert<Agrees<typeof orderTrackingDTO, OrderTrackingDTO>>,
  Assert<Agrees<typeof refundResult, RefundResult>>,
  Assert<Agrees<typeof orderExplanation, OrderExplanation>>,
]
