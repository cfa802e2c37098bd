import { addressOf } from '../shared/address.js'
import { shareOf } from '../shared/money.js'
import { openAddress } from './address.cipher.js'
import type {
  OrderDoc,
  OrderGroupDoc,
  TimelineEntryDoc,
  TrackingCheckpointDoc,
} from './order.model.js'
import type {
  AdminOrderDTO,
  OrderDTO,
  OrderGroupDTO,
  OrderTrackingDTO,
  RefundDTO,
  SellerOrderDTO,
  ShipmentDTO,
  TimelineEntryDTO,
  TrackingCheckpointDTO,
} from './order.types.js'
import type { RefundDoc } from './refund.model.js'

const iso = (date: Date | undefined) => date?.toISOString()

/** An order group's Paystack transaction reference: checkout names it after the group. */
export const paymentReferenceOf = (groupId: string): string => `kg-${groupId}`

function toTimelineDTO(entry: TimelineEntryDoc): TimelineEntryDTO {
  return {
    kind: entry.kind,
    from: entry.from ?? null,
    to: entry.to,
    actor: entry.actor,
    ...(entry.reason ? { reason: entry.reason } : {}),
    at: entry.at.toISOString(),
  }
}

function toShipmentDTO(shipment: NonNullable<OrderDoc['shipment']>): ShipmentDTO {
  return {
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    shippedAt: shipment.shippedAt.toISOString(),
    ...(shipment.estimatedDeliveryDate
      ? { estimatedDeliveryDate: shipment.estimatedDeliveryDate }
      : {}),
  }
}

/** A checkpoint as the tracking view and the `order.tracking_updated` event show it. */
export function toCheckpointDTO(doc: TrackingCheckpointDoc): TrackingCheckpointDTO {
  return {
    id: doc.id,
    status: doc.status,
    ...(doc.location ? { location: doc.location } : {}),
    ...(doc.note ? { note: doc.note } : {}),
    at: doc.at.toISOString(),
    carrier: doc.carrier,
    trackingNumber: doc.trackingNumber,
    ...(doc.estimatedDeliveryDate ? { estimatedDeliveryDate: doc.estimatedDeliveryDate } : {}),
    postedBy: doc.postedBy,
    postedAt: doc.postedAt.toISOString(),
  }
}

/** The tracking view: checkpoints by when they happened (a late post of an early scan included). */
export function toOrderTrackingDTO(doc: OrderDoc): OrderTrackingDTO {
  const deliveredAt = iso(doc.deliveredAt)
  const checkpoints = (doc.tracking ?? [])
    .map((checkpoint, posted) => ({ checkpoint, posted }))
    .sort((a, b) => a.checkpoint.at.getTime() - b.checkpoint.at.getTime() || a.posted - b.posted)
    .map(({ checkpoint }) => toCheckpointDTO(checkpoint))
  return {
    orderId: String(doc._id),
    status: doc.status,
    ...(doc.shipment ? { shipment: toShipmentDTO(doc.shipment) } : {}),
    ...(deliveredAt ? { deliveredAt } : {}),
    checkpoints,
  }
}

/** Copies field by field, so nothing else of the document comes along. */
export function toOrderDTO(doc: OrderDoc): OrderDTO {
  const paidAt = iso(doc.paidAt)
  const deliveredAt = iso(doc.deliveredAt)
  const completedAt = iso(doc.completedAt)
  const a = openAddress(doc.shippingAddress)
  return {
    id: String(doc._id),
    orderGroupId: doc.groupId,
    storeId: doc.storeId,
    storeName: doc.storeName,
    status: doc.status,
    lines: doc.lines.map((l) => ({
      variantId: l.variantId,
      productId: l.productId,
      title: l.title,
      options: Object.fromEntries(l.options.map((o) => [o.name, o.value])),
      sku: l.sku,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      lineTotal: l.lineTotal,
    })),
    subtotal: doc.subtotal,
    shipping: doc.shipping,
    total: doc.total,
    currency: doc.currency,
    refundedAmount: doc.refundedAmount,
    shippingAddress: {
      name: a.name,
      phone: a.phone,
      ...addressOf(a),
    },
    ...(doc.shipment ? { shipment: toShipmentDTO(doc.shipment) } : {}),
    ...(paidAt ? { paidAt } : {}),
    ...(deliveredAt ? { deliveredAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    ...(doc.cancelReason ? { cancelReason: doc.cancelReason } : {}),
    ...(doc.dispute
      ? {
          dispute: {
            reason: doc.dispute.reason,
            openedAt: doc.dispute.openedAt.toISOString(),
            ...(doc.dispute.resolution ? { resolution: doc.dispute.resolution } : {}),
          },
        }
      : {}),
    timeline: doc.timeline.map(toTimelineDTO),
    createdAt: doc.createdAt.toISOString(),
  }
}

export function toSellerOrderDTO(doc: OrderDoc): SellerOrderDTO {
  const { orderGroupId: _group, ...order } = toOrderDTO(doc)
  const commission = shareOf(doc.total, doc.commissionRateBps)
  const acceptedAt = iso(doc.acceptedAt)
  return {
    ...order,
    commissionRateBps: doc.commissionRateBps,
    commission,
    sellerNet: doc.total - commission,
    ...(acceptedAt ? { acceptedAt } : {}),
  }
}

export function toAdminOrderDTO(doc: OrderDoc, group: Pick<OrderGroupDoc, 'reference'>) {
  const admin: AdminOrderDTO = {
    ...toSellerOrderDTO(doc),
    orderGroupId: doc.groupId,
    buyerId: doc.buyerId,
    paymentReference: group.reference,
    saleRecorded: doc.saleRecorded,
    fundsReleased: doc.fundsReleased,
  }
  return admin
}

export function toOrderGroupDTO(doc: OrderGroupDoc): OrderGroupDTO {
  const paidAt = iso(doc.paidAt)
  return {
    id: String(doc._id),
    status: doc.status,
    reference: doc.reference,
    total: doc.total,
    currency: doc.currency,
    orderIds: [...doc.orderIds],
    expiresAt: doc.expiresAt.toISOString(),
    ...(paidAt ? { paidAt } : {}),
    ...(doc.cancelReason ? { cancelReason: doc.cancelReason } : {}),
    ...(doc.paymentIssue
      ? {
          paymentIssue: {
            code: doc.paymentIssue.code,
            message: doc.paymentIssue.message,
            at: doc.paymentIssue.at.toISOString(),
          },
        }
      : {}),
    createdAt: doc.createdAt.toISOString(),
  }
}

export function toRefundDTO(doc: RefundDoc): RefundDTO {
  const processedAt = iso(doc.processedAt)
  return {
    id: String(doc._id),
    orderId: doc.orderId,
    amount: doc.amount,
    currency: doc.currency,
    status: doc.status,
    reason: doc.reason,
    restock: doc.restock,
    requestedBy: doc.requestedBy,
    ...(doc.failureReason ? { failureReason: doc.failureReason } : {}),
    ...(processedAt ? { processedAt } : {}),
    createdAt: doc.createdAt.toISOString(),
  }
}
