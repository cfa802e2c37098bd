import { shareOf } from '../shared/money.js'
import type { OrderDoc, OrderGroupDoc, TimelineEntryDoc } from './order.model.js'
import type {
  AdminOrderDTO,
  OrderDTO,
  OrderGroupDTO,
  RefundDTO,
  SellerOrderDTO,
  TimelineEntryDTO,
} from './order.types.js'
import type { RefundDoc } from './refund.model.js'

const iso = (date: Date | undefined) => date?.toISOString()

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

/** Copies field by field, so nothing else of the document comes along. */
export function toOrderDTO(doc: OrderDoc): OrderDTO {
  const paidAt = iso(doc.paidAt)
  const deliveredAt = iso(doc.deliveredAt)
  const completedAt = iso(doc.completedAt)
  const a = doc.shippingAddress
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
      line1: a.line1,
      ...(a.line2 ? { line2: a.line2 } : {}),
      city: a.city,
      state: a.state,
      country: a.country,
      ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    },
    ...(doc.shipment
      ? {
          shipment: {
            carrier: doc.shipment.carrier,
            trackingNumber: doc.shipment.trackingNumber,
            shippedAt: doc.shipment.shippedAt.toISOString(),
          },
        }
      : {}),
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
